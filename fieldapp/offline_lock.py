"""A laptop that has not reached head office for too long locks its borrower data until it syncs."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.store import Store
from fieldapp.store.layout import DB_NAME
from fieldcore.i18n import N_, _, set_language

if TYPE_CHECKING:
    import click  # the command line's only; the app starts without it

# The shipped policies' limit, until a sync brings head office's (see syncing.py).
DEFAULT_DAYS = 14
_LOCKED = N_(
    "This laptop has not reached head office for {days} days (the policy allows {limit}): "
    "its borrowers are locked until it syncs. Connect to a network and sync (ctrl+r, or "
    "fieldapp sync); what you recorded is kept and goes first."
)


@dataclass(frozen=True)
class OfflineLock:
    """Days since the last good sync, against the policy's limit."""

    days: int
    limit: int

    def said(self) -> str:
        """Why the borrowers are hidden, and what unlocks them, in the UI language."""
        return _(_LOCKED).format(days=self.days, limit=self.limit)


def offline_lock(store: Store) -> OfflineLock | None:
    """The lock in force, if the last good sync is older than the strictest policy allows.

    A laptop that never synced holds no borrower from head office, so nothing locks.
    The limit is the smallest of the policies on the laptop (one laptop may carry
    borrowers of several countries), kept as a setting by each sync: reading it costs
    the first screen nothing, where parsing the policies cost it 0.15 s.
    """
    last = store.setting("last_sync_at")
    if not last:
        return None
    try:
        synced = datetime.fromisoformat(last)
    except ValueError:
        synced = datetime.min.replace(tzinfo=store.now().tzinfo)  # unreadable: as if never
    days = (store.now() - synced).days
    limit = int(store.setting("offline_lock_days") or DEFAULT_DAYS)
    return OfflineLock(days, limit) if days > limit else None


# The commands that show or change a borrower's data: a laptop offline too long refuses them.
BORROWERS_SHOWN = frozenset(
    {"route", "record", "correct", "check", "follow-ups", "arrangements", "afford", "receipt"}
)


def refuse_when_locked(command: click.Command) -> None:
    """The command exits 5 with the reason when the laptop has not reached head office for
    too long; checked once its arguments are read, so its --help still works."""
    import click

    callback = command.callback
    assert callback is not None

    @functools.wraps(callback)
    def checked(*args: object, **kwargs: object) -> object:
        _refuse(click.get_current_context().find_root().obj)
        return callback(*args, **kwargs)

    command.callback = checked


def _refuse(home: Path) -> None:
    import click

    if not (home / DB_NAME).exists():
        return  # nothing on this laptop to lock; each command says what is missing
    store = Store(home)
    try:
        set_language(store.setting("ui_language") or "en")
        lock = offline_lock(store)
    finally:
        store.close()
    if lock is not None:
        click.echo(f"Error: {lock.said()}", err=True)
        click.get_current_context().exit(5)
