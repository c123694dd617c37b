"""Sync guarantees over the real server: removals leave no trace, resets, drift, corrections."""

import json
from pathlib import Path

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.oversight.exports import correction_rows, outcome_rows
from headoffice.work import portfolio, roster
from sync.client import SyncRejected
from tests.helpers import three_borrowers, write_portfolio
from tests.sqlcipher_pages import with_the_key


def file_bytes(home: Path) -> bytes:
    """Everything SQLite keeps on disk for this laptop (the database, its WAL, its journal),
    decrypted with the data key too."""
    read = with_the_key(home)
    return b"".join(data for name, data in read.items() if name.startswith("fieldapp.db"))


def test_a_recalled_borrower_leaves_no_trace_on_disk(laptop, store, engine, today):
    visit = store.visit_for_account("DK-1")
    record_outcome(store, visit, {"outcome": "refused", "note": "asked us to write instead"})
    store.record_correction("DK-1", "phone", "+45 99 88 77 66")
    assert "Søren Ærø".encode() in file_bytes(laptop)
    roster.recall(engine, today, ["DK-1"])
    sync_once(laptop)
    assert [s.account_id for s in store.route(today)] == ["CN-1", "EN-1"]
    on_disk = file_bytes(laptop)
    for secret in ("Søren Ærø", "Østergade 5", "asked us to write instead", "+45 99 88 77 66"):
        assert secret.encode() not in on_disk, secret
    # ...and what was recorded reached head office first.
    assert [o["account_id"] for o in outcome_rows(engine)] == ["DK-1"]


def test_a_pending_outcome_of_a_recalled_borrower_is_kept_until_sent(laptop, store, engine, today):
    record_outcome(store, store.visit_for_account("CN-1"), {"outcome": "not_home"})
    roster.recall(engine, today, ["CN-1"])
    sync_once(laptop)
    late = [o for o in outcome_rows(engine) if o["account_id"] == "CN-1"]
    assert len(late) == 1 and late[0]["needs_review"] is True
    assert store.pending_count() == 0


def test_cursor_reset_downloads_the_scope_again_and_keeps_the_outbox(laptop, store, today):
    record_outcome(store, store.visit_for_account("EN-1"), {"outcome": "not_home"})
    store.set_settings(cursor="999999")  # as if head office were restored from a backup
    store.db.execute("DELETE FROM outbox")  # the push half is tested elsewhere
    report = sync_once(laptop)
    assert report.rebuilt
    assert [s.account_id for s in store.route(today)] == ["DK-1", "CN-1", "EN-1"]
    assert len(store.outcomes_for_account("EN-1")) == 1


def test_drift_is_noticed_and_repaired(laptop, store, today):
    store.db.execute("DELETE FROM visits WHERE account_id = 'CN-1'")
    store.db.execute(
        "INSERT INTO visits (visit_id, account_id, visit_date, sequence) "
        "VALUES ('ghost', 'EN-1', ?, 9)",
        [today.isoformat()],
    )
    report = sync_once(laptop)
    assert report.rebuilt
    assert [s.account_id for s in store.route(today)] == ["DK-1", "CN-1", "EN-1"]


def test_a_sync_with_nothing_new_is_one_small_round_trip(laptop, store):
    report = sync_once(laptop)
    assert (report.pushed, report.pages, report.visits_received, report.rebuilt) == (0, 1, 0, False)


def test_corrections_never_overwrite_and_conflicts_keep_both_values(
    laptop, store, engine, tmp_path
):
    store.record_correction("DK-1", "phone", "+45 11 22 33 44")
    store.record_correction("EN-1", "address", "2 New Road, Leeds")
    # Meanwhile core banking changes EN-1's address.
    newer = write_portfolio(
        tmp_path / "newer.csv", three_borrowers(**{"EN-1": {"address": "9 Other Street, York"}})
    )
    portfolio.import_accounts(engine, portfolio.read_portfolio(newer))
    report = sync_once(laptop)
    assert (report.pushed, report.flagged) == (2, 1)
    rows = {r["account_id"]: r for r in correction_rows(engine)}
    assert rows["DK-1"]["conflict"] is False and rows["DK-1"]["value"] == "+45 11 22 33 44"
    assert rows["EN-1"] | {"id": None, "recorded_at": None, "received_at": None} == {
        "id": None,
        "recorded_at": None,
        "received_at": None,
        "account_id": "EN-1",
        "collector": "Mette",
        "field": "address",
        "value": "2 New Road, Leeds",
        "base_value": "EN-1 Example Street",
        "server_value": "9 Other Street, York",
        "conflict": True,
    }
    # Head office's value stands on the laptop; the collector sees the conflict.
    assert store.visit(store.visit_for_account("EN-1")).account.address == "9 Other Street, York"
    [fix] = store.corrections_for_account("EN-1")
    assert fix.conflict_with == "9 Other Street, York" and fix.synced
    [fine] = store.corrections_for_account("DK-1")
    assert fine.conflict_with is None


def test_a_revoked_laptop_keeps_its_changes(laptop, store, engine):
    record_outcome(store, store.visit_for_account("DK-1"), {"outcome": "not_home"})
    roster.revoke_devices(engine, "Mette")
    with pytest.raises(SyncRejected, match="never issued, or revoked") as caught:
        sync_once(laptop)
    assert caught.value.status == 401
    assert store.pending_count() == 1


def test_an_unsendable_change_is_set_aside_and_the_rest_go(laptop, store, engine):
    record_outcome(store, store.visit_for_account("DK-1"), {"outcome": "not_home"})
    store.db.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.outcome', 'teleported') "
        "WHERE seq = (SELECT min(seq) FROM outbox)"
    )
    record_outcome(store, store.visit_for_account("CN-1"), {"outcome": "not_home"})
    report = sync_once(laptop)
    assert (report.pushed, report.refused) == (2, 1)
    assert "unsendable" in store.refused()[0]["message"]
    assert [o["account_id"] for o in outcome_rows(engine)] == ["CN-1"]
    assert json.loads(store.refused()[0]["payload"])["outcome"] == "teleported"


def test_a_laptop_too_old_for_the_server_is_told_and_keeps_its_changes(
    tmp_path, engine, portfolio_file, today, monkeypatch
):
    from fieldapp.syncing import enroll_laptop
    from headoffice.api.embedded import EmbeddedServer
    from sync import server as sync_server

    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    token = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", today, ["DK-1"])
    home = tmp_path / "old-laptop"
    with EmbeddedServer(engine) as running:
        enroll_laptop(home, running.url, token, "old")
        sync_once(home)
        store = Store(home)
        record_outcome(store, store.visit_for_account("DK-1"), {"outcome": "not_home"})
        # The server moves on to a protocol this laptop does not speak.
        monkeypatch.setattr(sync_server, "OLDEST_PROTOCOL", sync_server.PROTOCOL_VERSION + 1)
        with pytest.raises(SyncRejected, match="update fieldapp") as caught:
            sync_once(home)
        assert caught.value.status == 426
        assert store.pending_count() == 1
        store.close()
    assert list(outcome_rows(engine)) == []
