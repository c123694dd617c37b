"""The lock: the PIN asked at start and after idle time, with nothing of a borrower behind it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from fieldapp.vault.keyfile import KeyFileDamaged, read_key_file
from fieldapp.vault.unlocking import WaitFirst, WrongPin, set_pin, unlock
from fieldcore.i18n import N_, _
from fieldkit.footer import Footer


class LockScreen(Screen[None]):
    """A whole screen over the others: they stay as they were (a draft in the form is kept),
    but none of them is drawn until the PIN is given."""

    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Quit"), priority=True)]

    def __init__(
        self,
        home: Path,
        *,
        new: bool,
        opened: Callable[[], None],
        idle: bool = False,
        lost: str | None = None,
    ) -> None:
        super().__init__()
        self.home = home
        self.lost = lost  # the key cannot be had: this is said, and nothing can be typed
        self.new = new  # no PIN yet: this one is chosen, and typed twice
        self.idle = idle  # locked over work in progress, not at start
        self.opened = opened
        self._busy = False
        self._held_until = 0.0
        self._ticking: Timer | None = None

    def compose(self) -> ComposeResult:
        if self.lost is not None:
            with Vertical(id="lock"):
                yield Label(_("fieldapp cannot open this laptop's data"), id="lock-title")
                yield Static(self.lost, id="lock-said", markup=False)
            yield Footer()
            return
        with Vertical(id="lock"):
            yield Label(
                _("Choose a PIN for this laptop") if self.new else _("fieldapp is locked"),
                id="lock-title",
            )
            if self.new:
                help_text = _("At least 6 digits. It locks every borrower on this laptop.")
            elif self.idle:
                help_text = _("Type your PIN and press Enter to go on where you were.")
            else:
                help_text = _("Type your PIN and press Enter.")
            yield Static(help_text, id="lock-help")
            yield Input(password=True, placeholder=_("PIN"), id="pin")
            if self.new:
                yield Input(password=True, placeholder=_("the same PIN again"), id="again")
            yield Static("", id="lock-said")
            if not self.new:
                yield Static(
                    _(
                        "Forgot it? fieldapp reset erases this laptop, and your supervisor "
                        "enrolls it again; what it has not sent to head office is lost."
                    ),
                    id="lock-forgot",
                )
        yield Footer()

    def on_mount(self) -> None:
        if self.lost is not None:
            return
        self.query_one("#pin", Input).focus()
        # A wait left by wrong PINs before this start (the app's or the command line's).
        try:
            key_file = None if self.new else read_key_file(self.home)
        except KeyFileDamaged:
            key_file = None  # said when a PIN is typed
        if key_file is not None and key_file.retry_at > time.time():
            self._hold(key_file.retry_at - time.time(), earlier=True)

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
        except Exception as error:  # a wrong PIN, or a damaged key file, a full disk...
            # Said in a sentence: a traceback here would print the PIN among its locals.
            self.app.call_from_thread(self._refused, error)
        else:
            self.app.call_from_thread(self._unlocked)

    def _refused(self, error: Exception) -> None:
        self._busy = False
        self._clear()
        if isinstance(error, WrongPin | WaitFirst):
            self._hold(error.wait, earlier=isinstance(error, WaitFirst))
        else:
            self._say(str(error))

    def _hold(self, seconds: float, earlier: bool) -> None:
        """Nothing can be typed before the wait is over; the screen counts it down."""
        self._earlier = earlier
        self._held_until = time.monotonic() + seconds
        for field in self.query(Input):
            field.disabled = True
        self._tick()
        if self._ticking is None:
            self._ticking = self.set_interval(0.25, self._tick)

    def _tick(self) -> None:
        left = self._held_until - time.monotonic()
        if left > 0:
            said = (
                _("a wrong PIN was typed before: the next try in {left} s")
                if self._earlier
                else _("wrong PIN: the next try in {left} s")
            )
            self._say(said.format(left=math.ceil(left)))
            return
        if self._ticking is not None:
            self._ticking.stop()
            self._ticking = None
        for field in self.query(Input):
            field.disabled = False
        self._say(_("wrong PIN: type it again") if not self._earlier else "")
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
