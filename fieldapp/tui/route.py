"""The route screen: the day's stops in the supervisor's order, filtered as you type."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from fieldapp.domain.money import format_money
from fieldapp.domain.route import RouteStop
from fieldapp.i18n import N_, _, format_day_long, language
from fieldapp.tui.footer import Footer
from fieldapp.tui.format import plain
from fieldapp.tui.labels import label
from fieldapp.tui.status import SyncStatus

_STATUS_STYLE = {"done": "green", "to do": "bold", "skipped": "dim"}
_STAGE_STYLE = {"early": "", "middle": "yellow", "late": "bold red", "current": "dim"}
SORTS = ("sequence", "amount", "days")
_COLUMNS = (
    ("sequence", N_("#")),
    ("borrower", N_("Borrower")),
    ("address", N_("Address")),
    ("overdue", N_("Overdue")),
    ("dpd", N_("DPD")),
    ("stage", N_("Stage")),
    ("status", N_("Status")),
)


class RouteTable(DataTable):
    """The route's table; Enter opens the highlighted stop, and the Footer says so."""

    BINDINGS = [Binding("enter", "select_cursor", N_("Open visit"))]


class RouteScreen(Screen):
    """Stops with sequence, borrower, address, overdue, days past due, stage and status."""

    BINDINGS = [
        Binding("slash", "filter", N_("Filter"), key_display="/"),
        Binding("s", "sort", N_("Sort")),
        Binding("x", "skip", N_("Skip")),
        Binding("left_square_bracket", "previous_day", N_("Prev day"), key_display="["),
        Binding("right_square_bracket", "next_day", N_("Next day"), key_display="]"),
        Binding("t", "today", N_("Today")),
        Binding("d", "summary", N_("Day summary")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.sort = "sequence"
        self.stops: list[RouteStop] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="route-head"):
            yield Static(id="route-title")
            yield Input(id="route-filter", compact=True)
        yield Static(id="route-totals")
        yield RouteTable(id="route", cursor_type="row", zebra_stripes=True)
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.store.today()
        self.relabel()
        self.query_one("#route", DataTable).focus()

    def relabel(self) -> None:
        """(Re)build the columns and texts in the current language."""
        table = self.query_one("#route", DataTable)
        table.clear(columns=True)
        for key, title in _COLUMNS:
            table.add_column(_(title), key=key)
        self.query_one("#route-filter", Input).placeholder = _(
            "/ filter: name, address, account, phone"
        )
        self.reload()

    def on_screen_resume(self) -> None:
        if self.day is not None:
            self.reload()
            self.query_one("#route", DataTable).focus()

    def reload(self, highlight_next: bool = True) -> None:
        """Read the day's stops again; highlight the next one to do, or stay where we were."""
        assert self.day is not None
        self.stops = self.app.store.route(self.day)
        self._show_totals()
        self.redraw(highlight_next)

    def visible(self) -> list[RouteStop]:
        """The stops that match the filter, in the chosen order."""
        needle = self.query_one("#route-filter", Input).value.strip().casefold()
        stops = self.stops
        digits = needle.replace(" ", "")
        if needle:
            stops = [
                s
                for s in stops
                if needle in s.borrower_name.casefold()
                or needle in s.address.casefold()
                or needle in s.account_id.casefold()
                or (digits and s.phone and digits in s.phone.replace(" ", ""))
            ]
        if self.sort == "amount":
            stops = sorted(stops, key=lambda s: (s.currency, -s.overdue_minor))
        elif self.sort == "days":
            stops = sorted(stops, key=lambda s: -s.days_past_due)
        return stops

    def redraw(self, highlight_next: bool = True) -> None:
        table = self.query_one("#route", DataTable)
        was_on = None
        if not highlight_next and table.row_count:
            was_on = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        stops = self.visible()
        lang = language()
        table.clear()
        table.add_rows(
            [
                (
                    Text(str(s.sequence), justify="right"),
                    _borrower_cell(s),
                    plain(s.address),
                    Text(format_money(s.overdue_minor, s.currency, lang), justify="right"),
                    Text(str(s.days_past_due), justify="right"),
                    Text(label(s.stage), style=_STAGE_STYLE.get(s.stage.value, "")),
                    Text(label(s.status), style=_STATUS_STYLE.get(s.status, "")),
                )
                for s in stops
            ],
        )
        # add_rows keys rows by position; keep our own map to the visit.
        self._keys = [s.visit_id for s in stops]
        target = next((i for i, s in enumerate(stops) if s.status == "to do"), 0)
        if was_on is not None:
            target = next((i for i, s in enumerate(stops) if s.visit_id == was_on), target)
        if stops:
            table.move_cursor(row=target)

    def _show_totals(self) -> None:
        assert self.day is not None
        stops = self.stops
        done = sum(s.status == "done" for s in stops)
        left = sum(s.status == "to do" for s in stops)
        due = sum(s.promise_due_today for s in stops)
        summary = self.app.store.day_summary(self.day)
        collected = {}
        for by_currency in summary.collected.values():
            for currency, minor in by_currency.items():
                collected[currency] = collected.get(currency, 0) + minor
        cash = ", ".join(format_money(m, c, language()) for c, m in sorted(collected.items()))
        title = _("Route for {day}").format(day=format_day_long(self.day))
        if not stops:
            title = _("No visits on {day}").format(day=format_day_long(self.day))
        self.query_one("#route-title", Static).update(plain(title, "bold"))
        totals = _("{done} done · {left} left · {due} promised today · collected {cash}").format(
            done=done, left=left, due=due, cash=cash or "—"
        )
        sort_name = {
            "sequence": _("route order"),
            "amount": _("amount"),
            "days": _("days past due"),
        }
        self.query_one("#route-totals", Static).update(
            plain(f"{totals}   ↕ {sort_name[self.sort]}")
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "route-filter":
            self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#route", DataTable).focus()

    def on_key(self, event) -> None:
        # Escape in the filter clears it and goes back to the table.
        if event.key == "escape" and self.focused is self.query_one("#route-filter", Input):
            self.query_one("#route-filter", Input).value = ""
            self.query_one("#route", DataTable).focus()
            event.stop()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.cursor_row)

    def _open(self, row: int) -> None:
        from fieldapp.tui.visit import VisitScreen

        if 0 <= row < len(self._keys):
            self.app.push_screen(VisitScreen(self._keys[row]))

    def current_visit(self) -> str | None:
        table = self.query_one("#route", DataTable)
        row = table.cursor_row
        return self._keys[row] if table.row_count and 0 <= row < len(self._keys) else None

    def action_filter(self) -> None:
        self.query_one("#route-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._show_totals()
        self.redraw(highlight_next=False)

    def action_skip(self) -> None:
        visit_id = self.current_visit()
        if visit_id is None:
            return
        stop = next(s for s in self.stops if s.visit_id == visit_id)
        self.app.store.skip(visit_id, stop.status != "skipped")
        self.reload(highlight_next=False)

    def action_summary(self) -> None:
        self.app.action_summary()

    def refresh_data(self) -> None:
        """New data from a sync: redraw without moving the collector's cursor."""
        self.reload(highlight_next=False)

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


def _borrower_cell(stop: RouteStop) -> Text:
    cell = plain(stop.borrower_name)
    if stop.promise_due_today:
        cell.append(" ◆", style="bold yellow")
    if stop.on_hold:
        cell.append(" ⏸", style="bold magenta")
    return cell
