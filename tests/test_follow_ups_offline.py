"""The laptop's side of follow-ups, on SQLite only (head office's SQL is the same on both and
tested in test_after_the_door): a dispute that stops agreements but not payments, a
callback's stop offline, plans judged again by date, and a protocol-4 laptop's pull."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.recording import record_outcome
from fieldapp.syncing import sync_once
from fieldcore.errors import FieldErrors
from headoffice.store.tables import outcomes, visits
from headoffice.work.payments import import_payments
from tests.conftest import DAY, sqlite_only
from tests.test_after_the_door import record

db_url = pytest.fixture(sqlite_only, name="db_url")


def test_a_dispute_stops_promises_and_plans_but_money_offered_is_taken(store):
    visit = store.visit_for_account("DK-1")
    record_outcome(store, visit, {"outcome": "dispute", "dispute_reason": "never borrowed"})
    due = (DAY + timedelta(days=3)).isoformat()
    for agreement in (
        {"outcome": "promise", "amount": "100", "promise_date": due},
        {"outcome": "plan", "amount": "100", "instalments": "2", "every": "week",
         "first_date": due},
    ):  # fmt: skip
        with pytest.raises(FieldErrors) as refused:
            record_outcome(store, visit, agreement)
        assert refused.value.errors["outcome"].startswith("cannot be agreed while a dispute")
    paid = record_outcome(store, visit, {"outcome": "paid", "amount": "50", "method": "cash"})
    assert paid.receipt_no


def test_a_callback_is_tomorrows_stop_offline_and_at_head_office(laptop, engine):
    sync_once(laptop)
    tomorrow = DAY + timedelta(days=1)
    record(laptop, "DK-1", "--outcome", "callback", "--callback-at", f"{tomorrow} 14:00")
    shown = CliRunner().invoke(
        fieldapp, ["--home", str(laptop), "route", "--date", tomorrow.isoformat(), "--json"]
    )
    stops = json.loads(shown.output)
    assert [(s["account_id"], s["callback_at"], s["follow_up"]) for s in stops] == [
        ("DK-1", "14:00", "callback")
    ]
    # Before any sync, the collector can work that stop: its outcome waits with the callback.
    record(laptop, "DK-1", "--outcome", "not_home", "--date", tomorrow.isoformat())
    report = sync_once(laptop)
    from fieldapp.store import Store

    store = Store(laptop)
    refusals = store.refusals()
    store.close()
    assert report.refused == 0, refusals
    with engine.connect() as conn:
        made = conn.execute(
            sa.select(visits.c.visit_id, visits.c.callback_at).where(
                visits.c.visit_date == tomorrow
            )
        ).all()
        worked = (
            conn.execute(
                sa.select(outcomes.c.outcome).where(outcomes.c.visit_id == made[0].visit_id)
            )
            .scalars()
            .all()
        )
    assert [(m.visit_id, m.callback_at) for m in made] == [
        (stops[0]["visit_id"], datetime(2026, 11, 24, 14, 0))
    ]
    assert worked == ["not_home"]
    # The next sync brings the same stop back: one stop, not two.
    assert sync_once(laptop).refused == 0
    again = CliRunner().invoke(
        fieldapp, ["--home", str(laptop), "route", "--date", tomorrow.isoformat(), "--json"]
    )
    assert [s["visit_id"] for s in json.loads(again.output)] == [stops[0]["visit_id"]]


def follow_ups_of(home) -> list[tuple[str, str, str]]:
    done = CliRunner().invoke(fieldapp, ["--home", str(home), "follow-ups", "--json"])
    assert done.exit_code == 0, done.output
    return [(f["account_id"], f["why"], f["detail"]) for f in json.loads(done.output)]


def test_plans_come_down_and_their_instalments_become_follow_ups(
    laptop, engine, server, monkeypatch
):
    sync_once(laptop)
    record(
        laptop, "DK-1", "--outcome", "plan", "--amount", "300.00", "--instalments", "3",
        "--every", "week", "--first-date", DAY.isoformat(),
    )  # fmt: skip
    mine = CliRunner().invoke(fieldapp, ["--home", str(laptop), "arrangements", "DK-1"])
    assert mine.output.count("(not sent yet)") == 3 and "2026-11-30" in mine.output
    # The first instalment falls due today: a follow-up, and a mark on the route.
    assert follow_ups_of(laptop) == [("DK-1", "due", "1/3 2026-11-23")]
    sync_once(laptop)
    sent = CliRunner().invoke(fieldapp, ["--home", str(laptop), "arrangements", "DK-1"])
    assert "not sent yet" not in sent.output and sent.output.count("open") == 3
    # Two days on, nothing paid: the first is missed, on the laptop without a sync.
    monkeypatch.setenv("FIELDAPP_TODAY", "2026-11-25T10:00")
    assert follow_ups_of(laptop) == [("DK-1", "broken", "1/3 2026-11-23")]
    route = CliRunner().invoke(
        fieldapp, ["--home", str(laptop), "route", "--date", DAY.isoformat(), "--json"]
    )
    marks = {s["account_id"]: s["follow_up"] for s in json.loads(route.output)}
    assert marks["DK-1"] == "broken"
    # Part of it paid at the bank: head office judges it partly kept, the laptop hears.
    monkeypatch.setenv("HEADOFFICE_TODAY", "2026-11-25")
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,40.00,DKK,2026-11-23,B-9\n"
    )
    sync_once(laptop)
    after = CliRunner().invoke(fieldapp, ["--home", str(laptop), "arrangements", "DK-1"])
    assert "partly_kept" in after.output and "40.00" in after.output


def test_a_laptop_on_the_older_protocol_gets_nothing_it_cannot_read(laptop, server):
    from fieldapp.store import Store

    sync_once(laptop)
    record(laptop, "DK-1", "--outcome", "callback", "--callback-at", "2026-11-24 14:00")
    record(
        laptop, "CN-1", "--outcome", "plan", "--amount", "90", "--instalments", "3",
        "--every", "month", "--first-date", "2026-11-30",
    )  # fmt: skip
    sync_once(laptop)
    store = Store(laptop)
    token = store.setting("device_token")
    store.close()
    import httpx

    for protocol, newer in ((4, False), (5, True)):
        page = httpx.post(
            f"{server.url}/sync/pull",
            json={"protocol": protocol, "cursor": "", "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert page.status_code == 200, page.text
        body = page.json()
        assert all(("instalments" in c) is newer for c in body["contact"])
        assert all(("callback_at" in v) is newer for v in body["visits"])
        history = [h for v in body["visits"] for h in v["history"]]
        assert any(h["outcome"] == "plan" for h in history) is newer
