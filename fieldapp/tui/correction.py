"""A small dialog to record a corrected phone, address or e-mail for a borrower."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from fieldapp.tui.hints import what_to_type
from fieldcore.corrections import CONTACT_FIELDS
from fieldcore.errors import FieldErrors, field_message
from fieldcore.i18n import N_, _
from fieldcore.labels import label
from fieldkit.choice import Choice


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
            yield Choice(
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
            self._refused(field, error.errors)
            return
        self.app.notify(_("Correction saved; head office will review it."))
        self.app.changed_locally()
        self.dismiss(True)

    def _refused(self, field: str, errors: dict[str, str]) -> None:
        """Say what to type, then go to what is wrong: the list of details, else the value."""
        where = "field" if "field" in errors else "value"
        how = what_to_type(field if where == "value" else where, self.app.store.today())
        message = field_message(label(field), next(iter(errors.values())), how)
        self.query_one("#value-error", Static).update(f"⚠ {message}")
        wrong = self.query_one(f"#{where}")
        wrong.focus(scroll_visible=False)
        wrong.scroll_visible(animate=False)
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(False)
