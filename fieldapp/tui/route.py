"""The route screen: the day's stops in the supervisor's order, filtered as you type."""

from __future__ import annotations

from datetime import date, timedelta

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from fieldapp.tui.route_list import RouteList
from fieldapp.tui.status import SyncStatus
from fieldcore.i18n import N_, _, format_day_long, format_time, language
from fieldcore.labels import label
from fieldcore.money import format_money
from fieldcore.stops import RouteStop, VisitMark
from fieldkit.footer import Footer
from fieldkit.plain import plain

_STATUS_STYLE = {"done": "green", "to do": "bold", "skipped": "dim"}
_STAGE_STYLE = {"early": "", "middle": "yellow", "late": "bold red", "current": "dim"}
SORTS = ("sequence", "amount", "days")
# Stops read for the first paint of a long route; the rest follow at once.
FIRST_PAINT = 100
_COLUMNS = (
    ("sequence", N_("#")),
    ("borrower", N_("Borrower")),
    ("address", N_("Address")),
    ("overdue", N_("Overdue")),
    ("dpd", N_("DPD")),
    ("stage", N_("Stage")),
    ("status", N_("Status")),
    ("visit", N_("Visit")),
)
_MARK_STYLE = {"now": "green", "later": "yellow", "closed": "magenta"}


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
        Binding("f", "follow_ups", N_("Follow-ups")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.sort = "sequence"
        self.stops: list[RouteStop] = []
        # Whether each stop may be visited now, judged off the screen's thread.
        self.marks: dict[str, VisitMark] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="route-head"):
            yield Static(id="route-title")
            yield Input(id="route-filter", compact=True)
        yield Static(id="route-totals")
        yield RouteList(id="route")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.store.today()
        self.relabel()
        self.query_one("#route", RouteList).focus()

    def relabel(self) -> None:
        """(Re)build the columns and texts in the current language."""

        self.query_one("#route-filter", Input).placeholder = _(
            "/ filter: name, address, account, phone"
        )
        self.reload()

    def on_screen_resume(self) -> None:
        # The first resume follows the mount, which has just read the route.
        if self.day is not None and getattr(self, "_shown_once", False):
            self.reload()
            self.query_one("#route", RouteList).focus()
        self._shown_once = True

    def reload(self, highlight_next: bool = True) -> None:
        """Read the day's stops again; highlight the next one to do, or stay where we were.

        A long route paints its first screenful at once and reads the rest just
        after, so the collector sees the day without waiting for all of it.
        """
        assert self.day is not None
        from fieldapp.offline_lock import offline_lock

        screenful = FIRST_PAINT
        lock = offline_lock(self.app.store)
        self.stops = [] if lock else self.app.store.route(self.day, first=screenful)
        self.complete = lock is not None or len(self.stops) < screenful
        self._show(highlight_next)
        if lock:
            # No borrower on screen, and the line above the list says why and what to do.
            self.query_one("#route-totals", Static).update(plain(lock.said(), "bold"))
        elif not self.complete:
            self.call_after_refresh(self._read_the_rest, highlight_next)

    def _read_the_rest(self, highlight_next: bool) -> None:
        assert self.day is not None
        self.stops = self.app.store.route(self.day)
        self.complete = True
        self._show(highlight_next)

    def _show(self, highlight_next: bool) -> None:
        self._cell_cache: dict[str, tuple] = {}
        # Built once per read: what the filter searches, and the columns' widths.
        self._search = [
            (
                f"{s.borrower_name}\n{s.address}\n{s.account_id}".casefold(),
                (s.phone or "").replace(" ", ""),
            )
            for s in self.stops
        ]
        self.query_one("#route", RouteList).set_columns(
            [_(title) for _key, title in _COLUMNS],
            self._widths(),
            right_aligned={0, 3, 4},
            cells=self._cells,
        )
        self._show_totals()
        self.redraw(highlight_next)
        if self.complete:
            self.run_worker(
                lambda: self._judge(highlight_next),
                thread=True,
                exclusive=True,
                group="marks",
            )

    def _judge(self, highlight_next: bool) -> None:
        # Its own connection: the screen's belongs to the screen's thread.
        from fieldapp.contacting import mark_route
        from fieldapp.store import Store

        stops = self.stops
        store = Store(self.app.home)
        try:
            marks = mark_route(store, stops)
        finally:
            store.close()
        self.app.call_from_thread(self._marked, stops, marks, highlight_next)

    def _marked(self, stops: list[RouteStop], marks: dict, highlight_next: bool) -> None:
        if stops is not self.stops:
            return  # read again meanwhile: its own marks follow
        self.marks = marks
        self._cell_cache = {}
        # Move to the first stop open now only if the collector has not moved meanwhile.
        untouched = self.current_visit() == getattr(self, "_highlighted", None)
        self.redraw(highlight_next and untouched)

    def visible(self) -> list[RouteStop]:
        """The stops that match the filter, in the chosen order."""
        needle = self.query_one("#route-filter", Input).value.strip().casefold()
        stops = self.stops
        digits = needle.replace(" ", "")
        if needle:
            stops = [
                stop
                for stop, (text, phone) in zip(stops, self._search, strict=True)
                if needle in text or (digits and digits in phone)
            ]
        if self.sort == "amount":
            stops = sorted(stops, key=lambda s: (s.currency, -s.overdue_minor))
        elif self.sort == "days":
            stops = sorted(stops, key=lambda s: -s.days_past_due)
        elif self.marks:
            # The day's plan: in the supervisor's order, but stops closed all day go last.
            stops = sorted(stops, key=lambda s: not self._open_today(s))
        return stops

    def _open_today(self, stop: RouteStop) -> bool:
        mark = self.marks.get(stop.visit_id)
        return mark is None or mark.open_on(stop.visit_date)

    def _may_visit_now(self, stop: RouteStop) -> bool:
        mark = self.marks.get(stop.visit_id)
        return stop.status == "to do" and (mark is None or not mark.blocks)

    def redraw(self, highlight_next: bool = True) -> None:
        table = self.query_one("#route", RouteList)
        was_on = self.current_visit() if not highlight_next else None
        stops = self.visible()
        # Rows are positions; keep our own map to the visit.
        self._keys = [s.visit_id for s in stops]
        # The next stop is the first that may be visited now, else the first to do.
        target = next(
            (i for i, s in enumerate(stops) if self._may_visit_now(s)),
            next((i for i, s in enumerate(stops) if s.status == "to do"), 0),
        )
        if was_on is not None:
            target = next((i for i, s in enumerate(stops) if s.visit_id == was_on), target)
        table.set_rows(stops, cursor=target)
        self._highlighted = self._keys[target] if self._keys else None

    def _widths(self) -> list[int]:
        # Money is formatted only for each currency's largest amount.
        largest: dict[str, int] = {}
        for s in self.stops:
            largest[s.currency] = max(largest.get(s.currency, 0), s.overdue_minor)
        money = max((len(format_money(m, c, language())) for c, m in largest.items()), default=8)
        # Names and addresses are measured on the first stops only: a long one
        # further down is cut with an ellipsis, which a table of thousands needs anyway.
        sample = self.stops[:300]
        names = max((cell_len(s.borrower_name) for s in sample), default=8) + 2
        addresses = max((cell_len(s.address) for s in sample), default=8)
        labels = max(len(label(x)) for x in ("early", "middle", "late", "to do", "skipped"))
        return [
            len(str(len(self.stops))),
            min(names, 30),
            min(addresses, 34),
            money,
            4,
            labels,
            labels,
            16,
        ]

    def _cells(self, s: RouteStop) -> tuple:
        # Cells are built once per reload, not once per keystroke.
        cached = self._cell_cache.get(s.visit_id)
        if cached is None:
            cached = (
                Text(str(s.sequence), justify="right"),
                _borrower_cell(s, self.marks.get(s.visit_id)),
                plain(s.address),
                Text(format_money(s.overdue_minor, s.currency, language()), justify="right"),
                Text(str(s.days_past_due), justify="right"),
                Text(label(s.stage), style=_STAGE_STYLE.get(s.stage.value, "")),
                Text(label(s.status), style=_STATUS_STYLE.get(s.status, "")),
                self._mark_cell(s),
            )
            self._cell_cache[s.visit_id] = cached
        return cached

    def _mark_cell(self, stop: RouteStop) -> Text:
        """Now, from when (today), or why not: the first rule's name."""
        mark = self.marks.get(stop.visit_id)
        if mark is None:
            return Text("")
        if not mark.blocks:
            return Text(_("now"), style=_MARK_STYLE["now"])
        if mark.open_on(stop.visit_date) and mark.visit_from is not None:
            when = _("from {time}").format(time=format_time(mark.visit_from))
            return Text(when, style=_MARK_STYLE["later"])
        # Here, not at the top: the first paint of the route comes before pydantic loads.
        from fieldcore.contact_words import rule_name

        return Text("⊘ " + _(rule_name(mark.blocks[0])), style=_MARK_STYLE["closed"])

    def _show_totals(self) -> None:
        assert self.day is not None
        stops = self.stops
        if not self.complete:
            self.query_one("#route-totals", Static).update(_("reading the rest of the route…"))
            return
        done = sum(s.status == "done" for s in stops)
        left = sum(s.status == "to do" for s in stops)
        due = sum(s.promise_due_today for s in stops)
        summary = self.app.store.day_summary(self.day, stops)
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
        self.query_one("#route", RouteList).focus()

    def on_key(self, event) -> None:
        # Escape in the filter clears it and goes back to the table.
        if event.key == "escape" and self.focused is self.query_one("#route-filter", Input):
            self.query_one("#route-filter", Input).value = ""
            self.query_one("#route", RouteList).focus()
            event.stop()

    def on_route_list_selected(self, event: RouteList.Selected) -> None:
        event.stop()
        self._open(event.index)

    def _open(self, row: int) -> None:
        from fieldapp.tui.visit import VisitScreen

        if 0 <= row < len(self._keys):
            self.app.push_screen(VisitScreen(self._keys[row]))

    def current_visit(self) -> str | None:
        table = self.query_one("#route", RouteList)
        row = table.cursor_row
        keys = getattr(self, "_keys", [])
        return keys[row] if table.row_count and 0 <= row < len(keys) else None

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
        skipping = stop.status != "skipped"
        self.app.store.skip(visit_id, skipping)
        # Skipping moves on to the next stop to do; un-skipping stays put.
        self.reload(highlight_next=skipping)

    def action_summary(self) -> None:
        self.app.action_summary()

    def action_follow_ups(self) -> None:
        from fieldapp.tui.follow_ups import FollowUpsScreen

        self.app.push_screen(FollowUpsScreen())

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


def _borrower_cell(stop: RouteStop, mark: VisitMark | None) -> Text:
    cell = plain(stop.borrower_name)
    if stop.promise_due_today:
        cell.append(" ◆", style="bold yellow")
    if stop.on_hold:
        cell.append(" ⏸", style="bold magenta")
    if stop.follow_up == "callback":
        cell.append(f" ☎ {stop.callback_at}", style="bold cyan")
    elif stop.follow_up == "broken":
        cell.append(" ✗", style="bold red")
    # Beside the name too, for a narrow terminal where the Visit column is out of sight.
    if mark is not None and mark.blocks and not stop.on_hold:
        closed = not mark.open_on(stop.visit_date)
        cell.append(" ⊘" if closed else " ◷", style=_MARK_STYLE["closed" if closed else "later"])
    return cell
