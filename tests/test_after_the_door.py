"""After the door: plans agreed in the field and judged against bank money, a dispute that
stops agreements but not payments, and what a supervisor's decision does to each item."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.recording import record_outcome
from fieldapp.syncing import sync_once
from fieldcore.errors import FieldErrors
from fieldcore.outcomes import check_outcome
from headoffice.store.tables import accounts, arrangements, holds, instalments, visits
from headoffice.work.payments import import_payments
from tests.conftest import DAY
from tests.helpers import cli


def record(home, account: str, *args: str) -> str:
    done = CliRunner().invoke(fieldapp, ["--home", str(home), "record", account, *args])
    assert done.exit_code == 0, done.output
    return done.output


def check(**raw: str) -> dict[str, str]:
    """What check_outcome refuses of a plan on a 1,000.00 DKK balance, by field."""
    try:
        check_outcome(
            {"outcome": "plan"} | raw,
            currency="DKK",
            outstanding_minor=100_000,
            today=DAY,
            now=datetime.combine(DAY, datetime.min.time()),
        )
    except FieldErrors as error:
        return error.errors
    return {}


def test_a_plan_is_checked_against_the_balance_and_the_longest_term():
    good = {"amount": "900", "instalments": "3", "every": "month", "first_date": "2026-11-30"}
    assert check(**good) == {}
    assert check(**good | {"amount": "1000.01"}) == {
        "amount": "is more than the outstanding balance"
    }
    assert check(**good | {"instalments": "30"})["instalments"].startswith("end the plan on")
    assert check(**good | {"first_date": "2026-11-22"}) == {"first_date": "is in the past"}
    assert check(**good | {"every": "daily"}).keys() == {"every"}
    assert check(amount="900") == {
        "instalments": "is required for plan (1 to 120)",
        "every": "is required for plan (week, fortnight, month)",
        "first_date": "is required for plan (YYYY-MM-DD)",
    }


def test_a_plan_from_the_field_is_judged_kept_partly_kept_and_open(laptop, engine, monkeypatch):
    sync_once(laptop)
    first = DAY + timedelta(days=1)
    said = record(
        laptop, "DK-1", "--outcome", "plan", "--amount", "900.00", "--instalments", "3",
        "--every", "month", "--first-date", first.isoformat(),
    )  # fmt: skip
    assert "2026-12-24" in said and "2027-01-24" in said and "DKK" in said
    assert sync_once(laptop).refused == 0
    # The bank's file of 5 January: the first instalment in full, a third of the second.
    monkeypatch.setenv("HEADOFFICE_TODAY", "2027-01-05")
    import_payments(
        engine,
        "account_id,amount,currency,paid_on,reference\n"
        f"DK-1,300.00,DKK,{first.isoformat()},B-1\n"
        "DK-1,100.00,DKK,2026-12-20,B-2\n",
    )
    url = engine.url.render_as_string(hide_password=False)
    later = {"HEADOFFICE_TODAY": "2027-01-05"}
    rows = json.loads(
        cli("headoffice", "arrangements", "DK-1", "--db", url, "--format", "json", env=later).stdout
    )
    assert [(r["kind"], r["instalment"], r["state"], r["paid_minor"]) for r in rows] == [
        ("plan", 1, "kept", 30000),
        ("plan", 2, "partly_kept", 10000),
        ("plan", 3, "open", 0),
    ]


def open_holds(engine, account_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(holds.c.reason).where(
                    holds.c.account_id == account_id, holds.c.released_at.is_(None)
                )
            ).scalars()
        )


def test_decisions_lift_holds_move_addresses_and_make_plans(laptop, engine, boss):
    sync_once(laptop)
    record(laptop, "DK-1", "--outcome", "dispute", "--dispute-reason", "paid already in May")
    record(laptop, "CN-1", "--outcome", "moved", "--new-address", "上海市徐汇区1号")
    record(laptop, "EN-1", "--outcome", "deceased", "--note", "told by a neighbour")
    assert sync_once(laptop).refused == 0
    assert open_holds(engine, "DK-1") == ["dispute"]
    assert open_holds(engine, "EN-1") == ["deceased"]
    queue = {i["kind"]: i for i in boss.get("/supervisor/review").json()}
    assert {"dispute", "moved", "deceased"} <= queue.keys()
    assert "上海市徐汇区1号" in queue["moved"]["summary"]

    # A note-only kind takes no decision; a decided kind says what it did.
    late = boss.post(
        f"/supervisor/review/dispute/{queue['dispute']['ref']}",
        json={"note": "statement checked", "first_date": "2026-12-01"},
    )
    assert late.status_code == 409, late.text
    for kind, decision in (
        ("dispute", "rejected"),
        ("moved", "accepted"),
        ("deceased", "rejected"),
    ):
        done = boss.post(
            f"/supervisor/review/{kind}/{queue[kind]['ref']}",
            json={"note": "checked with the borrower", "decision": decision},
        )
        assert done.status_code == 200, done.text
        assert done.json()["resolution"]["decision"] == decision
    assert open_holds(engine, "DK-1") == [] and open_holds(engine, "EN-1") == []
    with engine.connect() as conn:
        address = conn.execute(
            sa.select(accounts.c.address).where(accounts.c.account_id == "CN-1")
        ).scalar_one()
    assert address == "上海市徐汇区1号"

    # The laptop learns all of it at its next sync.
    sync_once(laptop)
    from fieldapp.store import Store

    store = Store(laptop)
    try:
        assert store.db.execute("SELECT count(*) FROM holds").fetchone()[0] == 0
        assert store.account("CN-1").address == "上海市徐汇区1号"
        # With the hold gone, the borrower may agree a promise again.
        due = (DAY + timedelta(days=3)).isoformat()
        visit = store.visit_for_account("DK-1")
        record_outcome(store, visit, {"outcome": "promise", "amount": "100", "promise_date": due})
    finally:
        store.close()


def test_an_accepted_hardship_request_becomes_a_monthly_plan(laptop, engine):
    sync_once(laptop)
    record(
        laptop, "EN-1", "--outcome", "hardship", "--instalment", "50.00", "--term-months", "6",
        "--note", "lost her job in October",
    )  # fmt: skip
    sync_once(laptop)
    url = engine.url.render_as_string(hide_password=False)
    queue = cli("headoffice", "review", "--db", url).stdout
    ref = next(line.split()[1] for line in queue.splitlines() if line.startswith("hardship"))
    wrong = cli(
        "headoffice", "resolve", "hardship", ref, "--note", "x", "--first-date", "2026-12-15",
        "--db", url, check=False,
    )  # fmt: skip
    assert wrong.returncode == 1 and "accepted hardship" in wrong.stderr
    done = cli(
        "headoffice", "resolve", "hardship", ref, "--accept", "--first-date", "2026-12-15",
        "--note", "payslips seen", "--db", url,
    )  # fmt: skip
    assert done.stdout.strip() == f"resolved hardship {ref}: accepted"
    with engine.connect() as conn:
        plan = conn.execute(sa.select(arrangements).where(arrangements.c.id == ref)).one()
        dues = conn.execute(
            sa.select(instalments.c.due, instalments.c.amount_minor)
            .where(instalments.c.arrangement_id == ref)
            .order_by(instalments.c.number)
        ).all()
    assert (plan.kind, plan.every, plan.total_minor) == ("plan", "month", 30000)
    assert dues[0] == (date(2026, 12, 15), 5000) and dues[-1] == (date(2027, 5, 15), 5000)


def test_a_planned_day_takes_the_due_follow_ups_first(laptop, engine):
    sync_once(laptop)
    # DK-1 promised for the 25th; EN-1's promise of the 24th is missed by then.
    for account, day in (("DK-1", "2026-11-25"), ("EN-1", "2026-11-24")):
        record(laptop, account, "--outcome", "promise", "--amount", "10", "--promise-date", day)
    sync_once(laptop)
    url = engine.url.render_as_string(hide_password=False)
    plain = cli(
        "headoffice", "assign", "--collector", "Mette", "--date", "2026-11-25", "CN-1",
        "--db", url, env={"HEADOFFICE_TODAY": "2026-11-25"},
    )  # fmt: skip
    assert "follow-up" not in plain.stdout
    planned = cli(
        "headoffice", "assign", "--collector", "Mette", "--date", "2026-11-25", "CN-1",
        "--optimise", "--db", url, env={"HEADOFFICE_TODAY": "2026-11-25"},
    )  # fmt: skip
    assert "assigned 3 visit(s)" in planned.stdout
    assert "first the 2 follow-up(s) due" in planned.stdout
    with engine.connect() as conn:
        order = (
            conn.execute(
                sa.select(visits.c.account_id)
                .where(visits.c.visit_date == date(2026, 11, 25), visits.c.status == "assigned")
                .order_by(visits.c.sequence)
            )
            .scalars()
            .all()
        )
    assert order == ["EN-1", "DK-1", "CN-1"]  # the missed one, the one due, the rest
