"""The assignment board: the team's day, each collector's route; assign, recall, publish, revoke."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldcore.i18n import N_, _, format_day
from fieldcore.labels import label
from fieldkit.plain import plain, plain_cells
from headoffice.console.assign import AssignDialog
from headoffice.console.client import ConsoleError
from headoffice.console.revoke import RevokeDialog
from headoffice.wire import Board, TeamRow


class BoardTable(DataTable):
    """The board; Enter (shown in the Footer) opens the highlighted collector's route."""

    BINDINGS = [Binding("enter", "select_cursor", N_("Open route"))]


class BoardPane(Vertical):
    """The team's day, a line per collector; Enter opens one collector's route."""

    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", N_("Day before"), key_display="["),
        Binding("right_square_bracket", "day(1)", N_("Day after"), key_display="]"),
        Binding("escape", "team", N_("Team")),
        Binding("a", "assign", N_("Assign")),
        Binding("x", "recall", N_("Recall stop")),
        Binding("p", "publish", N_("Publish content")),
        Binding("r", "revoke", N_("Revoke")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.day: date | None = None
        # None: the team view; a name: that collector's route.
        self.collector: str | None = None
        # The stop the first press of x picked; the second press recalls it.
        self._armed: tuple[date, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the board…"), id="board-title", classes="pane-title")
        yield BoardTable(id="board-table", cursor_type="row", zebra_stripes=True)

    def load(self) -> None:
        """Fetch the day in the background; the table stays usable meanwhile."""
        if self.day is None:
            return
        self.run_worker(self._fetch, thread=True, exclusive=True, group="board")

    def _fetch(self) -> None:
        day, collector = self.day, self.collector
        try:
            if collector is None:
                found = self.app.client.team(day)
                self.app.call_from_thread(self.show_team, day, found)
            else:
                found = self.app.client.board(day, collector)
                self.app.call_from_thread(self.show_route, found)
        except ConsoleError as error:
            self.app.call_from_thread(self.app.report, str(error), error=True)

    def _table(self, columns: tuple[tuple[str, int], ...]) -> DataTable:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # Fixed widths: the board does not jump about as rows arrive.
        for title, width in columns:
            table.add_column(title, width=width)
        return table

    def show_team(self, day: date, rows: list[TeamRow]) -> None:
        table = self._table(
            ((_("Collector"), 22), (_("Visits"), 7), (_("With an outcome"), 16),
             (_("Left"), 6), (_("Follow-ups due"), 15), (_("Regions"), 40))
        )  # fmt: skip
        for row in rows:
            cells = plain_cells(
                row.collector, row.visits, row.done, row.visits - row.done, row.follow_ups,
                ", ".join(row.regions),
            )  # fmt: skip
            table.add_row(*cells, key=row.collector)
        self.query_one("#board-title", Static).update(
            _("Team on {day}: {visits} visits, {done} with an outcome; Enter opens a route").format(
                day=format_day(day),
                visits=sum(r.visits for r in rows),
                done=sum(r.done for r in rows),
            )
        )

    def show_route(self, board: Board) -> None:
        [route] = board.routes
        table = self._table(
            (("#", 3), (_("Account"), 9), (_("Borrower"), 24), (_("Postal code"), 11),
             (_("Region"), 9), (_("Stage"), 7), (_("Outcome"), 22))
        )  # fmt: skip
        for stop in route.stops:
            table.add_row(
                *plain_cells(
                    stop.sequence,
                    stop.account_id,
                    stop.borrower_name,
                    stop.postal_code,
                    stop.region,
                    label(stop.stage.value),
                    label(stop.outcome) if stop.outcome else "·",
                ),
                key=stop.account_id,
            )
        done = sum(1 for s in route.stops if s.outcome)
        self.query_one("#board-title", Static).update(
            plain(
                _("{collector} on {day}: {stops} visits, {done} with an outcome").format(
                    collector=route.collector,
                    day=format_day(board.date),
                    stops=len(route.stops),
                    done=done,
                )
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.collector is None and event.row_key.value:
            self.collector = event.row_key.value
            self.load()

    def action_team(self) -> None:
        if self.collector is not None:
            self.collector = None
            self.load()

    def action_day(self, step: int) -> None:
        if self.day is not None:
            self.day += timedelta(days=step)
            self.load()

    def action_assign(self) -> None:
        if self.day is None:
            return

        def assigned(message: str | None) -> None:
            if message:
                self.app.report(message)
                self.load()

        self.app.push_screen(AssignDialog(self.day), assigned)

    def action_recall(self) -> None:
        table = self.query_one(DataTable)
        if self.collector is None or self.day is None or table.row_count == 0:
            self.app.report(_("Open a collector's route and pick the visit to recall"), error=True)
            return
        account_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        day = self.day
        # A recall takes a stop off a laptop: the key has to be pressed twice.
        if self._armed != (day, account_id):
            self._armed = (day, account_id)
            message = _("Press x again to recall {account} from {collector}'s route")
            self.app.report(message.format(account=account_id, collector=self.collector))
            return
        self._armed = None

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

    def action_revoke(self) -> None:
        """Revoke the laptops of the highlighted collector, or of the route's, after a dialog."""
        table = self.query_one(DataTable)
        collector = self.collector
        if collector is None and table.row_count:
            collector = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not collector:
            self.app.report(_("Highlight a collector on the board first"), error=True)
            return

        def revoked(message: str | None) -> None:
            if message:
                self.app.report(message)

        self.app.push_screen(RevokeDialog(collector), revoked)
