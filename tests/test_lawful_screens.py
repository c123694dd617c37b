"""The policy where the collector and the supervisor work: route marks and the day's plan,
the visit's rules, the disclosure, the form's override, and holds in the console."""

from __future__ import annotations

import sqlalchemy as sa
from textual.widgets import Input

from fieldapp.store import Store
from fieldapp.tui.outcome import OutcomeScreen
from headoffice.store import tables
from tests.console_office import console_for, settle, table_rows
from tests.console_office import drive as drive_console
from tests.console_office import text as console_text
from tests.ui import drive, rows, text_of, until_marked


def test_the_route_marks_each_stop_and_plans_the_closed_ones_last(home):
    async def steps(app, pilot):
        await until_marked(pilot)
        return rows(app), app.screen.current_visit()

    shown, current = drive(home, steps)
    # Closed all day, so last in the plan, in route order: DA-1012 (its visit notice
    # went out yesterday) and ZH-1012 (held as vulnerable).
    closed, held = shown[-2:]
    assert "Pia Nørgaard ⊘" in closed[1] and closed[-1] == "⊘ visit notice too recent"
    assert "孙燕 ⏸" in held[1] and held[-1] == "⊘ on hold"
    marks = [row[-1] for row in shown if row[6] == "to do"]
    assert marks[:-2] == ["now"] * (len(marks) - 2)
    store = Store(home)
    try:
        first_open = next(s for s in store.route(store.today()) if s.status == "to do")
    finally:
        store.close()
    assert current == first_open.visit_id


def test_the_visit_says_why_not_and_what_each_contact_may_be_used_for(home):
    async def steps(app, pilot):
        await until_marked(pilot)
        await pilot.press("end", "enter")
        await pilot.pause()
        return text_of(app, "#hold"), text_of(app, "#contacts")

    banner, contacts = drive(home, steps)
    assert "Do not visit now:" in banner
    assert "the borrower is vulnerable: on hold, refer them to support" in banner
    assert "no call now: on hold" in contacts


def open_form(app, account: str):
    visit = app.store.visit_for_account(account)
    app.push_screen(OutcomeScreen(visit))


def test_a_blocked_contact_asks_for_a_reason_and_is_saved_with_it(home):
    async def steps(app, pilot):
        open_form(app, "DA-1001")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "not_home"
        await pilot.pause()
        form.query_one("#happened_at", Input).value = "2026-11-22 10:00"  # a Sunday
        await pilot.press("ctrl+s")
        await pilot.pause()
        refused = (
            text_of(app, "#policy-blocks"),
            form.query_one("#f-override").display,
            app.focused.id,
            app.store.outcomes_for_account("DA-1001"),
        )
        form.query_one("#override", Input).value = "The borrower asked for Sunday."
        await pilot.press("ctrl+s")
        await pilot.pause()
        return refused, app.store.outcomes_for_account("DA-1001")[0]

    (banner, shown, focused, before), saved = drive(home, steps)
    assert "The contact policy blocks this contact:" in banner
    assert "no visits on Sunday" in banner
    assert shown and focused == "override"
    assert all(o.from_head_office for o in before)  # nothing of ours was saved
    assert saved.outcome == "not_home" and not saved.from_head_office
    assert saved.details.override == "The borrower asked for Sunday."
    assert saved.details.overridden == ("window.day",)


def test_a_us_script_opens_with_the_disclosure_and_the_form_carries_it(home):
    store = Store(home)
    store.db.execute(
        "UPDATE accounts SET country = 'US', timezone = 'America/New_York' "
        "WHERE account_id = 'EN-1001'"
    )
    store.close()

    async def steps(app, pilot):
        visit = app.store.visit_for_account("EN-1001")
        from fieldapp.tui.script import ScriptScreen

        app.push_screen(ScriptScreen(visit))
        await pilot.pause()
        before = text_of(app, "#script-intro")
        await pilot.press("g")
        await pilot.pause()
        after = text_of(app, "#script-intro")
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "refused"
        await pilot.pause()
        # Sunday noon in New York: inside the window; the disclosure was given.
        form.query_one("#happened_at", Input).value = "2026-11-22 12:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        return before, after, app.store.outcomes_for_account("EN-1001")[0]

    before, after, saved = drive(home, steps)
    assert before.startswith("Disclosure: say this first")
    assert "This is an attempt to collect a debt" in before
    assert "press g once you have said it" in before and "✔ given" in after
    assert saved.outcome == "refused" and saved.details.disclosure_given is True
    assert saved.details.overridden is None


def test_holds_in_the_console_placed_and_released(office):
    _live, _token, engine = office

    async def steps(app, pilot):
        await pilot.press("4")
        await settle(pilot)
        before = table_rows(app, "#holds-table")
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no account yet
        await pilot.pause()
        empty = console_text(app, "#dialog-error")
        app.screen.query_one("#account", Input).value = "DA-1005"
        app.screen.query_one("#reason").value = "cease"
        app.screen.query_one("#note", Input).value = "Letter of 20 November"
        await pilot.press("ctrl+s")
        await settle(pilot)
        placed = table_rows(app, "#holds-table")
        row = next(i for i, r in enumerate(placed) if r[0] == "DA-1005")
        app.screen.query_one("#holds-table").move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#note", Input).value = "Spoke with the borrower; may call again."
        await pilot.press("ctrl+s")
        await settle(pilot)
        return before, empty, placed, table_rows(app, "#holds-table")

    before, empty, placed, after = drive_console(console_for(office), steps)
    assert "Account" in empty
    assert placed[next(i for i, r in enumerate(placed) if r[0] == "DA-1005")][:3] == [
        "DA-1005",
        "Anders Bækgård",
        "Asked to stop",
    ]
    assert len(placed) == len(before) + 1 and len(after) == len(before)
    with engine.connect() as conn:
        [hold] = conn.execute(
            sa.select(tables.holds).where(tables.holds.c.account_id == "DA-1005")
        ).all()
    assert hold.reason == "cease" and hold.released_by == "Head Office Demo"
    assert hold.release_note == "Spoke with the borrower; may call again."
