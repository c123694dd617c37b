"""The review queue: disputes, hardship, late outcomes, conflicts, legal referrals; resolve each."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldcore.i18n import N_, _, format_day
from fieldcore.labels import REVIEW_KINDS, label
from fieldkit.plain import plain_cells
from headoffice.console.client import ConsoleError
from headoffice.console.resolve import ResolveDialog
from headoffice.phrasing import said as _said
from headoffice.wire import ReviewItemWire


class ReviewTable(DataTable):
    """The queue; Enter (shown in the Footer) resolves the highlighted item."""

    BINDINGS = [Binding("enter", "select_cursor", N_("Resolve"))]


class ReviewPane(Vertical):
    """Open items first by kind, then oldest; the selected item's detail below."""

    BINDINGS = [
        Binding("enter", "resolve", N_("Resolve")),
        Binding("v", "toggle_resolved", N_("Show resolved")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[ReviewItemWire] = []
        self.include_resolved = False

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the review queue…"), id="review-title", classes="pane-title")
        yield ReviewTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-detail")

    def load(self) -> None:
        self.run_worker(self._fetch, thread=True, exclusive=True, group="review")

    def _fetch(self) -> None:
        try:
            items = self.app.client.review(self.include_resolved)
        except ConsoleError as error:
            self.app.call_from_thread(self.app.report, str(error), error=True)
            return
        self.app.call_from_thread(self.show, items)

    def show(self, items: list[ReviewItemWire]) -> None:
        self.items = items
        table = self.query_one(DataTable)
        # Columns made afresh each time, so a change of language reaches the headers.
        table.clear(columns=True)
        for title, width in (
            (_("Kind"), 16), (_("Account"), 9), (_("Borrower"), 18), (_("Collector"), 14),
            (_("When"), 12), (_("What"), 60),
        ):  # fmt: skip
            table.add_column(title, width=width)
        for index, item in enumerate(items):
            when = format_day(item.at.date()) if item.at else ""
            kind = label(item.kind, REVIEW_KINDS) + (" ✓" if item.resolution else "")
            table.add_row(
                *plain_cells(
                    kind,
                    item.account_id,
                    item.borrower_name,
                    item.collector,
                    when,
                    _shorten(_said(item), 60),
                ),
                key=str(index),
            )
        open_count = sum(1 for i in items if i.resolution is None)
        self.query_one("#review-title", Static).update(
            _("Review queue: {count} open").format(count=open_count)
            if items
            else _("Review queue: nothing to review")
        )
        self._describe()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._describe()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        # The table takes Enter for itself and says which row; resolve that one.
        self.action_resolve()

    def selected(self) -> ReviewItemWire | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def _describe(self) -> None:
        item = self.selected()
        detail = self.query_one("#review-detail", Static)
        if item is None:
            detail.update("")
            return
        lines = Text.assemble(
            (label(item.kind, REVIEW_KINDS), "bold"),
            f" · {item.account_id} · {item.borrower_name}\n",
            _said(item),
        )
        if item.resolution:
            lines.append(
                "\n"
                + _("Resolved by {who} on {day}: {note}").format(
                    who=item.resolution.resolved_by,
                    day=format_day(item.resolution.resolved_at.date()),
                    note=item.resolution.note,
                )
            )
        detail.update(lines)

    def action_resolve(self) -> None:
        item = self.selected()
        if item is None or item.resolution is not None:
            self.app.report(_("Pick an open item to resolve"), error=True)
            return

        def resolved(message: str | None) -> None:
            if message:
                self.app.report(message)
                self.load()

        self.app.push_screen(ResolveDialog(item), resolved)

    def action_toggle_resolved(self) -> None:
        self.include_resolved = not self.include_resolved
        self.load()


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
