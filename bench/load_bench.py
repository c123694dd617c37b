"""Head office under load: 500 simulated collectors enroll, pull, push and pull again.

Against `headoffice serve` on 127.0.0.1, once on SQLite and once on PostgreSQL
(FIELDAPP_BENCH_PG, or a durable cluster that `.ci/postgres.sh` starts on port
55433). Bounded: 500 collectors, at most CONCURRENCY requests in flight,
every request with a timeout, and the run stops by itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.sync_bench import accounts, figure
from headoffice.store import db, tables
from headoffice.work import portfolio, roster
from tests.helpers import free_port

COLLECTORS = 500
VISITS_EACH = 100
OUTCOMES_EACH = 20
CONCURRENCY = 32
DAY = date(2026, 11, 23)
REPO = Path(__file__).resolve().parents[1]


def prepare(url: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Portfolio, collectors and routes; (enrollment token, [(visit id, account id)]) each."""
    engine = db.connect(url)
    everything = accounts(COLLECTORS * VISITS_EACH)
    portfolio.import_accounts(engine, everything)
    found = []
    for n in range(COLLECTORS):
        name = f"Collector {n:03d}"
        token = roster.add_collector(engine, name, "da", "Europe/Copenhagen")
        route = [a.account_id for a in everything[n * VISITS_EACH : (n + 1) * VISITS_EACH]]
        roster.assign(engine, name, DAY, route)
        found.append((token, []))
    engine.dispose()
    return found


