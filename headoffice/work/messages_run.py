"""`headoffice messages run`: plan what is due, queue it once, send it, print the letters."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.messaging import MessageChannel, MessageState
from headoffice.messages import outbox, run_lock
from headoffice.messages.outgoing import Sender
from headoffice.store.tables import messages
from headoffice.work.letters_run import Batch, print_due
from headoffice.work.message_writing import Writer
from headoffice.work.reminders import plan_due
from headoffice.work.sending import Sent, send_due


@dataclass
class RunReport:
    """What one run did (or, dry, would do)."""

    dry_run: bool
    queued: Counter = field(default_factory=Counter)  # (reason, channel): new in the outbox
    skipped: dict[str, int] = field(default_factory=dict)
    recovered: int = 0
    due_now: Counter = field(default_factory=Counter)  # channel: due at the moment (dry run)
    later: int = 0  # queued for a later moment (quiet hours, backoff)
    sent: Sent = field(default_factory=Sent)
    batches: list[Batch] = field(default_factory=list)
    letters_waiting: int = 0  # due, but no --letters-dir

    @property
    def acted(self) -> bool:
        """Whether the run queued, sent, printed or failed anything (waiting does not count)."""
        sent = self.sent
        return bool(
            self.queued
            or self.recovered
            or sent.sent
            or self.batches
            or sent.retrying
            or sent.failed
            or sent.withheld
            or sent.expired
            or sent.down
        )


def run_messages(
    engine: Engine,
    now: datetime,
    senders: dict[MessageChannel, Sender],
    letters_dir: Path | None = None,
    dry_run: bool = False,
) -> RunReport:
    """One run as of `now`: plan and queue, then send and print what is due.

    A dry run plans in a transaction it rolls back, and sends nothing; a real one holds
    the run lock (run_lock) throughout, so two runs never send side by side.
    """
    report = RunReport(dry_run)
    if dry_run:
        with engine.connect() as conn, conn.begin() as trans:
            _plan(conn, now, report)
            report.due_now = _due_by_channel(conn, now)
            report.later = _later(conn, now)
            trans.rollback()
        return report
    holder = run_lock.take(engine)
    try:
        with engine.begin() as conn:
            report.recovered = len(outbox.recover(conn, now))
        with engine.begin() as conn:
            _plan(conn, now, report)
        run_lock.beat(engine, holder)
        report.sent = send_due(engine, now, senders, lambda: run_lock.beat(engine, holder))
        if letters_dir is not None:
            report.batches = [b for b in print_due(engine, now, letters_dir) if b.letters]
        with engine.connect() as conn:
            report.letters_waiting = _due_by_channel(conn, now).get(MessageChannel.LETTER.value, 0)
            report.later = _later(conn, now)
    finally:
        run_lock.let_go(engine, holder)
    return report


def _plan(conn: sa.Connection, now: datetime, report: RunReport) -> None:
    writer = Writer(conn, now)
    fresh = outbox.queue(conn, plan_due(conn, writer), now)
    report.queued = Counter((p.reason, p.channel) for p in fresh)
    report.skipped = writer.skipped


def _due_by_channel(conn: sa.Connection, now: datetime) -> Counter:
    rows = conn.execute(
        sa.select(messages.c.channel, sa.func.count())
        .where(messages.c.state == MessageState.QUEUED.value, messages.c.next_try_at <= now)
        .group_by(messages.c.channel)
    ).all()
    return Counter(dict(rows))


def _later(conn: sa.Connection, now: datetime) -> int:
    return conn.execute(
        sa.select(sa.func.count()).where(
            messages.c.state == MessageState.QUEUED.value, messages.c.next_try_at > now
        )
    ).scalar_one()
