"""The route screen: today's stops in the supervisor's order."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from fieldapp.tui.format import money, plain
from fieldapp.tui.status import SyncStatus

_STATUS_STYLE = {"done": "green", "to do": "bold"}


class RouteTable(DataTable):
    """The route's table; Enter opens the highlighted stop, and the Footer says so."""

    BINDINGS = [Binding("enter", "select_cursor", "Open visit")]


class RouteScreen(Screen):
    """Stops in order: sequence, borrower, address, overdue, days past due, status."""

    BINDINGS = [
        Binding("left_square_bracket", "previous_day", "Prev day"),
        Binding("right_square_bracket", "next_day", "Next day"),
        Binding("t", "today", "Today"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="route-title")
        table = RouteTable(id="route", cursor_type="row", zebra_stripes=True)
        table.add_column("#", key="sequence")
        table.add_column("Borrower", key="borrower")
        table.add_column("Address", key="address")
        table.add_column("Overdue", key="overdue")
        table.add_column("DPD", key="dpd")
        table.add_column("Status", key="status")
        yield table
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.store.today()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.day is not None:
            self.reload()

    def reload(self, highlight_next: bool = True) -> None:
        """Read the day's stops again; highlight the next one to do, or stay where we were."""
        assert self.day is not None
        table = self.query_one("#route", DataTable)
        was_on = None
        if not highlight_next and table.row_count:
            was_on = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        store = self.app.store
        language = store.setting("language", "en") or "en"
        stops = store.route(self.day)
        table.clear()
        for stop in stops:
            table.add_row(
                Text(str(stop.sequence), justify="right"),
                plain(stop.borrower_name),
                plain(stop.address),
                Text(money(stop.overdue_minor, stop.currency, language), justify="right"),
                Text(str(stop.days_past_due), justify="right"),
                plain(stop.status, _STATUS_STYLE.get(stop.status, "")),
                key=stop.visit_id,
            )
        done = sum(stop.status == "done" for stop in stops)
        title = f"Route for {self.day:%a %d %b %Y}: {done} done, {len(stops) - done} left"
        if not stops:
            title = f"No visits on {self.day:%a %d %b %Y}"
        self.query_one("#route-title", Static).update(plain(title))
        target = next((i for i, s in enumerate(stops) if s.status != "done"), 0)
        if was_on is not None:
            target = next((i for i, s in enumerate(stops) if s.visit_id == was_on), target)
        if stops:
            table.move_cursor(row=target)
        table.focus()

    def refresh_data(self) -> None:
        """New data from a sync: redraw without moving the collector's cursor."""
        self.reload(highlight_next=False)

    def _open(self, visit_id: str) -> None:
        from fieldapp.tui.visit import VisitScreen

        self.app.push_screen(VisitScreen(visit_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._open(event.row_key.value)

    def action_previous_day(self) -> None:
        self._move_day(-1)

    def action_next_day(self) -> None:
        self._move_day(1)

    def action_today(self) -> None:
        self.day = self.app.store.today()
        self.reload()

    def _move_day(self, days: int) -> None:
        assert self.day is not None
        self.day += timedelta(days=days)
        self.reload()
