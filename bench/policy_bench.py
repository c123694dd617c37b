"""The contact decision's speed: one decision over an account's long history."""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.sync_bench import figure
from bench.tui_bench import DAY, big_laptop
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


def route_marks() -> list[dict]:
    """Marks for a day of 500 stops over 5,000 earlier outcomes: may each be visited now?"""
    from fieldapp.contacting import mark_route
    from fieldapp.store import Store

    home = big_laptop(visits=500, past_outcomes=5000)
    os.environ["FIELDAPP_TODAY"] = f"{DAY.isoformat()}T10:00"
    store = Store(home)
    # A lender's mix: a quarter each in Denmark (with visit notices), the US, China, and
    # no country; every tenth account on hold.
    with store.db.atomic():
        store.conn.execute(
            "UPDATE accounts SET country = CASE CAST(substr(account_id, 3) AS INTEGER) % 4 "
            "WHEN 0 THEN 'DK' WHEN 1 THEN 'US' WHEN 2 THEN 'CN' END"
        )
        # Earlier outcomes belong to earlier visits; a tenth of them were this week.
        store.conn.execute(
            "UPDATE outcomes SET visit_id = 'old-' || id, recorded_at = CASE "
            "WHEN CAST(substr(id, 4) AS INTEGER) % 10 = 0 THEN '2026-11-20T09:00:00+00:00' "
            "ELSE recorded_at END"
        )
        ids = [row[0] for row in store.conn.execute("SELECT account_id FROM accounts")]
        store.conn.executemany(
            "INSERT INTO notices (account_id, kind, sent_on) VALUES (?, 'visit_notice', ?)",
            [(a, "2026-11-01") for a in ids[::4]],
        )
        store.conn.executemany(
            "INSERT INTO holds (account_id, reason, since, note) VALUES (?, 'cease', ?, '')",
            [(a, "2026-11-01") for a in ids[::10]],
        )
    try:
        stops = store.route(DAY)
        mark_route(store, stops)  # warm: the holiday calendars load once per process
        runs = []
        for _ in range(20):
            started = time.perf_counter()
            marked = mark_route(store, stops)
            runs.append(time.perf_counter() - started)
        assert len(marked) == 500
        assert any(m.blocks for m in marked.values()) and not all(m.blocks for m in marked.values())
    finally:
        store.close()
        del os.environ["FIELDAPP_TODAY"]
    return [figure("route_marks_500", statistics.median(runs) * 1000, "ms", "<= 50 ms")]


BENCHMARKS = {"policy_check": policy_check, "route_marks": route_marks}