def start_server(url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "headoffice", "serve", "--db", url, "--port", str(port),
         "--workers", str(workers)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start in 60 s")


class Load:
    """The simulated collectors, their latencies and what they sent."""

    def __init__(self, base: str, tokens: list[str]) -> None:
        self.base = base
        self.tokens = tokens
        self.latency: dict[str, list[float]] = {
            "enroll": [],
            "pull": [],
            "push": [],
            "pull_again": [],
        }
        self.sent: set[str] = set()
        self.failures: dict[str, int] = {}
        self.limit = asyncio.Semaphore(CONCURRENCY)

    async def call(self, client: httpx.AsyncClient, kind: str, path: str, body: dict, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in range(5):
            async with self.limit:
                start = time.perf_counter()
                try:
                    answer = await client.post(path, json=body, headers=headers)
                except httpx.TransportError as error:
                    # Retried with the same ids: the server answers a repeat the same way.
                    self._failed(type(error).__name__)
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                self.latency[kind].append(time.perf_counter() - start)
            if answer.status_code < 500:
                answer.raise_for_status()
                return answer.json()
            self._failed(f"HTTP {answer.status_code}")
        raise RuntimeError(f"{kind} failed five times")

    def _failed(self, why: str) -> None:
        self.failures[why] = self.failures.get(why, 0) + 1

    async def enroll_and_pull(self, client, token: str) -> tuple[str, str, list[tuple[str, str]]]:
        me = await self.call(client, "enroll", "/sync/enroll", {"token": token, "device_name": "b"})
        device = me["device_token"]
        page = await self.call(client, "pull", "/sync/pull", {"cursor": ""}, device)
        visits = [(v["visit_id"], v["account_id"]) for v in page["visits"]]
        assert not page["more"] and len(visits) == VISITS_EACH, "the route did not come whole"
        return device, page["cursor"], visits

    async def push(self, client, device: str, visits: list[tuple[str, str]]) -> None:
        now = datetime.now(UTC)
        mutations = []
        for n, (visit_id, account_id) in enumerate(visits[:OUTCOMES_EACH]):
            outcome_id = str(uuid.uuid4())
            self.sent.add(outcome_id)
            payload = {
                "id": outcome_id,
                "visit_id": visit_id,
                "account_id": account_id,
                "outcome": "promise" if n % 2 else "not_home",
                "recorded_at": (now + timedelta(seconds=n)).isoformat(),
            }
            if n % 2:
                payload |= {"amount_minor": 50_000, "currency": "DKK",
                            "promise_date": (DAY + timedelta(days=5)).isoformat()}  # fmt: skip
            mutations.append(
                {"id": str(uuid.uuid4()), "kind": "record_outcome", "payload": payload}
            )
        answer = await self.call(client, "push", "/sync/push", {"mutations": mutations}, device)
        refused = [r for r in answer["results"] if r["status"] != "applied"]
        assert not refused, refused[:3]

    async def run(self) -> dict[str, float]:
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        timeout = httpx.Timeout(30.0)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=timeout) as client:
            start = time.perf_counter()
            routes = await asyncio.gather(*(self.enroll_and_pull(client, t) for t in self.tokens))
            pulled = time.perf_counter()
            await asyncio.gather(*(self.push(client, d, v) for d, _c, v in routes))
            pushed = time.perf_counter()
            await asyncio.gather(
                *(
                    self.call(client, "pull_again", "/sync/pull", {"cursor": c}, d)
                    for d, c, _v in routes
                )
            )
            done = time.perf_counter()
        return {"pull_phase": pulled - start, "push_phase": pushed - pulled, "total": done - start}


def count_stored(url: str, sent: set[str]) -> tuple[int, int]:
    """(lost, duplicated) outcomes: sent but not stored, and stored more than once."""
    engine = db.connect(url, migrate=False)
    with engine.connect() as conn:
        stored = list(conn.execute(sa.select(tables.outcomes.c.id)).scalars())
        # The same visit and moment under two ids would be a duplicate the key cannot catch.
        twice = conn.execute(
            sa.select(sa.func.count()).select_from(
                sa.select(tables.outcomes.c.visit_id, tables.outcomes.c.recorded_at)
                .group_by(tables.outcomes.c.visit_id, tables.outcomes.c.recorded_at)
                .having(sa.func.count() > 1)
                .subquery()
            )
        ).scalar()
    engine.dispose()
    lost = len(sent - set(stored))
    return lost, (len(stored) - len(set(stored))) + twice


def run_against(label: str, url: str, workers: int) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix=f"fieldapp-load-{label}-"))
    setup_start = time.perf_counter()
    prepared = prepare(url)
    setup = time.perf_counter() - setup_start
    process, base = start_server(url, workers, folder / "server.log")
    try:
        load = Load(base, [token for token, _ in prepared])
        phases = asyncio.run(asyncio.wait_for(load.run(), timeout=600))
    finally:
        process.terminate()
        process.wait(timeout=30)
    lost, duplicated = count_stored(url, load.sent)
    prefix = f"server_collectors_500_{label}"
    found = []
    for kind, seconds in load.latency.items():
        ordered = sorted(seconds)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        found.append(figure(f"{prefix}_{kind}_p50", statistics.median(ordered), "s", "(reported)"))
        found.append(figure(f"{prefix}_{kind}_p99", p99, "s", "<= 2"))
    outcomes = COLLECTORS * OUTCOMES_EACH
    found += [
        figure(f"{prefix}_outcomes_per_s", outcomes / phases["push_phase"], "1/s", ">= 1000"),
        figure(f"{prefix}_lost", lost, "outcomes", "== 0"),
        figure(f"{prefix}_duplicated", duplicated, "outcomes", "== 0"),
        figure(f"{prefix}_total", phases["total"], "s", "(reported)"),
        figure(f"{prefix}_retries", sum(load.failures.values()), "requests", "(reported)"),
    ]
    print(
        json.dumps(
            {
                "note": f"{label}: {workers} worker(s), {CONCURRENCY} in flight",
                "setup_s": round(setup, 1),
                "phases_s": {k: round(v, 2) for k, v in phases.items()},
                "retried": load.failures,
            }
        ),
        file=sys.stderr,
    )
    return found


def postgres_url() -> str | None:
    """A fresh database on FIELDAPP_BENCH_PG, or on a durable cluster .ci/postgres.sh starts.

    Not the tests' cluster: that one runs with fsync off.
    """
    admin = os.environ.get("FIELDAPP_BENCH_PG")
    if not admin:
        started = subprocess.run(
            ["bash", str(REPO / ".ci" / "postgres.sh"), "55433", "/tmp/fieldapp-bench-pg"],
            capture_output=True,
            text=True,
            env={**os.environ, "FIELDAPP_PG_DURABLE": "1"},
        )
        if started.returncode != 0:
            return None
        admin = started.stdout.strip()
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


def server_collectors_500() -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-load-"))
    workers = int(os.environ.get("FIELDAPP_BENCH_WORKERS", "2"))
    # One writer at a time is SQLite's nature: one worker; PostgreSQL gets several.
    found = run_against("sqlite", f"sqlite:///{folder / 'headoffice.db'}", 1)
    pg = postgres_url()
    if pg is None:
        found.append({"name": "server_collectors_500_postgresql", "skipped": "no PostgreSQL"})
    else:
        found += run_against("postgresql", pg, workers)
    return found


BENCHMARKS = {"server_collectors_500": server_collectors_500}
