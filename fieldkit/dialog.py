"""A modal form that answers with a line for the status bar: OK and Cancel buttons, Escape."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button


class FormDialog(ModalScreen[str | None]):
    """A form that answers with a line for the status bar, or None when cancelled.

    Subclasses compose their fields, end with `buttons()`, and implement
    `action_submit`; the OK button submits, Cancel and Escape dismiss.
    """

    # The button row's own layout travels with the kit; each app styles the rest.
    DEFAULT_CSS = """
    FormDialog .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    """

    def action_submit(self) -> None:
        raise NotImplementedError

    def buttons(self, ok: str, cancel: str) -> ComposeResult:
        """The row of the two buttons, OK first; labels already in the UI language."""
        with Horizontal(classes="buttons"):
            yield Button(ok, variant="primary", id="ok")
            yield Button(cancel, id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
