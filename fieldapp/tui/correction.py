"""A small dialog to record a corrected phone, address or e-mail for a borrower."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from fieldcore.corrections import CONTACT_FIELDS
from fieldcore.errors import FieldErrors
from fieldcore.i18n import N_, _
from fieldcore.labels import label


class CorrectionDialog(ModalScreen[bool]):
    """Pick the detail, type the new value, ctrl+s saves; head office reviews it."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id

    def compose(self) -> ComposeResult:
        with Vertical(id="correction"):
            yield Label(_("Correct a contact detail (head office reviews it)"))
            yield Select(
                [(label(name), name) for name in CONTACT_FIELDS],
                value="phone",
                allow_blank=False,
                id="field",
                compact=True,
            )
            yield Input(placeholder=_("new value"), id="value", compact=True)
            yield Static(id="value-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        field = str(self.query_one("#field", Select).value)
        value = self.query_one("#value", Input).value
        try:
            self.app.store.record_correction(self.account_id, field, value)
        except FieldErrors as error:
            self.query_one("#value-error", Static).update("⚠ " + "; ".join(error.errors.values()))
            return
        self.app.notify(_("Correction saved; head office will review it."))
        self.app.changed_locally()
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
