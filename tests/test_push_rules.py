"""Head office judges every pushed mutation by itself, by the kernel's rules, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from headoffice.oversight.exports import outcome_rows
from headoffice.store.tables import outcomes, payments
from tests.test_sync_api import call, outcome_mutation, pull_all


def push(server, token: str, *mutations: dict) -> list[dict]:
    response = call(server, "/sync/push", {"mutations": list(mutations)}, token)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def visits_of(server, token: str) -> dict[str, dict]:
    return {v["account_id"]: v for v in pull_all(server, token)["visits"]}


def test_the_server_refuses_what_the_form_refuses_and_keeps_the_rest(server, world, engine):
    visit = visits_of(server, world["Mette"])["DK-1"]
    now = datetime.now(UTC)
    huge_cash = outcome_mutation(
        visit,
        outcome="paid",
        amount_minor=10**15,
        currency="DKK",
        method="cash",
        receipt_no="K7Q2M-000001",
    )
    undated_promise = outcome_mutation(visit, outcome="promise", amount_minor=5000, currency="DKK")
    far_promise = outcome_mutation(
        visit,
        outcome="promise",
        amount_minor=5000,
        currency="DKK",
        promise_date=(now + timedelta(days=400)).date().isoformat(),
    )
    good = outcome_mutation(visit)
    results = push(server, world["Mette"], huge_cash, undated_promise, far_promise, good)
    assert [r["status"] for r in results] == ["refused", "refused", "refused", "applied"]
    assert results[0]["message"] == "amount is more than the outstanding balance"
    assert results[1]["message"] == "promise_date is required for promise (YYYY-MM-DD)"
    assert "days away" in results[2]["message"]
    [row] = outcome_rows(engine)
    assert row["outcome"] == "not_home"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar() == 0


def test_a_promise_is_judged_by_the_day_it_was_made(server, world, engine):
    # Made offline three days ago for tomorrow-of-then: still a valid promise today.
    visit = visits_of(server, world["Mette"])["DK-1"]
    made = datetime.now(UTC) - timedelta(days=3)
    mutation = outcome_mutation(
        visit,
        outcome="promise",
        amount_minor=5000,
        currency="DKK",
        promise_date=(made + timedelta(days=1)).date().isoformat(),
        recorded_at=made.isoformat(),
    )
    assert push(server, world["Mette"], mutation)[0]["status"] == "applied"


def test_a_payment_carries_its_receipt_and_a_receipt_is_booked_once(server, world, engine):
    visit = visits_of(server, world["Mette"])["DK-1"]

    def cash(receipt: str | None) -> dict:
        return outcome_mutation(
            visit,
            outcome="paid",
            amount_minor=10000,
            currency="DKK",
            method="cash",
            receipt_no=receipt,
        )

    first, again, none = push(
        server, world["Mette"], cash("K7Q2M-000007"), cash("K7Q2M-000007"), cash(None)
    )
    assert first["status"] == "applied"
    assert again == again | {"status": "refused"}
    assert again["message"] == "receipt K7Q2M-000007 was already booked from this laptop"
    assert none["status"] == "refused" and "receipt number" in none["message"]
    later = push(server, world["Mette"], cash("K7Q2M-000007"))[0]
    assert later["status"] == "refused"
    not_a_payment = outcome_mutation(visit, receipt_no="K7Q2M-000008")
    assert push(server, world["Mette"], not_a_payment)[0]["status"] == "refused"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar() == 1


def test_a_mutation_id_reused_for_another_body_is_refused_and_the_first_stands(
    server, world, engine
):
    visit = visits_of(server, world["Mette"])["DK-1"]
    first = outcome_mutation(visit, note="nobody came to the door")
    assert push(server, world["Mette"], first)[0]["status"] == "applied"
    other = first | {"payload": first["payload"] | {"note": "something else entirely"}}
    answer = push(server, world["Mette"], other)[0]
    assert answer["status"] == "refused"
    assert "already used for another change" in answer["message"]
    # The same body again still gets the first answer.
    assert push(server, world["Mette"], first)[0]["status"] == "applied"
    [row] = outcome_rows(engine)
    assert row["note"] == "nobody came to the door"


def test_a_change_the_database_refuses_is_refused_alone(server, world, engine):
    # A real refusal by the database itself: a trigger that rejects one note.
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_note BEFORE INSERT ON outcomes "
                "WHEN NEW.note = 'the database says no' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_note() RETURNS trigger AS $$ BEGIN "
                "IF NEW.note = 'the database says no' THEN "
                "RAISE EXCEPTION 'refused by a trigger'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_note BEFORE INSERT ON outcomes "
                "FOR EACH ROW EXECUTE FUNCTION refuse_note()"
            )
    mine = visits_of(server, world["Mette"])
    before = outcome_mutation(mine["DK-1"])
    bad = outcome_mutation(mine["DK-1"], note="the database says no")
    after = outcome_mutation(mine["CN-1"])
    results = push(server, world["Mette"], before, bad, after)
    assert [r["status"] for r in results] == ["applied", "refused", "applied"], results
    assert results[1]["message"].startswith("head office could not store this change")
    assert "the database says no" not in results[1]["message"]
    # A retry gets the same answers, and nothing of the refused one was kept.
    assert push(server, world["Mette"], before, bad, after) == results
    with engine.connect() as conn:
        notes = conn.execute(sa.select(outcomes.c.note)).scalars().all()
    assert sorted(notes) == ["", ""]
