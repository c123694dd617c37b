"""The outbox: messages queued once by their key, handed to a channel, and settled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.messaging import MessageState
from headoffice.store.bulk import insert_new
from headoffice.store.tables import messages

# A failure that may pass is tried again after each of these waits, then given up on
# (a review item): two days in all, so a gateway down for a night loses nothing.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
    timedelta(hours=24),
)
MOST_ATTEMPTS = len(BACKOFF) + 1


@dataclass(frozen=True)
class Planned:
    """A message written and ready to queue: what, to whom, and from when it may go."""

    key: str
    account_id: str
    reason: str
    ref: str
    channel: str
    language: str
    templates: str
    to_address: str
    subject: str
    body: str
    due_at: datetime
    expires_at: datetime | None


# Planned's fields are columns of `messages`, copied as they are (asdict would deep-copy
# every datetime: a third of a 100,000-message run).
_COLUMNS = tuple(f.name for f in fields(Planned))


def queue(conn: Connection, planned: Sequence[Planned], now: datetime) -> list[Planned]:
    """Queue each planned message whose key is new; return those queued.

    A key is queued once and only once: what is already there, in whatever state, is
    left as it is (the run that planned it, or a run killed after planning, wins).
    """
    # The first of a key planned twice in one run stands.
    once = list({p.key: p for p in reversed(planned)}.values())[::-1]
    rows = [
        {name: getattr(p, name) for name in _COLUMNS}
        | {
            "state": MessageState.QUEUED.value,
            "attempts": 0,
            "next_try_at": p.due_at,
            "created_at": now,
        }
        for p in once
    ]
    # The keys the database took are those it returns: exact even if another writer (a
    # run without the lock, a dry run's transaction) queued some of them first.
    taken = insert_new(conn, messages, rows, "key")
    return [p for p in once if p.key in taken]


def due(conn: Connection, now: datetime, limit: int = 500) -> list[sa.Row]:
    """Queued messages whose moment has come, the longest waiting first."""
    return conn.execute(
        sa.select(messages)
        .where(messages.c.state == MessageState.QUEUED.value, messages.c.next_try_at <= now)
        .order_by(messages.c.next_try_at, messages.c.key)
        .limit(limit)
    ).all()


def claim(conn: Connection, key: str) -> bool:
    """Mark the message as being sent (one attempt more); False if another run has it."""
    done = conn.execute(
        messages.update()
        .where(messages.c.key == key, messages.c.state == MessageState.QUEUED.value)
        .values(state=MessageState.SENDING.value, attempts=messages.c.attempts + 1)
    )
    return done.rowcount == 1


def settle(conn: Connection, key: str, state: MessageState, **values: object) -> None:
    """Move the message to `state`, with what the channel said."""
    conn.execute(messages.update().where(messages.c.key == key).values(state=state.value, **values))


def again_later(
    conn: Connection, key: str, attempts: int, now: datetime, error: str
) -> MessageState:
    """A failure that may pass: back in the queue after its backoff, or failed for good once
    the attempts are spent. Returns the state it is left in."""
    if attempts >= MOST_ATTEMPTS:
        settle(conn, key, MessageState.FAILED, last_error=f"{error} (after {attempts} attempts)")
        return MessageState.FAILED
    wait = BACKOFF[max(0, attempts - 1)]
    settle(conn, key, MessageState.QUEUED, next_try_at=now + wait, last_error=error)
    return MessageState.QUEUED


def uncounted(conn: Connection, key: str, now: datetime, error: str) -> None:
    """The channel was down: back in the queue in a minute, the attempt not counted."""
    conn.execute(
        messages.update()
        .where(messages.c.key == key)
        .values(
            state=MessageState.QUEUED.value,
            attempts=messages.c.attempts - 1,
            next_try_at=now + BACKOFF[0],
            last_error=error,
        )
    )


def recover(conn: Connection, now: datetime) -> list[str]:
    """Messages a run handed to a channel and then died before it heard back: queued again,
    due now. The channel may have sent them; the same key lets it tell (docs/MESSAGES.md)."""
    stuck = list(
        conn.execute(
            sa.select(messages.c.key).where(messages.c.state == MessageState.SENDING.value)
        ).scalars()
    )
    if stuck:
        conn.execute(
            messages.update()
            .where(messages.c.state == MessageState.SENDING.value)
            .values(
                state=MessageState.QUEUED.value,
                next_try_at=now,
                last_error="the run sending it stopped before the channel answered",
            )
        )
    return stuck


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every moment in the outbox is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
