"""Keys typed ahead of a slow screen land where the collector meant them."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.ui import drive


def burst(app, *keys: str) -> None:
    """Hand keys to the app all at once, as a fast typist on a slow laptop does."""
    for key in keys:
        event = events.Key(key, "\r" if key == "enter" else None)
        event.set_sender(app)
        app._driver.send_message(event)


def test_an_outcome_chosen_faster_than_its_list_opens(home):
    async def steps(app, pilot):
        await pilot.press("enter")  # the first stop
        await pilot.pause()
        await pilot.press("o")  # its outcome form
        await pilot.pause()
        # Enter opens the list; eight Downs and Enter reach it before it has focus.
        burst(app, "enter", *["down"] * 8, "enter")
        await pilot.pause(0.3)
        chosen = app.screen.query_one("#outcome").value
        shown = [w.id for w in app.screen.query(Input) if w.display]
        return chosen, shown

    chosen, shown = drive(home, steps)
    assert chosen == "moved"
    assert "new_address" in shown


def test_statement_lines_typed_ahead_each_land_in_their_own_field(home):
    from fieldapp.tui.outcome import OutcomeScreen
    from fieldapp.tui.statement import StatementScreen

    async def steps(app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#outcome").value = "hardship"
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, StatementScreen)
        burst(app, "3", "enter", "1", "enter", "2", "4", "0", "0", "0", "enter", "5")
        await pilot.pause(0.3)
        return app.screen.values()

    assert drive(home, steps) == {
        "household_size": "3",
        "dependants": "1",
        "income_wages": "24000",
        "income_benefits": "5",
    }
