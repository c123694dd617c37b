"""The lock: the PIN asked at start and after idle time, with nothing of a borrower behind it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from fieldapp.vault.unlocking import BadPin, Locked, WaitFirst, WrongPin, set_pin, unlock
from fieldcore.i18n import N_, _


class LockScreen(Screen[None]):
    """A whole screen over the others: they stay as they were (a draft in the form is kept),
    but none of them is drawn until the PIN is given."""

    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Quit"), priority=True)]

    def __init__(self, home: Path, *, new: bool, opened: Callable[[], None]) -> None:
        super().__init__()
        self.home = home
        self.new = new  # no PIN yet: this one is chosen, and typed twice
        self.opened = opened
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="lock"):
            yield Label(
                _("Choose a PIN for this laptop") if self.new else _("fieldapp is locked"),
                id="lock-title",
            )
            yield Static(
                _("At least 6 digits. It locks every borrower on this laptop.")
                if self.new
                else _("Type your PIN to go on where you were."),
                id="lock-help",
            )
            yield Input(password=True, placeholder=_("PIN"), id="pin")
            if self.new:
                yield Input(password=True, placeholder=_("the same PIN again"), id="again")
            yield Static("", id="lock-said")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.new and event.input.id == "pin":
            self.query_one("#again", Input).focus()
            return
        pin = self.query_one("#pin", Input).value
        if self.new and self.query_one("#again", Input).value != pin:
            self._say(_("the two PINs differ; type them again"))
            self._clear()
            return
        if not self._busy:
            self._busy = True
            self._say(_("unlocking…"))
            self._try(pin)

    @work(thread=True, exclusive=True)
    def _try(self, pin: str) -> None:
        # Stretching the PIN takes about 0.35 s: off the UI thread, so the screen stays drawn.
        try:
            set_pin(self.home, pin) if self.new else unlock(self.home, pin)
        except (Locked, BadPin) as error:
            self.app.call_from_thread(self._refused, error)
        else:
            self.app.call_from_thread(self._unlocked)

    def _refused(self, error: Exception) -> None:
        self._busy = False
        self._clear()
        self._say(str(error))
        if isinstance(error, WrongPin | WaitFirst):
            # Nothing is tried before the wait is over: the field comes back after it.
            for field in self.query(Input):
                field.disabled = True
            self.set_timer(error.wait, self._again)

    def _again(self) -> None:
        for field in self.query(Input):
            field.disabled = False
        self._say("")
        self.query_one("#pin", Input).focus()

    def _unlocked(self) -> None:
        self._clear()
        self.dismiss()
        self.opened()

    def _clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#pin", Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#lock-said", Static).update(text)
