"""One run sends at a time, on any host: a row in the database, taken, kept alive, let go."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headoffice.store.tables import message_runs

# A holder that has not beaten its heart for this long (real time) is taken to be dead.
STALE = timedelta(seconds=90)
_NAME = "messages"


class RunBusy(RuntimeError):
    """Another run holds the lock and is alive; this one does nothing."""


def take(engine: Engine) -> str:
    """Take the lock, or raise RunBusy saying who has it; returns the holder's id.

    The lock is free when nobody has it, when its holder's heartbeat is old, or when its
    holder is a process of this host that no longer exists (killed, say, with kill -9):
    then the run that takes it finishes what the dead one left (outbox.recover).
    """
    holder, host, pid = uuid.uuid4().hex, socket.gethostname(), os.getpid()
    wall = datetime.now(UTC)
    try:
        taken = _take(engine, holder, host, pid, wall)
    except sa.exc.IntegrityError:
        # Two runs found the lock free at the same moment (SQLite has no advisory lock)
        # and the other inserted first.
        taken = False
    if not taken:
        raise RunBusy("another messages run took the lock at the same moment; this one did nothing")
    return holder


def _take(engine: Engine, holder: str, host: str, pid: int, wall: datetime) -> bool:
    """True when taken; False when another run took it at the same moment."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two runs starting together take turns here rather than both inserting.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7240918)"))
        row = conn.execute(sa.select(message_runs).where(message_runs.c.name == _NAME)).first()
        values = {"holder": holder, "host": host, "pid": pid, "heartbeat_at": wall}
        if row is None:
            conn.execute(message_runs.insert().values(name=_NAME, **values))
            return True
        beat = row.heartbeat_at if row.heartbeat_at.tzinfo else row.heartbeat_at.replace(tzinfo=UTC)
        if wall - beat < STALE and not (row.host == host and not _alive(row.pid)):
            raise RunBusy(
                f"another messages run is sending (process {row.pid} on {row.host}, "
                f"last seen {beat:%H:%M:%S} UTC); this one did nothing"
            )
        taken = conn.execute(
            message_runs.update()
            .where(message_runs.c.name == _NAME, message_runs.c.holder == row.holder)
            .values(**values)
        )
        # Another run may have taken it over from the dead holder first.
        return taken.rowcount == 1


def beat(engine: Engine, holder: str) -> None:
    """Say the holder is still alive (between batches)."""
    with engine.begin() as conn:
        conn.execute(
            message_runs.update()
            .where(message_runs.c.name == _NAME, message_runs.c.holder == holder)
            .values(heartbeat_at=datetime.now(UTC))
        )


def let_go(engine: Engine, holder: str) -> None:
    """Free the lock, if this holder still has it."""
    with engine.begin() as conn:
        conn.execute(
            message_runs.delete().where(
                message_runs.c.name == _NAME, message_runs.c.holder == holder
            )
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True
