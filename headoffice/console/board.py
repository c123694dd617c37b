"""The assignment board: every collector's route for a day; assign, recall, publish."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldapp.i18n import N_, _, format_day
from fieldapp.tui.labels import label
from headoffice.console.client import ConsoleError
from headoffice.wire import AssignRequest, Board


class BoardPane(Vertical):
    """Routes of one day, a row per stop, grouped by collector."""

    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", N_("Day before"), key_display="["),
        Binding("right_square_bracket", "day(1)", N_("Day after"), key_display="]"),
        Binding("a", "assign", N_("Assign")),
        Binding("x", "recall", N_("Recall stop")),
        Binding("p", "publish", N_("Publish content")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.day: date | None = None
        self.board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the board…"), id="board-title", classes="pane-title")
        table = DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        # Fixed widths: the board does not jump about as rows arrive.
        for title, width in (
            (_("Collector"), 16), ("#", 3), (_("Account"), 9), (_("Borrower"), 24),
            (_("Postal code"), 11), (_("Region"), 9), (_("Stage"), 7), (_("Outcome"), 22),
        ):  # fmt: skip
            table.add_column(title, width=width)
        yield table

    def load(self) -> None:
        """Fetch the day's board in the background; the table stays usable meanwhile."""
        if self.day is None:
            return
        self.run_worker(self._fetch, thread=True, exclusive=True, group="board")

    def _fetch(self) -> None:
        day = self.day
        try:
            board = self.app.client.board(day)
        except ConsoleError as error:
            self.app.call_from_thread(self.app.report, str(error), error=True)
            return
        self.app.call_from_thread(self.show, board)

    def show(self, board: Board) -> None:
        self.board = board
        table = self.query_one(DataTable)
        table.clear()
        stops = 0
        for route in board.routes:
            if not route.stops:
                table.add_row(route.collector, "", "", _("no visits"), "", "", "", "")
            for stop in route.stops:
                stops += 1
                table.add_row(
                    route.collector,
                    str(stop.sequence),
                    stop.account_id,
                    stop.borrower_name,
                    stop.postal_code or "",
                    stop.region or "",
                    label(stop.stage.value),
                    label(stop.outcome) if stop.outcome else "·",
                    key=f"{route.collector}|{stop.account_id}",
                )
        done = sum(1 for r in board.routes for s in r.stops if s.outcome)
        self.query_one("#board-title", Static).update(
            _("Routes for {day}: {stops} visits, {done} with an outcome").format(
                day=format_day(board.date), stops=stops, done=done
            )
        )

    def action_day(self, step: int) -> None:
        if self.day is not None:
            self.day += timedelta(days=step)
            self.load()

    def action_assign(self) -> None:
        from headoffice.console.dialogs import AssignDialog

        if self.day is None:
            return

        def assigned(message: str | None) -> None:
            if message:
                self.app.report(message)
                self.load()

        self.app.push_screen(AssignDialog(self.day), assigned)

    def _selected(self) -> tuple[str, str] | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not key or "|" not in key:
            return None
        collector, account_id = key.split("|", 1)
        return collector, account_id

    def action_recall(self) -> None:
        selected = self._selected()
        if selected is None or self.day is None:
            self.app.report(_("Pick a visit to recall first"), error=True)
            return
        _collector, account_id = selected
        day = self.day

        def recall() -> None:
            try:
                self.app.client.recall(day, [account_id])
            except ConsoleError as error:
                self.app.call_from_thread(self.app.report, str(error), error=True)
                return
            message = _("Recalled {account}; it leaves the laptop at the next sync")
            self.app.call_from_thread(self.app.report, message.format(account=account_id))
            self.app.call_from_thread(self.load)

        self.run_worker(recall, thread=True, group="recall")

    def action_publish(self) -> None:
        def publish() -> None:
            try:
                published = self.app.client.publish().published
            except ConsoleError as error:
                self.app.call_from_thread(self.app.report, str(error), error=True)
                return
            message = (
                _("Published {items}").format(items=", ".join(published))
                if published
                else _("Nothing new to publish")
            )
            self.app.call_from_thread(self.app.report, message)

        self.run_worker(publish, thread=True, group="publish")


def assign_request(day: date, fields: dict[str, str | bool]) -> AssignRequest:
    """The dialog's fields as a request; raises pydantic's ValidationError naming the field."""
    start = str(fields.get("start") or "").strip()
    lat = lon = None
    if start:
        parts = [p.strip() for p in start.split(",")]
        if len(parts) != 2:
            raise ValueError(_("write the start as LAT,LON"))
        lat, lon = parts
    return AssignRequest.model_validate(
        {
            "collector": fields.get("collector") or "",
            "date": fields.get("date") or day.isoformat(),
            "account_ids": str(fields.get("accounts") or "").replace(",", " ").split(),
            "region": fields.get("region") or None,
            "postal_code": fields.get("postal_code") or None,
            "stage": fields.get("stage") or None,
            "optimise": bool(fields.get("optimise")),
            "start_lat": lat,
            "start_lon": lon,
        }
    )
