"""The laptop's own audit chain: each record's entry made with it, `fieldapp audit verify` names
an edit made in the database, a record added by hand, a missing entry; older laptops get
entries for what they recorded before the chain."""

from __future__ import annotations

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from tests.conftest import sqlite_only
from tests.helpers import cli, raw_laptop_db

db_url = pytest.fixture(sqlite_only, name="db_url")


def verify(home):
    return cli("fieldapp", "--home", str(home), "audit", "verify", check=False)


def a_morning(laptop) -> str:
    """A cash payment, a promise, a correction and a deposit; the payment's outcome id."""
    sync_once(laptop)
    store = Store(laptop)
    paid = record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "paid", "amount": "150.00", "method": "cash"},
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "promise", "amount": "300", "promise_date": "2026-11-27"},
        locate=lambda now: None,
    )
    store.record_correction("EN-1", "phone", "+44 20 7946 0000")
    store.record_deposit({"amount": "150.00", "currency": "DKK", "slip": "NB-1"})
    store.close()
    return paid.id


def test_a_morning_verifies_and_an_amount_edited_in_the_database_is_named(laptop):
    paid = a_morning(laptop)
    done = verify(laptop)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "audit trail intact: 4 entries"
    assert sync_once(laptop).pushed == 4  # sending changes nothing the chain recorded
    assert verify(laptop).returncode == 0
    conn = raw_laptop_db(laptop)
    conn.execute("UPDATE outcomes SET amount_minor = 1500 WHERE id = ?", [paid])
    conn.commit()
    conn.close()
    broken = verify(laptop)
    assert broken.returncode == 1
    assert f"audit trail broken: outcomes {paid}: amount_minor differs from what audit " in (
        broken.stderr
    )


def test_a_record_added_by_hand_or_an_entry_removed_is_named(laptop):
    a_morning(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("DELETE FROM audit_log WHERE seq = 2")
    conn.commit()
    assert "audit entry 3: comes where entry 2 should" in verify(laptop).stderr
    conn.execute("DELETE FROM audit_log")
    conn.commit()
    conn.close()
    assert "has no audit entry: it was not recorded here" in verify(laptop).stderr


def test_what_an_older_laptop_recorded_gets_its_entries_at_the_update(laptop):
    a_morning(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("DROP TABLE audit_log")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_audit_log'")
    conn.commit()
    conn.close()
    Store(laptop).close()  # the update's first opening
    done = verify(laptop)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "audit trail intact: 4 entries"
