"""The review queue over the real server: disputes, hardship, late outcomes, conflicts, legal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.syncing import sync_once
from headoffice.api.resolving import resolve
from headoffice.oversight.review import review_queue
from headoffice.store.tables import holds, outcomes
from headoffice.work import roster
from headoffice.work.arrangements import record_promise
from headoffice.work.referrals import every_referral
from tests.conftest import DAY
from tests.helpers import csv_text, three_borrowers


def test_review_queue_collects_and_resolves_with_notes(boss, engine, store, laptop, today):
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "dispute", "dispute_reason": "paid in full in March", "note": ""},
    )
    record_outcome(
        store,
        store.visit_for_account("EN-1"),
        {"outcome": "hardship", "instalment": "20.00", "term_months": "6", "note": "lost job"},
    )
    record_outcome(store, store.visit_for_account("CN-1"), {"outcome": "not_home"})
    roster.recall(engine, today, ["CN-1"])
    sync_once(laptop)
    items = boss.get("/supervisor/review").json()
    kinds = {(i["kind"], i["account_id"]) for i in items}
    assert kinds == {("dispute", "DK-1"), ("hardship", "EN-1"), ("late", "CN-1")}
    dispute = next(i for i in items if i["kind"] == "dispute")
    assert dispute["summary"] == "paid in full in March" and dispute["collector"] == "Mette"
    hardship = next(i for i in items if i["kind"] == "hardship")
    assert "6 months" in hardship["summary"] and "lost job" in hardship["summary"]

    path = f"/supervisor/review/dispute/{dispute['ref']}"
    assert boss.post(path, json={"note": " "}).status_code == 422
    done = boss.post(path, json={"note": "statement sent; hold 30 days"})
    assert done.status_code == 200
    assert done.json()["resolution"]["note"] == "statement sent; hold 30 days"
    assert done.json()["resolution"]["resolved_by"] == "Anna"
    twice = boss.post(path, json={"note": "again"})
    assert twice.status_code == 409 and "already resolved by Anna" in twice.json()["detail"]
    assert boss.post("/supervisor/review/dispute/nope", json={"note": "x"}).status_code == 404
    assert boss.post("/supervisor/review/gossip/x", json={"note": "x"}).status_code == 422

    open_kinds = {i["kind"] for i in boss.get("/supervisor/review").json()}
    assert open_kinds == {"hardship", "late"}
    everything = boss.get("/supervisor/review", params={"all": "true"}).json()
    kept = next(i for i in everything if i["kind"] == "dispute")
    assert kept["resolution"]["note"] == "statement sent; hold 30 days"


def test_a_conflicting_correction_is_queued(boss, engine, store, laptop, today):
    store.record_correction("DK-1", "phone", "+45 11 11 11 11")
    rows = three_borrowers(**{"DK-1": {"phone": "+45 22 22 22 22"}})
    boss.post("/supervisor/portfolio", content=csv_text(rows))
    sync_once(laptop)
    [item] = boss.get("/supervisor/review").json()
    assert item["kind"] == "conflict" and item["account_id"] == "DK-1"
    assert "+45 11 11 11 11" in item["summary"] and "+45 22 22 22 22" in item["summary"]


def insert_promise(engine, account_id: str, made: date, due: date, amount: int, currency: str):
    """A promise as if it had come from the field on `made`: its outcome and its arrangement."""
    with engine.begin() as conn:
        collector_id = conn.execute(sa.text("SELECT min(collector_id) FROM collectors")).scalar()
        row = dict(
            id=f"promise-{account_id}-{made}",
            visit_id="v",
            account_id=account_id,
            collector_id=collector_id,
            device_id="d",
            outcome="promise",
            amount_minor=amount,
            currency=currency,
            promise_date=due,
            note="",
            recorded_at=datetime.combine(made, datetime.min.time(), UTC) + timedelta(hours=10),
            received_at=datetime.now(UTC),
            needs_review=False,
        )
        conn.execute(outcomes.insert().values(**row))
        record_promise(conn, row | {"details": None}, row["received_at"])


def test_legal_referral_candidates_are_late_accounts_with_promises_not_kept_in_full(
    boss, engine, laptop
):
    # Ten days ago, due three days ago; CN-1 paid before its date (a payment file
    # never holds a day after head office's today), EN-1 a fifth of it: partly kept.
    made = DAY - timedelta(days=10)
    later = made + timedelta(days=70)  # every account is then 105 days past due
    insert_promise(engine, "DK-1", made, made + timedelta(days=7), 50000, "DKK")
    insert_promise(engine, "CN-1", made, made + timedelta(days=7), 50000, "CNY")
    insert_promise(engine, "EN-1", made, made + timedelta(days=7), 50000, "GBP")
    pay = "account_id,amount,currency,paid_on,reference\n"
    pay += f"CN-1,500.00,CNY,{made + timedelta(days=3)},BANK-1\n"
    pay += f"EN-1,100.00,GBP,{made + timedelta(days=3)},BANK-2\n"
    assert boss.post("/supervisor/payments", content=pay).json() == {"new": 2, "already_known": 0}
    # Not kept in full by its date: nothing paid (DK-1) or a part of it (EN-1); CN-1 kept.
    legal = [i for i in review_queue(engine, later) if i.kind == "legal"]
    assert sorted(i.account_id for i in legal) == ["DK-1", "EN-1"]
    assert all("105 days past due" in i.summary for i in legal)
    assert "1 promise(s) or instalment(s) not kept in full" in legal[0].summary
    assert not [i for i in review_queue(engine, made) if i.kind == "legal"]


def test_outcome_details_stay_json_for_review(engine, store, laptop):
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "dispute", "dispute_reason": "not my loan", "note": ""},
    )
    sync_once(laptop)
    with engine.connect() as conn:
        details = conn.execute(sa.select(outcomes.c.details)).scalar_one()
    assert json.loads(details)["dispute_reason"] == "not my loan"


def test_accepting_a_legal_referral_sends_the_account_to_court_with_its_pack(
    boss, engine, laptop, monkeypatch
):
    made = DAY - timedelta(days=10)
    insert_promise(engine, "DK-1", made, made + timedelta(days=7), 50000, "DKK")
    insert_promise(engine, "EN-1", made, made + timedelta(days=7), 50000, "GBP")
    later = made + timedelta(days=70)
    legal = {i.account_id: i for i in review_queue(engine, later) if i.kind == "legal"}
    item = legal["DK-1"]
    monkeypatch.setenv("HEADOFFICE_TODAY", later.isoformat())
    resolved = resolve(
        engine, later, "legal", item.ref, "promise broken, no answer", "Anna", "accepted"
    )
    assert resolved.decision == "accepted"
    [referral] = every_referral(engine)
    assert (referral.account_id, referral.state) == ("DK-1", "referred")
    assert referral.events >= 1
    with engine.connect() as conn:
        held = conn.execute(
            sa.select(holds.c.reason).where(holds.c.account_id == "DK-1")
        ).scalars()  # fmt: skip
        assert list(held) == ["referred"]
    # Turned down, nothing is referred.
    resolve(engine, later, "legal", legal["EN-1"].ref, "paying again", "Anna", "rejected")
    assert len(every_referral(engine)) == 1
