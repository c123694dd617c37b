"""The deposit dialog: what the collector paid in at the bank, with the bank's slip."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from fieldcore.errors import FieldErrors, field_message
from fieldcore.i18n import N_, _
from fieldkit.dialog import FormDialog

_FIELDS = {
    "amount": (N_("Amount paid in"), N_("Write it with a point, like 1234.50")),
    "currency": (N_("Currency"), N_("Three letters, like DKK")),
    "slip": (N_("Bank slip number"), N_("As the bank printed it on the slip")),
}


class DepositDialog(FormDialog):
    """Amount, currency and slip; ctrl+s saves it here, to go at the next sync."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, amount: str = "", currency: str = "") -> None:
        super().__init__()
        self.suggested = {"amount": amount, "currency": currency}

    def compose(self) -> ComposeResult:
        with Vertical(id="deposit"):
            yield Static(_("Record a deposit at the bank"), classes="dialog-title")
            for name, (title, _hint) in _FIELDS.items():
                yield Label(_(title))
                yield Input(value=self.suggested.get(name, ""), id=name, compact=True)
            yield Static("", id="dialog-error", classes="error", markup=False)
            yield from self.buttons(_("Save"), _("Cancel"))

    def on_mount(self) -> None:
        self.query_one("#slip" if self.suggested["amount"] else "#amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name in _FIELDS}
        try:
            saved = self.app.store.record_deposit(values)
        except FieldErrors as error:
            name, reason = next(iter(error.errors.items()))
            name = name if name in _FIELDS else "amount"
            title, how = _FIELDS[name]
            self.query_one("#dialog-error", Static).update(
                "⚠ " + field_message(_(title), reason, _(how))
            )
            self.query_one(f"#{name}", Input).focus()
            self.app.bell()
            return
        self.app.changed_locally()
        self.dismiss(_("Deposit saved; it goes at the next sync ({slip}).").format(slip=saved.slip))
