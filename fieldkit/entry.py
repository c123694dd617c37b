"""A form's one-line field where Enter moves on to the next field, even when typed ahead."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Entry(Input):
    """An Input whose Enter goes to the next field, and whose typed-ahead keys follow it.

    Textual hands each key to the widget that had focus when the key arrived; keys a
    fast typist sent after Enter wait in this field's queue while the focus moves
    on ("3", Enter, "1" would give "31"). Such keys are passed on to the field that
    has the focus now, in the order typed, so every key lands where it was meant.
    """

    _moved_on = False

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if self._moved_on and focused is not self:
            event.stop()
            event.prevent_default()
            if focused is not None:
                focused.post_message(events.Key(event.key, event.character))
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self._moved_on = True
            self.screen.focus_next()
            return
        await super()._on_key(event)

    def _on_focus(self, event: events.Focus) -> None:
        self._moved_on = False
        super()._on_focus(event)
