"""The resolve dialog: a review item and the note that says what was decided."""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from fieldcore.errors import field_message, from_validation_error
from fieldcore.i18n import N_, _
from fieldcore.labels import REVIEW_KINDS, label
from fieldkit.choice import Choice
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain
from headoffice.console.client import ConsoleError
from headoffice.phrasing import said as _said
from headoffice.wire import ResolveRequest, ReviewItemWire

# The kinds a decision acts on (headoffice.work.decisions), and what each choice does.
_DECISIONS = {
    "dispute": (N_("In the borrower's favour"), N_("Rejected")),
    "hardship": (N_("Accepted: make the plan"), N_("Turned down")),
    "moved": (N_("Accepted: change the address"), N_("Turned down")),
    "deceased": (N_("Confirmed: keep the hold"), N_("Not so: lift the hold")),
    "legal": (N_("Refer to legal: the account leaves the field"), N_("Not now: keep collecting")),
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
            kind = label(item.kind, REVIEW_KINDS)
            yield Static(
                plain(f"{kind} · {item.account_id} · {item.borrower_name}"), classes="dialog-title"
            )
            yield Static(plain(_said(item)), id="item-summary")
            yield Label(_("What was decided"))
            yield Input(
                id="note",
                placeholder=_("e.g. statement sent, collection on hold 30 days"),
                compact=True,
            )
            if item.kind in _DECISIONS:
                accept, reject = _DECISIONS[item.kind]
                yield Label(_("Decision"))
                yield Choice(
                    [(_(accept), "accepted"), (_(reject), "rejected")],
                    prompt=_("Noted only"),
                    id="decision",
                    compact=True,
                )
            yield Static("", id="dialog-error", markup=False)
            yield from self.buttons(_("Resolve"), _("Cancel"))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        field = self.query_one("#note", Input)
        note = field.value.strip()
        try:
            # The server's own rules, checked here so the refusal is said in the UI language.
            ResolveRequest.model_validate({"note": note})
        except ValidationError as error:
            reason = next(iter(from_validation_error(error).values()))
            how = _("Write what was decided; the note is kept with the item")
            message = field_message(_("What was decided"), reason, how)
            self.query_one("#dialog-error", Static).update(message)
            field.add_class("invalid")
            field.focus(scroll_visible=False)
            field.scroll_visible(animate=False)
            return
        field.remove_class("invalid")
        item = self.item
        chosen = self.query("#decision").first(Select).value if item.kind in _DECISIONS else None
        decision = None if chosen in (None, Select.NULL) else str(chosen)

        def send() -> None:
            try:
                self.app.client.resolve(item.kind, item.ref, note, decision)
            except ConsoleError as error:
                self.app.call_from_thread(
                    self.query_one("#dialog-error", Static).update, str(error)
                )
                return
            message = _("Resolved: {what}").format(what=f"{item.account_id} {item.borrower_name}")
            self.app.call_from_thread(self.dismiss, message)

        self.run_worker(send, thread=True, exclusive=True)
