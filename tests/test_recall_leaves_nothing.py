"""A recalled borrower leaves every file of the laptop, the WAL included, with the app open
(another connection on the database) and after it closes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.work import roster
from tests.conftest import DAY, sqlite_only
from tests.helpers import three_borrowers, write_portfolio
from tests.sqlcipher_pages import with_the_key

db_url = pytest.fixture(sqlite_only, name="db_url")
PHONE = "+45 61 72 83 94"
GONE = ("Søren Ærø", "Østergade 5, København", PHONE, "MARKER-QX")


@pytest.fixture
def portfolio_file(tmp_path: Path) -> Path:
    # DK-1's own phone: the others share the default one, and stay on the laptop.
    return write_portfolio(
        tmp_path / "portfolio.csv", three_borrowers(**{"DK-1": {"phone": PHONE}})
    )


def found_in(home: Path) -> dict[str, list[str]]:
    """Which of the recalled borrower's strings each file under `home` still holds, read with
    the data key: secure delete and the checkpoint matter to whoever learns the PIN."""
    found = {}
    for name, data in with_the_key(home).items():
        hits = [text for text in GONE if text.encode() in data]
        if hits:
            found[name] = hits
    return found


def test_a_recalled_borrower_leaves_the_database_its_wal_and_the_drafts(laptop, engine):
    sync_once(laptop)
    app = Store(laptop)  # the app, open beside the sync worker's own connection
    visit = app.visit_for_account("DK-1")
    for n in range(22):  # a draft kept at every keystroke, as the form does
        app.save_draft(visit, {"outcome": "refused", "note": f"MARKER-QX {n} said no"})
    assert set(found_in(laptop)) >= {"fieldapp.db-wal"}  # the test sees what it looks for
    roster.recall(engine, DAY, ["DK-1"])
    report = sync_once(laptop)
    assert report.visits_removed == 1
    assert found_in(laptop) == {}
    assert app.route(DAY) and all(stop.account_id != "DK-1" for stop in app.route(DAY))
    app.close()
    assert found_in(laptop) == {}


def test_a_laptop_killed_before_the_checkpoint_forgets_at_its_next_start(laptop, engine):
    sync_once(laptop)
    app = Store(laptop)
    app.save_draft(app.visit_for_account("DK-1"), {"outcome": "refused", "note": "MARKER-QX"})
    app.close()
    roster.recall(engine, DAY, ["DK-1"])
    # A sync that applies the recall and is killed (-9) before its checkpoint and before
    # its connection closes (a last close would checkpoint by itself).
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_SYNC, str(laptop)], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert found_in(laptop)  # the departed borrower is still in the file and the WAL
    restarted = Store(laptop)  # the next start, and the app stays open
    assert found_in(laptop) == {}
    restarted.close()


KILLED_AFTER_SYNC = """
import os, signal, sys
from pathlib import Path
from fieldapp.store import Store
from fieldapp.syncing import sync_once
Store.checkpoint = lambda self: None
# Kept, not closed: a connection collected as garbage closes, and the last close checkpoints.
kept = []
Store.close = lambda self: kept.append(self)
assert sync_once(Path(sys.argv[1])).visits_removed == 1
os.kill(os.getpid(), signal.SIGKILL)
"""
