"""Changing the PIN from the app: the current one, the new one twice; only the key is re-wrapped."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from fieldapp.vault.unlocking import change_pin
from fieldcore.i18n import N_, _


class PinChangeDialog(ModalScreen[bool]):
    """Enter moves down the fields and, on the last, changes the PIN; Escape leaves it as it was."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-change"):
            yield Label(_("Change the PIN of this laptop"))
            yield Input(password=True, placeholder=_("current PIN"), id="current")
            yield Input(password=True, placeholder=_("new PIN (at least 6 digits)"), id="new")
            yield Input(password=True, placeholder=_("the same PIN again"), id="again")
            yield Static("", id="pin-change-said", classes="error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#current", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        following = {"current": "#new", "new": "#again"}.get(event.input.id or "")
        if following:
            self.query_one(following, Input).focus()
            return
        values = {field.id: field.value for field in self.query(Input)}
        if values["new"] != values["again"]:
            self._said(_("the two PINs differ; type them again"))
            return
        if not self._busy:
            self._busy = True
            self._said(_("changing…"))
            self._change(values["current"], values["new"])

    @work(thread=True, exclusive=True)
    def _change(self, current: str, new: str) -> None:
        # Two Argon2id stretches, about 0.7 s: off the UI thread.
        try:
            change_pin(self.app.home, current, new)
        except Exception as error:  # a wrong PIN, a weak one, a damaged key file, a full disk
            # Said in a sentence: a traceback here would print the PINs among its locals.
            self.app.call_from_thread(self._refused, str(error))
        else:
            self.app.call_from_thread(self._changed)

    def _refused(self, said: str) -> None:
        self._busy = False
        for field in self.query(Input):
            field.value = ""
        self.query_one("#current", Input).focus()
        self._said(said)

    def _changed(self) -> None:
        self.app.notify(_("PIN changed."))
        # Dismissing pops the top screen: if the lock came over this dialog meanwhile, the
        # dialog goes once it is on top again, never the lock.
        self._done = True
        if self.is_current:
            self.dismiss(True)

    def on_screen_resume(self) -> None:
        if self._done:
            self.dismiss(True)

    def _said(self, text: str) -> None:
        self.query_one("#pin-change-said", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(False)
