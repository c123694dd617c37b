"""The sync status line every screen shows: online or offline, changes waiting, last sync."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class SyncStatus(Horizontal):
    """Mirrors the app's `sync_status` and `sync_progress` so every screen tells the same story."""

    def compose(self) -> ComposeResult:
        yield Static(id="sync-text", markup=False)
        yield ProgressBar(id="sync-progress", show_eta=False)

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self._text, init=True)
        self.watch(self.app, "sync_progress", self._progress, init=True)

    def _text(self, value: str) -> None:
        self.query_one("#sync-text", Static).update(value)

    def _progress(self, value: tuple[int, int] | None) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = value is not None
        if value is not None:
            done, total = value
            bar.update(total=max(total, 1), progress=done)
