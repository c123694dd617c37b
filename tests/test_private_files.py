"""Nothing of a borrower is readable by another account on the laptop: the data folder is
0700 and every file in it 0600, the database's WAL and shared memory included."""

from __future__ import annotations

import stat

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from tests.conftest import sqlite_only

db_url = pytest.fixture(sqlite_only, name="db_url")


def modes(home) -> dict[str, int]:
    found = {".": stat.S_IMODE(home.stat().st_mode)}
    for path in home.rglob("*"):
        found[str(path.relative_to(home))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_a_working_laptops_folder_and_files_are_its_users_only(laptop, tmp_path):
    sync_once(laptop)
    store = Store(laptop)  # open: its WAL and shared memory exist now
    visit = store.visit_for_account("DK-1")
    store.save_draft(visit, {"outcome": "paid", "amount": "5"})
    record_outcome(store, visit, {"outcome": "not_home"}, locate=lambda now: None)
    found = modes(laptop)
    assert {"fieldapp.db", "fieldapp.db-wal", "fieldapp.db-shm"} <= set(found)
    assert found.pop(".") == 0o700
    assert all(mode == 0o600 for mode in found.values()), found
    store.close()


def test_a_folder_and_database_left_open_by_an_older_version_are_closed_at_opening(tmp_path):
    home = tmp_path / "old"
    Store(home).close()
    home.chmod(0o755)
    (home / "fieldapp.db").chmod(0o644)
    Store(home).close()
    assert modes(home) == {".": 0o700, "fieldapp.db": 0o600, "fieldapp.key": 0o600}
