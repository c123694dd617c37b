"""The collector's app: route, visit and outcome screens over the local store, sync in a worker."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.worker import get_current_worker

from fieldapp.store import Store
from fieldapp.syncing import NotEnrolled, sync_once
from fieldapp.tui.route import RouteScreen
from sync.client import ServerUnreachable, SyncError, SyncReport


class SyncFinished(Message):
    """Posted from the sync worker thread; only post_message is thread-safe."""

    def __init__(self, report: SyncReport | None, error: SyncError | None) -> None:
        super().__init__()
        self.report = report
        self.error = error


class FieldApp(App):
    """Route first; every screen works with the server down."""

    CSS_PATH = "app.tcss"
    TITLE = "fieldapp"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+r", "sync", "Sync now"),
    ]

    sync_status: reactive[str] = reactive("")

    def __init__(self, home: Path, *, sync_on_start: bool = True) -> None:
        super().__init__()
        self.home = home
        # The UI thread's own connection; the sync worker opens another.
        self.store = Store(home)
        self.sync_on_start = sync_on_start
        self.online: bool | None = None

    def on_mount(self) -> None:
        collector = self.store.setting("collector")
        self.sub_title = collector or "not enrolled"
        self.push_screen(RouteScreen())
        self.refresh_status()
        if self.sync_on_start and self.store.enrolled:
            self.action_sync()

    def on_unmount(self) -> None:
        self.store.close()

    def refresh_status(self, state: str | None = None) -> None:
        """Online or offline, changes waiting, time of the last good sync."""
        if state is None:
            state = {None: "not synced yet", True: "online", False: "offline"}[self.online]
        waiting = self.store.pending_count()
        last = self.store.setting("last_sync_at")
        when = datetime.fromisoformat(last).astimezone().strftime("%H:%M") if last else "never"
        self.sync_status = f" ● {state}   {waiting} change(s) waiting   last sync {when}"

    def action_sync(self) -> None:
        """Sync in a thread so typing never waits for the network."""
        self.refresh_status("syncing…")
        self.run_worker(
            self._sync_worker, thread=True, exclusive=True, group="sync", exit_on_error=False
        )

    def _sync_worker(self) -> None:
        worker = get_current_worker()
        try:
            report = sync_once(self.home)
        except SyncError as error:
            if not worker.is_cancelled:
                self.post_message(SyncFinished(None, error))
            return
        if not worker.is_cancelled:
            self.post_message(SyncFinished(report, None))

    def on_sync_finished(self, message: SyncFinished) -> None:
        if message.error is None:
            self.online = True
            self.refresh_status()
            self._refresh_screen()
            return
        if isinstance(message.error, ServerUnreachable):
            self.online = False
            self.refresh_status()
        elif isinstance(message.error, NotEnrolled):
            self.refresh_status("not enrolled")
        else:
            self.online = True
            self.refresh_status("sync refused")
            self.notify(str(message.error), title="Sync refused", severity="error", timeout=10)

    def _refresh_screen(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if callable(reload) and isinstance(self.screen, RouteScreen):
            reload()
