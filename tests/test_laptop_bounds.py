"""The laptop bounds what a server sends: a stuck or endless pull stops, oversize is refused."""

from __future__ import annotations

import json

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from sync.client import MAX_PULL_PAGES, MAX_RESPONSE_BYTES
from tests.conftest import sqlite_only
from tests.helpers import run
from tests.hostile import HostileHeadOffice, page

# The laptop is under test here; head office runs on SQLite (its own tests use both).
db_url = pytest.fixture(sqlite_only, name="db_url")


def laptop_facing(store_home, hostile_url: str) -> dict:
    """Point the laptop at the hostile server; what it holds now, to compare after."""
    store = Store(store_home)
    try:
        record_outcome(store, store.visit_for_account("DK-1"), {"outcome": "not_home"})
        store.set_settings(server_url=hostile_url)
    finally:
        store.close()
    return held(store_home)


def held(store_home) -> dict:
    store = Store(store_home)
    try:
        return {
            "cursor": store.cursor(),
            "visits": sorted(store.visit_ids()),
            "waiting": store.pending_count(),
        }
    finally:
        store.close()


def sync(home) -> tuple[int, str]:
    result = run("fieldapp", "--home", str(home), "sync", check=False)
    return result.returncode, result.stdout + result.stderr


def test_a_pull_whose_cursor_does_not_move_stops_with_a_sentence(store, laptop, server):
    with HostileHeadOffice(server.url, lambda cursor: (200, page(cursor, True))) as hostile:
        before = laptop_facing(laptop, hostile.url)
        code, said = sync(laptop)
        assert hostile.pulls == 1
    assert code != 0
    assert "did not move on" in said and "changes are kept" in said
    after = held(laptop)
    # The outcome went up through the real server; nothing pulled was applied.
    assert after == before | {"waiting": 0}


def test_an_endless_pull_stops_after_the_page_limit(store, laptop, server):
    def endless(cursor: str) -> tuple[int, bytes]:
        return 200, page(str(int(cursor or "0") + 1), True)

    with HostileHeadOffice(server.url, endless) as hostile:
        laptop_facing(laptop, hostile.url)
        code, said = sync(laptop)
        assert hostile.pulls == MAX_PULL_PAGES
    assert code != 0 and f"more than {MAX_PULL_PAGES} pages" in said


def test_an_oversize_answer_is_refused_before_it_is_read_whole(store, laptop, server):
    padding = b" " * (MAX_RESPONSE_BYTES + 1)
    with HostileHeadOffice(
        server.url, lambda cursor: (200, page("1", False)[:-1] + padding + b"}")
    ) as hostile:
        before = laptop_facing(laptop, hostile.url)
        code, said = sync(laptop)
    assert code != 0 and "larger than" in said
    assert held(laptop) == before | {"waiting": 0}


@pytest.mark.parametrize(
    "field, value",
    [
        ("cursor", "9" * 100),
        ("removed_visits", ["v"] * 5000),
        ("visits", [{"visit_id": "x" * 500}]),
    ],
)
def test_a_page_beyond_the_protocol_is_refused_and_nothing_applied(
    store, laptop, server, field, value
):
    body = json.loads(page("1", False)) | {field: value}
    with HostileHeadOffice(server.url, lambda _c: (200, json.dumps(body).encode())) as hostile:
        before = laptop_facing(laptop, hostile.url)
        code, said = sync(laptop)
    assert code != 0 and "cannot read" in said
    assert held(laptop) == before | {"waiting": 0}
