"""kill -9 of the laptop or the server mid-sync, and a hostile network in between."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.store import Store, cipher
from fieldapp.syncing import enroll_laptop, sync_once
from fieldcore.accounts import Account
from headoffice.oversight.exports import outcome_rows
from headoffice.store import tables
from headoffice.work import portfolio, roster
from sync.client import SyncError
from tests.helpers import raw_laptop_db


def big_route(engine, server, tmp_path: Path, today, size: int) -> Path:
    accounts = [
        Account(
            account_id=f"K-{i:05d}",
            borrower_name=f"Borrower {i}",
            address=f"Vej {i}",
            currency="DKK",
            outstanding_minor=1_000_000,
            overdue_minor=100_000,
            oldest_due_date=today - timedelta(days=40),
        )
        for i in range(size)
    ]
    portfolio.import_accounts(engine, accounts)
    token = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", today, [a.account_id for a in accounts])
    home = tmp_path / "laptop"
    enroll_laptop(home, server.url, token, "test")
    return home


def server_outcomes(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tables.outcomes)).scalar_one()


def start_sync(home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fieldapp", "sync"],
        env={**os.environ, "FIELDAPP_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def record_all(home: Path, today) -> set[str]:
    store = Store(home)
    try:
        return {
            record_outcome(store, stop.visit_id, {"outcome": "not_home"}).id
            for stop in store.route(today)
        }
    finally:
        store.close()


def assert_each_once(engine, expected: set[str]) -> None:
    ids = [o["id"] for o in outcome_rows(engine)]
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected


def test_laptop_killed_mid_push_then_sync_finishes_exactly_once(engine, server, tmp_path, today):
    home = big_route(engine, server, tmp_path, today, 1500)
    sync_once(home)
    expected = record_all(home, today)
    client = start_sync(home)
    # Kill it once head office has the first batch and before it has the last.
    wait_until(lambda: server_outcomes(engine) > 0 or client.poll() is not None)
    client.send_signal(signal.SIGKILL)
    client.wait()
    landed = server_outcomes(engine)
    assert 0 < landed < 1500, f"the kill missed the push ({landed} landed)"
    sync_once(home)
    assert_each_once(engine, expected)
    store = Store(home)
    assert store.pending_count() == 0
    store.close()


def test_server_killed_mid_push_then_restarted(engine, server, tmp_path, today):
    home = big_route(engine, server, tmp_path, today, 1500)
    sync_once(home)
    expected = record_all(home, today)
    client = start_sync(home)
    wait_until(lambda: server_outcomes(engine) > 0 or client.poll() is not None)
    server.kill()
    assert client.wait(timeout=30) != 0  # the laptop noticed and gave up for now
    assert 0 < server_outcomes(engine) < 1500
    server.start()
    sync_once(home)
    assert_each_once(engine, expected)


def test_laptop_killed_mid_pull_resumes_where_it_stopped(engine, server, tmp_path, today):
    home = big_route(engine, server, tmp_path, today, 3000)

    def cursor() -> str:
        conn = raw_laptop_db(home)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'cursor'").fetchone()
            return row[0] if row else ""
        except cipher.OperationalError:
            return ""
        finally:
            conn.close()

    client = start_sync(home)
    wait_until(lambda: cursor() != "" or client.poll() is not None)
    client.send_signal(signal.SIGKILL)
    client.wait()
    store = Store(home)
    try:
        already = len(store.visit_ids())
        assert 0 < already < 3000, f"the kill missed the pull ({already} visits)"
        report = sync_once(home)
        assert report.visits_received == 3000 - already  # resumed, not started again
        assert len(store.visit_ids()) == 3000
    finally:
        store.close()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 that spoils connections in a fixed rotation of faults.

    Each new connection gets the next fault: the request cut before it reaches
    the server, the response cut after the server committed, the response
    truncated halfway, the response delayed, or nothing at all. Bounded: it
    serves at most `limit` connections, then refuses; `close()` stops it.
    """

    FAULTS = ("cut_request", "cut_response", "truncate", "delay", "pass")

    def __init__(self, upstream_port: int, limit: int = 200) -> None:
        self.upstream_port = upstream_port
        self.limit = limit
        self.served = 0
        self.faults_done: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.served >= self.limit:
            writer.close()
            return
        fault = self.FAULTS[self.served % len(self.FAULTS)]
        self.served += 1
        self.faults_done.append(fault)
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            first = await reader.read(65536)
            if fault == "cut_request" or not first:
                return
            up_writer.write(first)
            await up_writer.drain()
            upward = asyncio.ensure_future(self._pipe(reader, up_writer))
            try:
                await self._answer(fault, up_reader, writer)
            finally:
                upward.cancel()
        finally:
            writer.close()
            up_writer.close()

    async def _answer(self, fault: str, up_reader, writer) -> None:
        while chunk := await asyncio.wait_for(up_reader.read(65536), timeout=30):
            if fault == "cut_response":
                return  # the server has answered: it committed; the laptop never hears
            if fault == "truncate":
                writer.write(chunk[: max(1, len(chunk) // 2)])
                await writer.drain()
                return
            if fault == "delay":
                await asyncio.sleep(0.2)
            writer.write(chunk)
            await writer.drain()

    @staticmethod
    async def _pipe(source, sink) -> None:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()

    def close(self) -> None:
        async def shutdown() -> None:
            self.server.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def proxy(server):
    proxy = FaultProxy(server.port)
    yield proxy
    proxy.close()


def test_sync_through_a_hostile_network_arrives_exactly_once(
    engine, server, proxy, tmp_path, today
):
    home = big_route(engine, server, tmp_path, today, 40)
    sync_once(home)
    expected = record_all(home, today)
    store = Store(home)
    store.set_settings(server_url=f"http://127.0.0.1:{proxy.port}")
    store.close()
    failures = 0
    for _attempt in range(25):
        try:
            sync_once(home)
            break
        except SyncError:
            failures += 1
    else:
        raise AssertionError("sync never got through the proxy")
    assert failures >= 1
    assert {"cut_request", "cut_response", "truncate"} <= set(proxy.faults_done)
    assert_each_once(engine, expected)


def test_server_killed_mid_pull_then_restarted(engine, server, tmp_path, today):
    home = big_route(engine, server, tmp_path, today, 3000)
    client = start_sync(home)

    def has_visits() -> bool:
        try:
            conn = raw_laptop_db(home)
            try:
                return conn.execute("SELECT count(*) FROM visits").fetchone()[0] > 0
            finally:
                conn.close()
        except cipher.OperationalError:
            return False

    wait_until(lambda: has_visits() or client.poll() is not None)
    server.kill()
    assert client.wait(timeout=30) != 0, "the kill missed the pull"
    server.start()
    sync_once(home)
    store = Store(home)
    try:
        assert len(store.visit_ids()) == 3000
        assert len(store.route(today)) == 3000
    finally:
        store.close()
