"""The collector's day in the app, driven with Pilot: route, visit, script, forms, summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from fieldapp.store import Store
from fieldapp.tui.keys import KeysScreen
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.receipt import ReceiptScreen
from fieldapp.tui.route import RouteScreen
from fieldapp.tui.route_list import RouteList
from fieldapp.tui.script import ScriptScreen
from fieldapp.tui.summary import SummaryScreen
from fieldapp.tui.visit import VisitScreen
from tests.conftest import DAY
from tests.ui import drive, rows, text_of


def test_filter_as_you_type_by_name_account_and_phone(home):
    async def steps(app, pilot):
        found = {}
        for needle in ("王", "EN-1003", "21 43 65", "østergade"):
            await pilot.press("slash")
            app.screen.query_one("#route-filter", Input).value = needle
            await pilot.pause()
            found[needle] = [r[1] for r in rows(app)]
            await pilot.press("escape")
            await pilot.pause()
        found["cleared"] = len(rows(app))
        return found

    found = drive(home, steps)
    assert found["王"] == ["王小明"]
    assert found["EN-1003"] == ["Sarah [Sally] Mitchell"]
    assert found["21 43 65"] == ["Søren Ærøskøbing"]
    assert "Søren Ærøskøbing" in found["østergade"] and "Karen Østergaard" not in found["østergade"]
    assert found["cleared"] == 36


def test_sort_by_amount_and_by_days_past_due(home):
    async def steps(app, pilot):
        await pilot.press("s")
        await pilot.pause()
        by_amount = rows(app)
        await pilot.press("s")
        await pilot.pause()
        by_days = rows(app)
        return by_amount, by_days, text_of(app, "#route-totals")

    by_amount, by_days, totals = drive(home, steps)
    # Grouped by currency, largest arrears first within each.
    # 孙燕 is on hold in the demo (bereaved): the route marks her.
    assert [r[1] for r in by_amount[:2]] == ["孙燕 ⏸", "徐军"]
    assert by_amount[12][1] == "Pia Nørgaard ⊘"  # her visit notice went out yesterday
    assert [int(r[4]) for r in by_days] == sorted((int(r[4]) for r in by_days), reverse=True)
    assert "days past due" in totals


def test_skip_marks_the_stop_and_the_next_undone_is_highlighted(home):
    async def steps(app, pilot):
        await pilot.press("x")
        await pilot.pause()
        first = rows(app)[0][6]
        table = app.screen.query_one("#route", RouteList)
        return first, table.cursor_row

    status, cursor = drive(home, steps)
    assert status == "skipped"
    assert cursor == 1


def test_stage_column_and_totals_header(home):
    async def steps(app, pilot):
        return rows(app), text_of(app, "#route-totals"), text_of(app, "#route-title")

    table, totals, title = drive(home, steps)
    assert {r[5] for r in table} == {"early", "middle", "late"}
    assert "0 done · 36 left" in totals
    assert "23 November 2026" in title


def test_visit_shows_policy_per_contact_history_and_promises(home):
    async def steps(app, pilot):
        # Mette Kjærgaard (DA-1002) had Anna Holm's visit: a promise, then a payment.
        await pilot.press("down", "enter")
        await pilot.pause()
        return (
            text_of(app, "#contacts"),
            text_of(app, "#history"),
            text_of(app, "#promises"),
        )

    contacts, history, promises = drive(home, steps)
    assert "may discuss the debt" in contacts
    assert "Anna Holm" in history and "Promise to pay" in history
    assert "kept" in promises


def test_broken_promise_is_shown_as_broken(home):
    async def steps(app, pilot):
        await pilot.press("slash")
        app.screen.query_one("#route-filter", Input).value = "DA-1006"
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        return text_of(app, "#promises")

    promises = drive(home, steps)
    assert "broken" in promises


def test_spouse_may_only_be_used_to_locate(home):
    async def steps(app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        danish = text_of(app, "#contacts")
        await pilot.press("escape")
        app.screen.query_one("#route-filter", Input).value = "EN-1001"
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        return danish, text_of(app, "#contacts")

    # Each account's own policy: in Denmark never the spouse; by default once, to locate.
    danish, english = drive(home, steps)
    assert "Spouse" in danish and "may not be contacted" in danish
    assert "once, only to locate the borrower; never discuss the debt" in english


def test_script_in_the_borrowers_language_and_its_step_goes_with_the_outcome(home):
    async def steps(app, pilot):
        await pilot.press("slash")
        app.screen.query_one("#route-filter", Input).value = "王小明"
        await pilot.pause()
        await pilot.press("enter", "enter", "p")
        await pilot.pause()
        assert isinstance(app.screen, ScriptScreen)
        opening = text_of(app, "#script-intro")
        await pilot.press("v")
        await pilot.pause()
        phone_opening = text_of(app, "#script-intro")
        await pilot.press("n", "n", "b")
        await pilot.pause()
        ladder = text_of(app, "#script-ladder")
        await pilot.press("o")
        await pilot.pause()
        # The script was on the phone: the form takes the channel, and nobody answered.
        app.screen.query_one("#outcome").value = "no_answer"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        return opening, ladder, phone_opening, app.store.outcomes_for_account("ZH-1001")[0]

    opening, ladder, phone_opening, saved = drive(home, steps)
    assert "请问您是王小明吗" in opening
    assert "▶ 2." in ladder
    assert "出生日期" in phone_opening
    assert saved.details.script_id == "early.phone.short_for_now.zh"
    assert saved.details.script_version == 3
    assert saved.details.script_step == 3
    assert saved.details.channel == "phone"


def _fill_and_save(code: str, values: dict[str, str], home: Path, size=(120, 40)):
    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = code
        await pilot.pause()
        shown = sorted(w.id.removeprefix("f-") for w in form.query(".field") if w.display and w.id)
        for name, value in values.items():
            form.query_one(f"#{name}").value = value
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        return shown, app.screen

    return drive(home, steps, size)


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        ("promise", {"amount", "promise_date"}),
        ("paid", {"amount", "method"}),
        ("not_home", set()),
        ("refused", set()),
        ("dispute", {"dispute_reason"}),
        ("plan", {"amount", "instalments", "every", "first_date", "statement"}),
        ("hardship", {"instalment", "term_months", "statement"}),
        ("moved", {"new_address"}),
        ("callback", {"callback_at"}),
        ("third_party", {"contact_who"}),
        ("deceased", set()),
        ("no_answer", set()),
    ],
)
def test_each_code_shows_exactly_its_fields(home, code, fields):
    shown, _screen = _fill_and_save(code, {}, home)
    common = {"default_reason", "ability", "willingness", "note"}
    # How, when, and whom (a third party's "who was contacted" says whom).
    contact = {"channel", "happened_at"} | ({"role"} if code != "third_party" else set())
    assert set(shown) == {"outcome"} | fields | common | contact


def test_paid_gives_a_receipt_made_offline(home):
    _shown, screen = _fill_and_save("paid", {"amount": "120.50", "method": "cash"}, home)
    assert isinstance(screen, ReceiptScreen)
    store = Store(home)
    try:
        [saved] = store.outcomes_for_account("DA-1001")
        assert saved.receipt_no and saved.receipt_no.split("-")[1] == "000001"
        summary = store.day_summary(DAY)
        assert summary.collected == {"cash": {"DKK": 12050}}
    finally:
        store.close()


def test_dispute_puts_the_account_on_hold(home):
    _fill_and_save("dispute", {"dispute_reason": "says the loan was repaid in 2024"}, home)

    async def steps(app, pilot):
        first = rows(app)[0][1]
        await pilot.press("up", "enter")
        await pilot.pause()
        return first, app.screen.query_one("#hold", Static).display

    first, hold_shown = drive(home, steps)
    assert "⏸" in first and hold_shown


def test_hardship_callback_and_third_party_are_saved_with_their_details(home):
    _fill_and_save(
        "hardship", {"instalment": "300", "term_months": "18", "ability": "lasting_loss"}, home
    )
    store = Store(home)
    try:
        [saved] = store.outcomes_for_account("DA-1001")
        assert (saved.details.instalment_minor, saved.details.term_months) == (30000, 18)
        assert saved.details.ability == "lasting_loss"
    finally:
        store.close()


def test_errors_show_at_the_field_and_enter_moves_on(home):
    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "promise"
        await pilot.pause()
        form.query_one("#amount").focus()
        await pilot.press(*"99999999", "enter")
        moved_to = app.focused.id
        await pilot.press("ctrl+s")
        await pilot.pause()
        return moved_to, text_of(app, "#amount-error"), text_of(app, "#promise_date-error")

    moved_to, amount_error, date_error = drive(home, steps)
    assert moved_to == "promise_date"
    assert "more than the outstanding balance" in amount_error
    assert "is needed for “Promise to pay”" in date_error


def test_a_half_filled_form_comes_back(home):
    async def type_half(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        app.screen.query_one("#outcome").value = "moved"
        await pilot.pause()
        app.screen.query_one("#new_address").focus()
        await pilot.press(*"Vestergade 9")
        await pilot.pause()
        return None

    drive(home, type_half)

    async def reopen(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        return form.query_one("#outcome").value, form.query_one("#new_address").value

    assert drive(home, reopen) == ("moved", "Vestergade 9")


def test_day_summary(home):
    _fill_and_save("promise", {"amount": "100", "promise_date": "2026-11-30"}, home)

    async def steps(app, pilot):
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        return text_of(app, "#summary-visits"), text_of(app, "#summary-promises")

    visits, promises = drive(home, steps)
    assert "Done" in visits and "35" in visits
    assert "DKK\xa0100.00" in promises


def test_keys_help_and_palette_commands(home):
    async def steps(app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        await pilot.press("escape")
        await pilot.pause()
        from fieldapp.tui.commands import FieldCommands

        provider = FieldCommands(app.screen)
        return [name for name, _run, _help in provider._commands()]

    commands = drive(home, steps)
    for name in ("Sync now", "Day summary", "Theme: sunlight", "Language: 中文", "Filter", "Sort"):
        assert name in commands


def test_theme_is_remembered(home):
    async def steps(app, pilot):
        app.choose_theme("fieldapp-sunlight")
        await pilot.pause()
        return app.theme

    assert drive(home, steps) == "fieldapp-sunlight"

    async def again(app, pilot):
        return app.theme

    assert drive(home, again) == "fieldapp-sunlight"


def test_language_switch_relabels_and_is_remembered(home):
    async def steps(app, pilot):
        app.choose_language("zh")
        await pilot.pause()
        return text_of(app, "#route-title"), rows(app)[0][5]

    title, stage = drive(home, steps)
    assert title.startswith("2026年11月23日") and "的路线" in title
    assert stage == "早期"

    async def again(app, pilot):
        return text_of(app, "#route-title")

    assert "的路线" in drive(home, again)


def test_danish_formats_money_and_dates(home):
    async def steps(app, pilot):
        return rows(app)[0][3], text_of(app, "#route-title")

    money, title = drive(home, steps, language="da")
    assert money == "1.200,00\xa0kr."
    assert "23. november 2026" in title


def test_every_screen_fits_80_by_24(home):
    async def steps(app, pilot):
        seen = [type(app.screen)]
        for keys in (("enter",), ("p",), ("escape", "o"), ("escape", "escape", "d")):
            await pilot.press(*keys)
            await pilot.pause()
            seen.append(type(app.screen))
        return seen

    assert drive(home, steps, size=(80, 24)) == [
        RouteScreen,
        VisitScreen,
        ScriptScreen,
        OutcomeScreen,
        SummaryScreen,
    ]


def test_every_ui_message_is_translated():
    from babel.messages.extract import extract_from_dir

    from fieldcore.i18n import catalog

    wanted = {
        message[2]
        # The collector's app, the supervisors' console and the kernel share the catalogs.
        for folder in ("fieldapp", "fieldcore", "fieldkit", "headoffice/console")
        for message in extract_from_dir(
            Path(__file__).parents[1] / folder, keywords={"_": None, "N_": None}
        )
    }
    for language in ("da", "zh"):
        missing = sorted(m for m in wanted if m not in catalog(language))
        assert missing == [], f"{language} lacks {missing}"
