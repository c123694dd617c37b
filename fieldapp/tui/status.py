"""The sync status line every screen shows: online or offline, changes waiting, last sync."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class SyncStatus(Static):
    """Mirrors the app's `sync_status` so every screen tells the same story."""

    text: reactive[str] = reactive("")

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self._follow, init=True)

    def _follow(self, value: str) -> None:
        self.update(value)
