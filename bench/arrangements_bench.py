"""Judging promises and plans: 100,000 instalments against 200,000 payments, in the database."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.load_bench import postgres_url
from bench.sync_bench import figure
from headoffice.ledger.judging import judged_instalments
from headoffice.store import db
from headoffice.store.tables import arrangements, instalments, payments

DAY = date(2026, 11, 23)
ACCOUNTS = 40_000


def fill(engine: sa.Engine) -> None:
    """40,000 accounts: a promise on each, a three-part plan on every second (100,000
    instalments in all), and five payments per account (200,000)."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    heads, parts, paid = [], [], []
    for n in range(ACCOUNTS):
        account = f"A-{n:06d}"
        made = DAY - timedelta(days=60 + n % 30)
        heads.append(_head(f"p{n}", account, "promise", made, 50_000, now))
        parts.append(_part(f"p{n}", 1, account, made, made + timedelta(days=7), 50_000))
        if n % 2 == 0:
            later = made + timedelta(days=10)
            heads.append(_head(f"q{n}", account, "plan", later, 90_000, now))
            for k in range(3):
                due = later + timedelta(days=14 * (k + 1))
                parts.append(_part(f"q{n}", k + 1, account, later, due, 30_000))
        for k in range(5):
            paid.append(
                {
                    "id": f"import:{n}:{k}",
                    "account_id": account,
                    "amount_minor": 10_000 + (n * 7 + k) % 20_000,
                    "currency": "DKK",
                    "paid_on": made + timedelta(days=3 + 9 * k),
                    "source": "import",
                    "reference": f"{n}:{k}",
                    "received_at": now,
                }
            )
    with engine.begin() as conn:
        for table, rows in ((arrangements, heads), (instalments, parts), (payments, paid)):
            for start in range(0, len(rows), 10_000):
                conn.execute(table.insert(), rows[start : start + 10_000])


def _head(id_: str, account: str, kind: str, made: date, total: int, now: datetime) -> dict:
    return {
        "id": id_,
        "account_id": account,
        "kind": kind,
        "collector_id": None,
        "made_on": made,
        "currency": "DKK",
        "total_minor": total,
        "every": "fortnight" if kind == "plan" else None,
        "created_at": now,
    }


def _part(id_: str, number: int, account: str, made: date, due: date, amount: int) -> dict:
    return {
        "arrangement_id": id_,
        "number": number,
        "account_id": account,
        "currency": "DKK",
        "made_on": made,
        "due": due,
        "amount_minor": amount,
        # Every second account's plan replaced its promise ten days after it was made.
        "replaced_on": made + timedelta(days=10) if _replaced(id_) else None,
    }


def _replaced(id_: str) -> bool:
    return id_.startswith("p") and int(id_[1:]) % 2 == 0


def judge_on(kind: str, url: str) -> list[dict]:
    engine = db.connect(url)
    try:
        fill(engine)
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.execute(sa.text("ANALYZE"))
            judged_instalments(conn, DAY)  # warm the caches, as a server that has run a while
            started = time.perf_counter()
            found = judged_instalments(conn, DAY)
            took = time.perf_counter() - started
            started = time.perf_counter()
            # The bare baseline: one hand-written join and GROUP BY over the same rows.
            conn.execute(
                sa.text(
                    "SELECT i.arrangement_id, i.number, SUM(p.amount_minor) FROM instalments i "
                    "LEFT JOIN payments p ON p.account_id = i.account_id "
                    "AND p.paid_on >= i.made_on AND p.paid_on <= i.due "
                    "GROUP BY i.arrangement_id, i.number"
                )
            ).all()
            bare = time.perf_counter() - started
    finally:
        engine.dispose()
    assert len(found) == ACCOUNTS + 3 * (ACCOUNTS // 2)
    return [
        figure(f"arrangements_judge_100k_{kind}", took, "s", "<= 2 s"),
        figure(f"arrangements_judge_100k_{kind}_vs_bare_sql", took / bare, "x", "report"),
    ]


def arrangements_judge() -> list[dict]:
    """`judged_instalments()` over 100,000 instalments and 200,000 payments, both databases."""
    with tempfile.TemporaryDirectory() as folder:
        found = judge_on("sqlite", f"sqlite:///{Path(folder) / 'headoffice.db'}")
    pg = postgres_url()
    if pg is None:
        return [*found, {"name": "arrangements_judge_100k_postgresql", "skipped": "no PostgreSQL"}]
    return found + judge_on("postgresql", pg)


BENCHMARKS = {"arrangements_judge_100k": arrangements_judge}
