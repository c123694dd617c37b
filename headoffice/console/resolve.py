"""The resolve dialog: a review item and the note that says what was decided."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from fieldcore.i18n import N_, _
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain
from headoffice.console.client import ConsoleError
from headoffice.wire import ReviewItemWire

# The words for each kind of review item (the queue's column and the dialog's title).
KIND_LABELS = {
    "dispute": N_("Dispute"),
    "hardship": N_("Hardship"),
    "late": N_("Late outcome"),
    "conflict": N_("Conflict"),
    "legal": N_("Legal referral?"),
}


class ResolveDialog(FormDialog):
    """The item, and the note that says what was decided (kept with it)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Resolve")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, item: ReviewItemWire) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="dialog"):
            yield Static(
                plain(f"{_(KIND_LABELS[item.kind])} · {item.account_id} · {item.borrower_name}"),
                classes="dialog-title",
            )
            yield Static(plain(item.summary), id="item-summary")
            yield Label(_("What was decided"))
            yield Input(
                id="note",
                placeholder=_("e.g. statement sent, collection on hold 30 days"),
                compact=True,
            )
            yield Static("", id="dialog-error", markup=False)
            yield from self.buttons(_("Resolve"), _("Cancel"))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if not note:
            self.query_one("#dialog-error", Static).update(
                _("Write what was decided: the note is kept with the item")
            )
            self.query_one("#note", Input).add_class("invalid")
            return
        item = self.item

        def send() -> None:
            try:
                self.app.client.resolve(item.kind, item.ref, note)
            except ConsoleError as error:
                self.app.call_from_thread(
                    self.query_one("#dialog-error", Static).update, str(error)
                )
                return
            message = _("Resolved: {what}").format(what=f"{item.account_id} {item.borrower_name}")
            self.app.call_from_thread(self.dismiss, message)

        self.run_worker(send, thread=True, exclusive=True)
