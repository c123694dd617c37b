"""Planning and queueing 100,000 reminders of promises due tomorrow: one `headoffice messages
run`, timed as cron runs it (its own process, start-up included)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.load_bench import postgres_url
from bench.sync_bench import accounts, figure
from fieldcore.messaging import MessageState
from headoffice.store import db
from headoffice.store.tables import arrangements, instalments, messages
from headoffice.work import portfolio
from headoffice.work.settings import set_setting

DAY = date(2026, 11, 23)
COUNT = 100_000
# 10:00 in Copenhagen: inside the window, so every reminder is due at once.
MORNING = datetime(2026, 11, 23, 9, tzinfo=UTC)


def fill(engine: sa.Engine) -> None:
    """100,000 accounts, 60 days overdue (no stage notice due), each with a promise made
    three days ago that falls due tomorrow."""
    rows = [
        a.model_copy(update={"oldest_due_date": DAY - timedelta(days=60)}) for a in accounts(COUNT)
    ]
    portfolio.import_accounts(engine, rows)
    set_setting(engine, "lender.name", "Nordbank")
    set_setting(engine, "lender.phone", "+45 70 12 34 56")
    made, due = DAY - timedelta(days=3), DAY + timedelta(days=1)
    heads, parts = [], []
    for n in range(COUNT):
        account = f"A-{n:06d}"
        heads.append(
            {
                "id": f"p{n}", "account_id": account, "kind": "promise", "collector_id": None,
                "made_on": made, "currency": "DKK", "total_minor": 50_000, "every": None,
                "created_at": MORNING - timedelta(days=3),
            }
        )  # fmt: skip
        parts.append(
            {
                "arrangement_id": f"p{n}", "number": 1, "account_id": account, "currency": "DKK",
                "made_on": made, "due": due, "amount_minor": 50_000, "replaced_on": None,
            }
        )  # fmt: skip
    with engine.begin() as conn:
        for table, batch in ((arrangements, heads), (instalments, parts)):
            for start in range(0, len(batch), 10_000):
                conn.execute(table.insert(), batch[start : start + 10_000])


def _run(url: str, now: datetime) -> tuple[float, str]:
    """One `headoffice messages run` as cron starts it: its own process, timed whole."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "headoffice",
            "messages",
            "run",
            "--db",
            url,
            "--now",
            now.isoformat(),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return took, done.stdout


def run_on(kind: str, url: str) -> list[dict]:
    engine = db.connect(url)
    try:
        fill(engine)
        if kind == "sqlite":
            # The rows just loaded moved from the write-ahead log into the database, as
            # SQLite does by itself as a day goes by; the run's own writes still pay theirs.
            engine.dispose()
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if kind == "postgresql":
            # As a database that has run a while: vacuumed and analysed, not autovacuum's
            # work on the rows just loaded competing with the run for the two cores.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        # No channel given: the run plans and queues, and its sending finds none to use.
        took, said = _run(url, MORNING)
        with engine.connect() as conn:
            queued = conn.execute(
                sa.select(sa.func.count()).where(messages.c.state == MessageState.QUEUED.value)
            ).scalar_one()
        rerun, again = _run(url, MORNING + timedelta(minutes=5))
    finally:
        engine.dispose()
    assert f"queued {COUNT} new message(s)" in said and queued == COUNT, (said, queued)
    assert "queued 0 new message(s)" in again, again
    return [
        figure(f"messages_run_100k_{kind}", took, "s", "<= 10"),
        # The next run five minutes on finds every key queued already and adds nothing.
        figure(f"messages_run_100k_{kind}_again", rerun, "s", "(reported)"),
    ]


def messages_run_100k() -> list[dict]:
    """One `messages run` queueing 100,000 reminders, on SQLite and on PostgreSQL."""
    with tempfile.TemporaryDirectory() as folder:
        found = run_on("sqlite", f"sqlite:///{Path(folder) / 'headoffice.db'}")
    pg = postgres_url()
    if pg is None:
        return [*found, {"name": "messages_run_100k_postgresql", "skipped": "no PostgreSQL"}]
    return found + run_on("postgresql", pg)


BENCHMARKS = {"messages_run_100k": messages_run_100k}
