"""The follow-ups: callbacks, promises and instalments due today, and what was missed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from fieldapp.tui.status import SyncStatus
from fieldcore.i18n import N_, _, format_day
from fieldkit.footer import Footer
from fieldkit.plain import plain

# Why a borrower is to be seen again, as the list says it.
WHY = {
    "callback": N_("Call back at {detail}"),
    "due": N_("Instalment {detail} due today"),
    "broken": N_("Missed: instalment {detail}"),
}


class FollowUpsScreen(Screen):
    """Every borrower on this laptop to see again, by day; Enter opens the visit."""

    BINDINGS = [
        Binding("enter", "open", N_("Open visit")),
        Binding("escape", "back", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="follow-ups-title", classes="title")
        yield DataTable(id="follow-ups", cursor_type="row", zebra_stripes=True)
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()

    def on_screen_resume(self) -> None:
        self.relabel()

    def refresh_data(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        from fieldapp.offline_lock import offline_lock

        store = self.app.store
        lock = offline_lock(store)
        self.found = [] if lock else store.follow_ups(store.today())
        self.sub_title = _("Follow-ups")
        title = _("{count} follow-up(s) on this laptop").format(count=len(self.found))
        if lock:
            title = lock.said()
        self.query_one("#follow-ups-title", Static).update(plain(title, "bold"))
        table = self.query_one("#follow-ups", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Day"), _("Account"), _("Borrower"), _("Why"))
        for item in self.found:
            table.add_row(
                format_day(item.visit_date),
                plain(item.account_id),
                plain(item.borrower_name),
                _(WHY[item.why]).format(detail=item.detail),
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from fieldapp.tui.visit import VisitScreen

        row = self.query_one("#follow-ups", DataTable).cursor_row
        if 0 <= row < len(self.found):
            self.app.push_screen(VisitScreen(self.found[row].visit_id))

    def action_back(self) -> None:
        self.app.pop_screen()
