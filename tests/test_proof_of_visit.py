"""Proof of the visit end to end: the laptop reads a real gpsd as it saves, head office sends
an outcome recorded 3 km from the address to review and leaves the one at the door alone."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.location import read_fix
from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldcore.location import EARTH_RADIUS_M
from headoffice.store.tables import outcomes
from tests.conftest import sqlite_only
from tests.gps import gpsfake, nmea_log, wait_ready
from tests.helpers import HEADER, free_port, three_borrowers, write_portfolio

# Plain reads and writes: SQLite alone keeps the suite inside its minutes.
db_url = pytest.fixture(sqlite_only, name="db_url")


DOOR = (55.6761, 12.5683)
# 3 km north of the door, along the meridian.
FAR = (DOOR[0] + math.degrees(3000 / EARTH_RADIUS_M), DOOR[1])
# The laptop's pinned clock (tests/conftest.py): 10:00 in Copenhagen, so the logs are fresh.
LOGGED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def portfolio_file(tmp_path: Path) -> Path:
    where = {"lat": str(DOOR[0]), "lon": str(DOOR[1])}
    rows = three_borrowers(**{"DK-1": where, "CN-1": where})
    return write_portfolio(tmp_path / "portfolio.csv", rows, [*HEADER, "lat", "lon"])


@pytest.fixture(scope="module")
def receivers(tmp_path_factory):
    """Two gpsd daemons of our own: one at the borrower's door, one 3 km away."""
    tmp_path = tmp_path_factory.mktemp("gpsd")
    daemons = {
        name: gpsfake(name, nmea_log(*spot, fixed=True, at=LOGGED), tmp_path, free_port())
        for name, spot in (("door", DOOR), ("far", FAR))
    }
    try:
        for daemon in daemons.values():
            wait_ready(daemon, time.monotonic() + 90)  # seconds quiet, more when loaded
        yield {name: daemon.address for name, daemon in daemons.items()}
    finally:
        for daemon in daemons.values():
            daemon.stop()


def test_a_visit_far_from_the_address_reaches_the_review_queue(laptop, engine, receivers, boss):
    sync_once(laptop)
    store = Store(laptop)
    try:
        for account, receiver in (("DK-1", "door"), ("CN-1", "far"), ("EN-1", None)):
            address = receivers.get(receiver, "127.0.0.1:1")  # EN-1: no receiver at all
            record_outcome(
                store,
                store.visit_for_account(account),
                {"outcome": "not_home"},
                locate=lambda now, address=address: read_fix(address, timeout=3, now=now),
            )
        kept = {
            row[0]: json.loads(row[1])["location"]["status"]
            for row in store.db.execute("SELECT account_id, details FROM outcomes")
        }
        assert kept == {"DK-1": "fix", "CN-1": "fix", "EN-1": "no_receiver"}
    finally:
        store.close()
    assert sync_once(laptop).refused == 0
    with engine.connect() as conn:
        found = {
            row.account_id: (row.fix_status, row.distance_m, row.far_from_address)
            for row in conn.execute(sa.select(outcomes))
        }
    assert found["DK-1"][:1] == ("fix",) and found["DK-1"][1] < 50 and not found["DK-1"][2]
    assert found["CN-1"][0] == "fix" and 2950 < found["CN-1"][1] < 3050 and found["CN-1"][2]
    # No receiver, and no coordinates for EN-1: nothing to compare, nothing to review.
    assert found["EN-1"] == ("no_receiver", None, False)
    queue = [i for i in boss.get("/supervisor/review").json() if i["kind"] == "location"]
    assert [(i["account_id"], i["facts"]["distance_m"]) for i in queue] == [
        ("CN-1", found["CN-1"][1])
    ]
    assert "3.0 km from the address" in queue[0]["summary"]
