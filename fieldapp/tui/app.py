"""The collector's app: route, visit and outcome screens over the local store, sync in a worker."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from time import monotonic

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer

from fieldapp.store import Store
from fieldapp.store.cipher import is_encrypted
from fieldapp.store.layout import DB_NAME
from fieldapp.tui.commands import FieldCommands
from fieldapp.tui.route import RouteScreen
from fieldapp.vault.keyfile import KeyFileDamaged, read_key_file
from fieldapp.vault.unlocking import (
    KeyLost,
    Locked,
    PinNeeded,
    data_key,
    is_set,
    remember_language,
)
from fieldcore.i18n import N_, _, format_time, set_language
from fieldkit.palette import PaletteInUiLanguage
from sync.schedule import SyncSchedule
from themes import DEFAULT_THEME, THEMES

# The policy's default, until a sync brings head office's (see syncing.py); checked this often.
IDLE_LOCK_MINUTES = 5
IDLE_CHECK_SECONDS = 5.0


class SyncProgress(Message):
    """A page arrived; posted from the sync worker thread."""

    def __init__(self, report) -> None:
        super().__init__()
        self.done = report.visits_received + report.accounts_updated + report.visits_removed
        self.remaining = report.remaining


class SyncFinished(Message):
    """Posted from the sync worker thread; only post_message is thread-safe."""

    def __init__(self, report, error: Exception | None) -> None:
        super().__init__()
        self.report = report
        self.error = error


class FieldApp(PaletteInUiLanguage):
    """Route first; every screen works with the server down; sync runs by itself."""

    # Absolute, so a subclass elsewhere (benchmarks, embedding) still finds it.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "fieldapp"
    COMMANDS = App.COMMANDS | {FieldCommands}

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("ctrl+r", "sync", N_("Sync now")),
        Binding("question_mark", "keys", N_("Keys"), key_display="?"),
        Binding("ctrl+l", "lock", N_("Lock")),
    ]

    sync_status: reactive[str] = reactive("")
    sync_progress: reactive[tuple[int, int] | None] = reactive(None)

    def __init__(
        self, home: Path, *, sync_on_start: bool = True, schedule: SyncSchedule | None = None
    ) -> None:
        super().__init__()
        self.home = home
        # The UI thread's own connection, opened once the PIN is given; the sync worker
        # opens another.
        self.store: Store = None  # type: ignore[assignment]
        # The lock: when a key or a click last came, and whether the PIN is being asked.
        self.touched = monotonic()
        self.locked = False
        self._lock_language: str | None = None
        self._held_notes: list[tuple[tuple, dict]] = []
        self.auto_sync = sync_on_start
        self.schedule = schedule or SyncSchedule()
        self.online: bool | None = None
        self.stopped_reason: str | None = None
        self._syncing = False
        self._next_sync: Timer | None = None
        # visit id -> (script id, version, highest step reached), for the outcome form.
        self.script_progress: dict[str, tuple[str, int, int]] = {}
        # Per visit, from the script: the channel in use, and the disclosure once given.
        self.script_channel: dict[str, str] = {}
        self.disclosed: set[str] = set()

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        encrypted = is_encrypted(self.home / DB_NAME)
        try:
            key_file = read_key_file(self.home)
        except KeyFileDamaged:
            key_file = None  # said below, when the key is asked for
        # The language kept beside the key: the lock speaks it, and _open keeps it current.
        self._lock_language = key_file.language if key_file is not None else None
        if self._lock_language:
            set_language(self._lock_language)
        try:
            # Unlocked in this process already, by the keyring, or by FIELDAPP_PIN.
            data_key(self.home, encrypted_data=encrypted)
        except (Locked, KeyFileDamaged) as error:
            from fieldapp.tui.lock import LockScreen

            self.locked = True
            # A lost or damaged key file is said, and no new PIN is offered over data that
            # only the old key opens.
            lost = str(error) if isinstance(error, KeyLost | KeyFileDamaged) else None
            new = not encrypted and lost is None and not is_set(self.home)
            self.push_screen(LockScreen(self.home, new=new, opened=self._open, lost=lost))
            if not isinstance(error, PinNeeded) and lost is None:
                self.notify(str(error), severity="error", timeout=30, markup=False)
            return
        self._open()

    def _open(self) -> None:
        self.locked = False
        self.store = Store(self.home)
        language = self.store.setting("ui_language") or self.store.setting("language") or "en"
        set_language(language)
        self._lock_speaks(language)
        self.theme = self.store.setting("theme") or DEFAULT_THEME
        self.sub_title = self.store.setting("collector") or _("not enrolled")
        self.push_screen(RouteScreen())
        self.refresh_status()
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_when_idle)
        if self.auto_sync and self.store.enrolled:
            self.action_sync()

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    # the idle lock ---------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        touched = events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp
        if isinstance(event, touched | events.Paste):
            self.touched = monotonic()
        await super().on_event(event)

    def lock_when_idle(self) -> None:
        """Lock once nothing was typed or clicked for the policy's idle time (default 5 min)."""
        minutes = int(self.store.setting("idle_lock_minutes") or IDLE_LOCK_MINUTES)
        if not self.locked and monotonic() - self.touched >= minutes * 60:
            self.lock()

    def action_lock(self) -> None:
        self.lock()

    def action_change_pin(self) -> None:
        from fieldapp.tui.pin_change import PinChangeDialog

        self.push_screen(PinChangeDialog())

    def lock(self) -> None:
        """Cover every screen with the PIN: what is on them, drafts too, stays as it was."""
        from fieldapp.tui.lock import LockScreen

        self.locked = True
        self.use_command_palette = False
        self.clear_notifications()  # a toast can quote a borrower; it would show on the lock
        self.push_screen(LockScreen(self.home, new=False, opened=self._unlocked, idle=True))

    def _unlocked(self) -> None:
        self.locked = False
        self.use_command_palette = True
        self.touched = monotonic()
        held, self._held_notes = self._held_notes, []
        for args, kwargs in held:
            self.notify(*args, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While locked, only quitting and moving between the PIN fields: no palette, no keys
        # screen, no summary of the day.
        if self.locked and action not in ("quit", "focus_next", "focus_previous", "help_quit"):
            return False
        return super().check_action(action, parameters)

    def _fatal_error(self) -> None:
        # Textual's own (8.2.8, pinned) prints every frame's local variables, and here they
        # can hold the PIN, the data key or a borrower: the same traceback without them.
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def notify(self, *args, **kwargs) -> None:  # type: ignore[override]
        # A sync's message can name a borrower: it waits behind the lock until the PIN.
        if self.locked and self.store is not None:
            self._held_notes.append((args, kwargs))
            return
        super().notify(*args, **kwargs)

    def refresh_status(self, state: str | None = None) -> None:
        """Online or offline, changes waiting, time of the last good sync."""
        if state is None:
            state = (
                self.stopped_reason
                or {
                    None: _("not synced yet"),
                    True: _("online"),
                    False: _("offline"),
                }[self.online]
            )
        waiting = self.store.pending_count()
        last = self.store.setting("last_sync_at")
        when = format_time(datetime.fromisoformat(last).astimezone()) if last else _("never")
        status = _("{state}   {waiting} change(s) waiting   last sync {when}")
        self.sync_status = " ● " + status.format(state=state, waiting=waiting, when=when)
        if refused := self.store.refused_count():
            # Kept on the laptop, never lost; the day summary (s) says what and why.
            refusals = _("{count} refused by head office (see the day summary)")
            self.sync_status += "   " + refusals.format(count=refused)

    def choose_theme(self, name: str) -> None:
        """Switch colours and remember the choice on this laptop."""
        self.theme = name
        self.store.set_settings(theme=name)

    def _lock_speaks(self, language: str) -> None:
        # Written only when the language differs from the one read at start.
        if language != self._lock_language:
            with contextlib.suppress(KeyFileDamaged):
                remember_language(self.home, language)
            self._lock_language = language

    def choose_language(self, code: str) -> None:
        """Switch the screens' language, remember it, and redraw."""
        set_language(code)
        self.store.set_settings(ui_language=code)
        self._lock_speaks(code)
        self.refresh_status()
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
        self.refresh_bindings()

    def action_keys(self) -> None:
        from fieldapp.tui.keys import KeysScreen

        self.push_screen(KeysScreen(self.screen))

    def action_summary(self) -> None:
        from fieldapp.tui.summary import SummaryScreen

        day = getattr(self.screen, "day", None) or self.store.today()
        self.push_screen(SummaryScreen(day))

    def changed_locally(self) -> None:
        """A change was saved: show it waiting, and send it soon if head office is there."""
        self.refresh_status()
        if self.auto_sync and self.online and not self._syncing:
            self._plan_sync(2.0)

    def action_sync(self) -> None:
        """Sync now, in a thread, so typing never waits for the network."""
        if self._syncing:
            return
        self._syncing = True
        self.refresh_status(_("syncing…"))
        self.run_worker(
            self._sync_worker, thread=True, exclusive=True, group="sync", exit_on_error=False
        )

    def _plan_sync(self, seconds: float) -> None:
        if self._next_sync is not None:
            self._next_sync.stop()
        self._next_sync = self.set_timer(seconds, self.action_sync)

    def _sync_worker(self) -> None:
        # Imported here: the network stack is not needed to show the route.
        from fieldapp.syncing import sync_once
        from sync.client import ServerUnreachable, SyncError

        try:
            report = sync_once(self.home, progress=lambda r: self.post_message(SyncProgress(r)))
        except SyncError as error:
            self.post_message(SyncFinished(None, error))
        except Exception as error:  # a bug must not kill the app mid-visit
            self.post_message(SyncFinished(None, ServerUnreachable(f"sync failed: {error}")))
        else:
            self.post_message(SyncFinished(report, None))

    def on_sync_progress(self, message: SyncProgress) -> None:
        if message.remaining:
            self.sync_progress = (message.done, message.done + message.remaining)

    def on_sync_finished(self, message: SyncFinished) -> None:
        from fieldapp.syncing import NotEnrolled
        from fieldapp.wiping import WipeOrdered, erase, wiped_sentence
        from fieldcore.refusals import refusal_shown
        from sync.client import CertificateRefused, ServerUnreachable, SyncRejected

        self._syncing = False
        self.sync_progress = None
        error = message.error
        if error is None:
            self.online, self.stopped_reason = True, None
            self.refresh_status()
            self._refresh_screen()
            if self.auto_sync:
                self._plan_sync(self.schedule.succeeded())
        elif isinstance(error, ServerUnreachable):
            self.online = False
            self.refresh_status()
            if self.auto_sync:
                self._plan_sync(self.schedule.failed())
        elif isinstance(error, WipeOrdered):
            # Everything waiting reached head office before the order came: close the
            # database, erase it, and leave, saying so.
            self.store.close()
            self.exit(message=wiped_sentence(erase(self.home), error.undelivered))
        elif isinstance(error, CertificateRefused):
            # Not offline: someone answered as head office with the wrong certificate.
            # Nothing is sent, and the app stops trying until the collector acts.
            self.online = False
            self.stopped_reason = _("head office's certificate is not the pinned one")
            self.refresh_status()
            self.notify(
                str(error), title=_("Sync stopped"), severity="error", timeout=30, markup=False
            )
        elif isinstance(error, NotEnrolled):
            self.refresh_status(_("not enrolled"))
        elif isinstance(error, SyncRejected) and error.status in (401, 426):
            # Retrying cannot help: the token is unknown (head office answers a
            # revoked one so too), or this fieldapp is too old. Say so and stop
            # trying by ourselves; the changes stay on the laptop.
            self.online = True
            self.stopped_reason = (
                _("head office does not know this laptop")
                if error.status == 401
                else _("fieldapp needs updating")
            )
            self.refresh_status()
            self.notify(
                refusal_shown(str(error)),
                title=_("Sync stopped"),
                severity="error",
                timeout=30,
                markup=False,
            )
        else:
            self.online = True
            self.refresh_status(_("sync refused"))
            self.notify(
                refusal_shown(str(error)),
                title=_("Sync refused"),
                severity="error",
                timeout=10,
                markup=False,
            )
            if self.auto_sync:
                self._plan_sync(self.schedule.failed())

    def _refresh_screen(self) -> None:
        # Only screens that show synced data and can redraw in place say so.
        refresh_data = getattr(self.screen, "refresh_data", None)
        if callable(refresh_data):
            refresh_data()
