"""The supervisors' reads at scale: numbers and the review queue over two weeks of a big team."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.sync_bench import accounts, figure
from headoffice.oversight.numbers import breakdown
from headoffice.oversight.review import review_queue
from headoffice.store import db, tables
from headoffice.work import portfolio, roster

OUTCOMES = 140_000  # 500 collectors x 20 outcomes a day x 14 days
FIRST_DAY = date(2026, 11, 10)
TODAY = date(2026, 11, 24)
_CODES = ["not_home"] * 5 + ["promise"] * 3 + ["paid"] * 2 + ["refused", "dispute", "hardship"]


def _seed(url: str) -> None:
    engine = db.connect(url)
    portfolio.import_accounts(engine, everything := accounts(20_000))
    for n in range(50):
        roster.add_collector(engine, f"Collector {n:02d}", "da", "UTC")
    rng = random.Random(1)
    outcome_rows, payment_rows = [], []
    for i in range(OUTCOMES):
        account = everything[rng.randrange(len(everything))]
        code = rng.choice(_CODES)
        moment = datetime.combine(FIRST_DAY + timedelta(days=i % 14), datetime.min.time(), UTC)
        moment += timedelta(minutes=i % 600)
        money = code in ("promise", "paid")
        outcome_rows.append(
            {
                "id": f"o{i}",
                "visit_id": f"v{i}",
                "account_id": account.account_id,
                "collector_id": 1 + i % 50,
                "device_id": "bench",
                "outcome": code,
                "amount_minor": 10_000 if money else None,
                "currency": "DKK" if money else None,
                "promise_date": moment.date() + timedelta(days=5) if code == "promise" else None,
                "method": "cash" if code == "paid" else None,
                "note": "",
                "recorded_at": moment,
                "received_at": moment,
                "needs_review": False,
                "details": "{}",
            }
        )
        if code == "paid":
            payment_rows.append(
                {
                    "id": f"o{i}",
                    "account_id": account.account_id,
                    "amount_minor": 10_000,
                    "currency": "DKK",
                    "paid_on": moment.date(),
                    "source": "field",
                    "reference": None,
                    "received_at": moment,
                }
            )
    with engine.begin() as conn:
        for start in range(0, len(outcome_rows), 5000):
            conn.execute(tables.outcomes.insert(), outcome_rows[start : start + 5000])
        for start in range(0, len(payment_rows), 5000):
            conn.execute(tables.payments.insert(), payment_rows[start : start + 5000])
    engine.dispose()


def supervisor_reads() -> list[dict]:
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='fieldapp-sup-')) / 'headoffice.db'}"
    _seed(url)
    engine = db.connect(url)
    numbers_s, review_s = [], []
    for _ in range(3):
        start = time.perf_counter()
        breakdown(engine, FIRST_DAY, FIRST_DAY + timedelta(days=13), TODAY)
        numbers_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        review_queue(engine, TODAY)
        review_s.append(time.perf_counter() - start)
    engine.dispose()
    return [
        figure("supervisor_numbers_140k", statistics.median(numbers_s), "s", "(reported)"),
        figure("supervisor_review_140k", statistics.median(review_s), "s", "(reported)"),
    ]


BENCHMARKS = {"supervisor_reads": supervisor_reads}
