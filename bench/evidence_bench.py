"""The evidence pack of an account with 10,000 events: made in under 2 s, in memory that
does not grow with the account's history."""

from __future__ import annotations

import gc
import json
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.sync_bench import accounts, figure
from headoffice.evidence.pack import make_pack
from headoffice.evidence.trail import record_rows
from headoffice.store import db
from headoffice.store.tables import collectors, outcomes, payments
from headoffice.work import portfolio

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def office_with_history(events: int) -> sa.Engine:
    """A head office whose account A-000000 has `events` outcomes and payments (four
    visits to each payment), each stored with its audit entry, as a push would."""
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-evidence-"))
    engine = db.connect(f"sqlite:///{folder / 'headoffice.db'}")
    portfolio.import_accounts(engine, accounts(1))
    with engine.begin() as conn:
        conn.execute(
            collectors.insert().values(
                collector_id=1, name="Bench", language="da", timezone="Europe/Copenhagen",
                created_at=START,
            )
        )  # fmt: skip
        visits, paid = [], []
        for n in range(events):
            moment = START + timedelta(hours=5 * n)
            if n % 5 == 4:
                paid.append(_payment(n, moment.date()))
                continue
            visits.append(_outcome(n, moment))
        for table, rows in ((outcomes, visits), (payments, paid)):
            for start in range(0, len(rows), 2000):
                batch = rows[start : start + 2000]
                conn.execute(table.insert(), batch)
                record_rows(conn, table.name, [r["id"] for r in batch], stored=batch)
    return engine


def _outcome(n: int, moment: datetime) -> dict:
    promise = n % 3 == 0
    return {
        "id": f"OUT-{n:06d}",
        "visit_id": f"V-{n:06d}",
        "account_id": "A-000000",
        "collector_id": 1,
        "device_id": "bench",
        "outcome": "promise" if promise else "not_home",
        "amount_minor": 50_000 + n if promise else None,
        "currency": "DKK" if promise else None,
        "promise_date": (moment + timedelta(days=7)).date() if promise else None,
        "method": None,
        "note": f"besøg nummer {n}; 借款人不在家" if n % 7 == 0 else "",
        "receipt_no": None,
        "recorded_at": moment,
        "received_at": moment + timedelta(hours=8),
        "needs_review": False,
        "details": json.dumps({"channel": "visit", "script_id": "early", "script_version": 3}),
    }


def _payment(n: int, day: date) -> dict:
    return {
        "id": f"PAY-{n:06d}",
        "account_id": "A-000000",
        "amount_minor": 25_000 + n,
        "currency": "DKK",
        "paid_on": day,
        "source": "import",
        "reference": f"BANK-{n}",
        "received_at": datetime.combine(day, datetime.min.time(), UTC),
    }


def _make(engine: sa.Engine) -> tuple[float, int]:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        made = make_pack(engine, "A-000000", out)
        return time.perf_counter() - start, made.events


def _peak_mib(engine: sa.Engine) -> float:
    tracemalloc.start()
    try:
        _make(engine)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def evidence_pack_10k() -> list[dict]:
    big, small = office_with_history(10_000), office_with_history(1_000)
    # What the process holds by now frozen out of the garbage collector's full passes, as
    # `headoffice serve` and `headoffice evidence` freeze theirs before they make a pack.
    gc.collect()
    gc.freeze()
    # Cold: the first pack of the process, the font read and the queries compiled with it
    # (as `headoffice evidence` makes one); then warm, as a running server makes the next.
    seconds, events = _make(big)
    assert events == 10_000, events
    warm = sorted(_make(big)[0] for _ in range(3))[1]
    peak_big, peak_small = _peak_mib(big), _peak_mib(small)
    return [
        figure("evidence_pack_10k", seconds, "s", "<= 2"),
        figure("evidence_pack_10k_warm", warm, "s", "(reported)"),
        figure("evidence_pack_10k_peak_memory", peak_big, "MiB", "(reported)"),
        # Constant memory: ten times the history, about the same peak.
        figure("evidence_pack_memory_10k_over_1k", peak_big / peak_small, "x", "<= 1.5"),
    ]


BENCHMARKS = {"evidence_pack_10k": evidence_pack_10k}
