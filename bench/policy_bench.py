"""The contact decision's speed: one decision over an account's long history."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.sync_bench import figure
from content import shipped_policies
from fieldcore.contact import Attempt, Notice, decide
from fieldcore.policy import Policies, read_policies


def policy_check() -> list[dict]:
    """`decide()` with 200 earlier attempts on the account, under each shipped policy."""
    policies = Policies({p.jurisdiction: p for p in read_policies(shipped_policies())})
    zone = ZoneInfo("Europe/Copenhagen")
    now = datetime(2026, 12, 1, 12, 0, tzinfo=zone)
    attempts = [
        Attempt(
            now - timedelta(hours=5 * i + 1), "phone" if i % 2 else "visit", answered=i % 3 == 0
        )
        for i in range(200)
    ]
    notices = [Notice("visit_notice", (now - timedelta(days=20)).date())]
    runs = []
    for jurisdiction in ("default", "us", "dk", "cn"):
        rules = policies.by_jurisdiction[jurisdiction]
        for channel in ("visit", "phone"):
            decide(rules, channel, "borrower", now, zone, attempts, notices)  # warm the caches
            started = time.perf_counter()
            for _ in range(200):
                decide(rules, channel, "borrower", now, zone, attempts, notices)
            runs.append((time.perf_counter() - started) / 200)
    return [
        figure("policy_check", statistics.median(runs) * 1000, "ms", "<= 1 ms"),
        figure("policy_check_slowest", max(runs) * 1000, "ms", "<= 1 ms"),
    ]


BENCHMARKS = {"policy_check": policy_check}
