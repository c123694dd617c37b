"""A Select that keeps keys typed ahead of its list: they land in the list, as meant."""

from __future__ import annotations

from textual import events
from textual.widgets import Select
from textual.widgets._select import SelectOverlay  # Textual 8.2.8 (pinned)

_LIST_KEYS = ("enter", "down", "up", "space")


class Choice(Select, inherit_bindings=False):
    """Select whose Enter, Down and Up go to its list even before the list takes focus.

    Textual's Select opens its list on Enter or Down and moves focus to it only
    after the keys already waiting are handled; a collector who types Enter,
    Down, Down, Enter faster than a slow laptop draws loses the Downs and
    chooses the wrong outcome. Here those keys reach the list whichever has focus.
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.key not in _LIST_KEYS:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        if not self.expanded:
            self.action_show_overlay()
            return
        overlay = self.query_one(SelectOverlay)
        if event.key == "down":
            overlay.action_cursor_down()
        elif event.key == "up":
            overlay.action_cursor_up()
        else:
            overlay.action_select()
