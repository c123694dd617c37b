"""The collector's screens after the door: the plan's schedule as it is typed, the follow-ups
list with a callback on it, and the visit's promises and plans."""

from __future__ import annotations

from datetime import timedelta

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.tui.follow_ups import FollowUpsScreen
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.visit import VisitScreen
from tests.conftest import DAY
from tests.ui import drive, text_of, until_marked


def test_the_plan_form_shows_its_schedule_and_the_follow_ups_open_the_visit(home):
    store = Store(home)
    first = store.route(DAY)[0]
    tomorrow = DAY + timedelta(days=1)
    record_outcome(
        store,
        first.visit_id,
        {"outcome": "callback", "callback_at": f"{tomorrow} 14:00"},
        locate=lambda now: None,
    )
    store.close()

    async def steps(app, pilot):
        await until_marked(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)
        title = text_of(app, "#follow-ups-title")
        table = app.screen.query_one("#follow-ups")
        shown = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        callback = next(n for n, row in enumerate(shown) if row[3].startswith("Call back"))
        table.move_cursor(row=callback)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.visit_id.startswith("cb-")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        form = app.screen
        form.query_one("#outcome").value = "plan"
        await pilot.pause()
        before = text_of(app, "#plan-preview")
        form.query_one("#amount").value = "1000"
        form.query_one("#instalments").value = "10"
        form.query_one("#every").value = "month"
        form.query_one("#first_date").value = tomorrow.isoformat()
        await pilot.pause()
        return title, shown, before, text_of(app, "#plan-preview")

    title, shown, before, preview = drive(home, steps)
    assert title.strip() == f"{len(shown)} follow-up(s) on this laptop"
    assert [row[3] for row in shown].count("Call back at 14:00") == 1
    assert before.strip() == "Fill in the total, the instalments, how often and the first date."
    # Ten of 100.00: the first six, a gap, and the last on 24 Aug 2027.
    assert "The plan: 10 instalments, the last on 24 Aug 2027" in preview
    assert preview.count("100.00") == 7 and "…" in preview


def test_the_day_summary_takes_the_deposit_and_says_what_is_left(home):
    store = Store(home)
    visit = store.route(DAY)[0].visit_id
    record_outcome(
        store, visit, {"outcome": "paid", "amount": "500", "method": "cash"},
        locate=lambda now: None,
    )  # fmt: skip
    store.close()

    async def steps(app, pilot):
        await until_marked(pilot)
        await pilot.press("d")
        await pilot.pause()
        before = text_of(app, "#summary-cash")
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        suggested = (dialog.query_one("#amount").value, dialog.query_one("#currency").value)
        dialog.query_one("#amount").value = "300.00"
        dialog.query_one("#slip").value = "NB-77"
        await pilot.press("ctrl+s")
        await pilot.pause()
        return before, suggested, text_of(app, "#summary-cash")

    before, suggested, after = drive(home, steps)
    assert "Cash still to pay in" in before and "500.00" in before
    assert suggested == ("500.00", "DKK")
    assert "Paid in at the bank" in after and "300.00" in after and "200.00" in after
    store = Store(home)
    try:
        assert store.db.execute("SELECT slip, amount_minor FROM deposits").fetchall() == [
            ("NB-77", 30000)
        ]
        assert store.pending_count() == 2  # the payment and the deposit wait for the sync
    finally:
        store.close()
