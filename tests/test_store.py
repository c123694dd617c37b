"""The laptop's SQLite store: durable saves, the outbox, pulled pages and removals."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store, VisitNotFound
from fieldcore.accounts import Account
from fieldcore.errors import FieldErrors
from sync.protocol import MutationResult, PullResponse, VisitWire

# Pinned: the route's days past due are counted in the borrower's zone, which
# near midnight is a day ahead of (or behind) the machine's.
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    monkeypatch.setenv("FIELDAPP_TODAY", f"{TODAY.isoformat()}T10:00")


def account(account_id: str, **extra) -> Account:
    values = {
        "account_id": account_id,
        "borrower_name": f"Borrower {account_id}",
        "address": "Østergade 5",
        "currency": "DKK",
        "outstanding_minor": 1_000_000,
        "overdue_minor": 150_000,
        "oldest_due_date": TODAY - timedelta(days=40),
        "timezone": "Europe/Copenhagen",
    }
    return Account(**(values | extra))


def visit(visit_id: str, account_id: str, sequence: int, day: date = TODAY) -> VisitWire:
    return VisitWire(
        visit_id=visit_id,
        account_id=account_id,
        visit_date=day,
        sequence=sequence,
        account=account(account_id),
    )


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path)
    store.set_settings(device_code="K7Q2M", timezone="UTC")
    store.apply_page(
        PullResponse(cursor="5", more=False, visits=[visit("v1", "A1", 2), visit("v2", "A2", 1)])
    )
    yield store
    store.close()


def test_route_is_in_sequence_order_with_stage_and_status(store):
    stops = store.route(TODAY)
    assert [s.account_id for s in stops] == ["A2", "A1"]
    assert stops[0].days_past_due == 40 and stops[0].stage == "middle"
    assert stops[0].status == "to do" and stops[0].overdue_amount == "1500.00"


def test_a_saved_outcome_is_on_disk_for_the_next_process(store, tmp_path):
    record_outcome(store, "v1", {"outcome": "not_home"})
    reopened = Store(tmp_path)
    try:
        assert [o.outcome for o in reopened.outcomes_for_account("A1")] == ["not_home"]
        assert reopened.pending_count() == 1
        assert reopened.route(TODAY)[1].status == "done"
    finally:
        reopened.close()


def test_a_refused_form_saves_nothing(store):
    with pytest.raises(FieldErrors):
        record_outcome(store, "v1", {"outcome": "paid", "amount": "5"})
    assert store.pending_count() == 0
    assert store.outcomes_for_account("A1") == []


def test_receipt_numbers_are_made_offline_and_never_repeat(store):
    first = record_outcome(store, "v1", {"outcome": "paid", "amount": "5", "method": "cash"})
    second = record_outcome(store, "v2", {"outcome": "paid", "amount": "7", "method": "cash"})
    assert (first.receipt_no, second.receipt_no) == ("K7Q2M-000001", "K7Q2M-000002")


def test_settle_drops_applied_and_keeps_refused_in_view(store):
    record_outcome(store, "v1", {"outcome": "not_home"})
    record_outcome(store, "v2", {"outcome": "refused"})
    first, second = store.pending_mutations(10)
    store.settle(
        [
            MutationResult(id=first["id"], status="applied"),
            MutationResult(id=second["id"], status="refused", message="visit unknown"),
        ]
    )
    assert store.pending_count() == 0
    assert [r["message"] for r in store.refused()] == ["visit unknown"]
    assert len(store.outcomes_for_account("A2")) == 1  # the outcome itself is never deleted


def test_removal_takes_the_borrower_only_when_no_visit_is_left(store):
    tomorrow = TODAY + timedelta(days=1)
    store.apply_page(PullResponse(cursor="6", more=False, visits=[visit("v3", "A1", 1, tomorrow)]))
    record_outcome(store, "v1", {"outcome": "not_home"})
    store.apply_page(PullResponse(cursor="7", more=False, removed_visits=["v1", "v2"]))
    assert [s.account_id for s in store.route(tomorrow)] == ["A1"]
    assert store.route(TODAY) == []
    rows = store.db.execute("SELECT account_id FROM accounts ORDER BY 1").fetchall()
    assert rows == [("A1",)]
    assert store.pending_count() == 1  # what was recorded still goes up
    assert store.cursor() == "7"


def test_visit_lookup_by_account(store):
    assert store.visit_for_account("A1") == "v1"
    with pytest.raises(VisitNotFound, match="not on this laptop's route"):
        store.visit_for_account("ZZ")
    with pytest.raises(VisitNotFound, match="has no visit on"):
        store.visit_for_account("A1", TODAY + timedelta(days=9))


def test_the_database_is_durable_and_scrubs_deleted_data(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] >= 1  # NORMAL or FULL
    assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_the_store_knows_every_account_field():
    from fieldapp.store import layout

    assert tuple(Account.model_fields) == layout.ACCOUNT_FIELDS


def test_the_route_is_drawn_without_pydantic():
    # The first screen must not wait for model building (see bench/RESULTS.md).
    import subprocess
    import sys

    code = "import sys, fieldapp.tui.app; print('pydantic' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_the_quick_schema_check_knows_every_migration():
    from fieldapp.store.layout import MIGRATIONS
    from fieldapp.store.schema import migrations

    assert tuple(m.name for m in migrations._migrations) == MIGRATIONS


def test_an_older_database_is_migrated_on_open(tmp_path):
    from tests.helpers import raw_laptop_db

    Store(tmp_path).close()
    conn = raw_laptop_db(tmp_path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_outcome_lookups'")
    conn.execute("DROP INDEX idx_outcomes_outcome_promise_date")
    conn.execute("DROP INDEX idx_history_outcome_promise_date")
    conn.commit()
    conn.close()
    reopened = Store(tmp_path)
    try:
        indexes = {r[1] for r in reopened.conn.execute("PRAGMA index_list(outcomes)")}
        assert "idx_outcomes_outcome_promise_date" in indexes
    finally:
        reopened.close()
