"""Head office judges promises in SQL the way the kernel says, on both databases; promises
pushed from a laptop and paid in part through a bank file show kept, partly kept, broken."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.cli import main as fieldapp
from fieldapp.syncing import sync_once
from fieldcore.arrangements import Every, judge_instalments, schedule
from headoffice.ledger.judging import judged_instalments
from headoffice.store.tables import arrangements, instalments, payments
from headoffice.work.arrangements import arrangement_rows, replace_older
from headoffice.work.payments import import_payments
from tests.conftest import DAY
from tests.helpers import cli

START = date(2026, 11, 1)
days = st.integers(0, 120).map(lambda n: START + timedelta(days=n))
plans = st.tuples(
    st.integers(1, 5_000),  # total
    st.integers(1, 6),  # instalments
    st.sampled_from(list(Every)),
    days,  # made on
    st.integers(0, 20),  # first instalment this many days after
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    made=st.lists(plans, min_size=1, max_size=3),
    paid=st.lists(st.tuples(days, st.integers(1, 3_000)), max_size=6),
    today=days,
)
def test_the_sql_judges_every_instalment_as_the_kernel_does(engine, made, paid, today):
    made = [m for m in made if m[0] >= m[1]]
    if not made:
        return
    made.sort(key=lambda m: m[3])
    created = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for table in (instalments, arrangements, payments):
            conn.execute(table.delete())
        expected_parts = {}
        for n, (total, count, every, made_on, after) in enumerate(made):
            parts = schedule(total, count, every, made_on + timedelta(days=after))
            expected_parts[f"a{n}"] = (parts, made_on)
            rows = arrangement_rows(
                arrangement_id=f"a{n}",
                kind="plan",
                account_id="DK-1",
                collector_id=None,
                made_on=made_on,
                currency="DKK",
                parts=parts,
                every=every.value,
                created_at=created,
            )
            for table, row in rows:
                conn.execute(table.insert().values(**row))
            replace_older(conn, [(f"a{n}", "DK-1", made_on)])
        for n, (day, amount) in enumerate(paid):
            conn.execute(
                payments.insert().values(
                    id=f"import:{n}",
                    account_id="DK-1",
                    amount_minor=amount,
                    currency="DKK",
                    paid_on=day,
                    source="import",
                    reference=str(n),
                    received_at=created,
                )
            )
        judged = judged_instalments(conn, today)
    made_days = [m[3] for m in made]
    for n, (parts, made_on) in expected_parts.items():
        later = made_days[int(n[1:]) + 1 :]
        replaced_on = later[0] if later else None
        expected = judge_instalments(parts, paid, made_on, today, replaced_on)
        got = [j for j in judged if j.arrangement_id == n]
        assert [(j.number, j.on_time_minor, j.paid_minor, j.state) for j in got] == [
            (e.instalment.number, e.on_time_minor, e.paid_minor, e.state) for e in expected
        ]


def test_promises_from_the_field_are_judged_against_field_and_bank_money(laptop, engine):
    sync_once(laptop)
    due = (DAY + timedelta(days=3)).isoformat()
    for account, amount in (("DK-1", "500"), ("CN-1", "300"), ("EN-1", "200")):
        promise = ["--outcome", "promise", "--amount", amount, "--promise-date", due]
        done = CliRunner().invoke(fieldapp, ["--home", str(laptop), "record", account, *promise])
        assert done.exit_code == 0, done.output
    sync_once(laptop)
    # The bank's file: DK-1 paid 200 of 500, CN-1 all of its 300; EN-1 nothing.
    import_payments(
        engine,
        "account_id,amount,currency,paid_on,reference\n"
        f"DK-1,200.00,DKK,{DAY.isoformat()},B-1\n"
        f"CN-1,300.00,CNY,{DAY.isoformat()},B-2\n",
    )
    url = str(engine.url.render_as_string(hide_password=False))
    before = json.loads(cli("headoffice", "arrangements", "--db", url, "--format", "json").stdout)
    assert {(r["account_id"], r["state"], r["paid_minor"]) for r in before} == {
        ("DK-1", "open", 20000),
        ("CN-1", "kept", 30000),
        ("EN-1", "open", 0),
    }
    later = {"HEADOFFICE_TODAY": (DAY + timedelta(days=5)).isoformat()}
    after = json.loads(
        cli("headoffice", "arrangements", "--db", url, "--format", "json", env=later).stdout
    )
    assert {(r["account_id"], r["state"], r["paid_minor"]) for r in after} == {
        ("DK-1", "partly_kept", 20000),
        ("CN-1", "kept", 30000),
        ("EN-1", "broken", 0),
    }
    table = cli("headoffice", "arrangements", "DK-1", "--db", url, env=later).stdout
    assert "partly_kept" in table and "1/1" in table and "CN-1" not in table
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(arrangements)).scalar() == 3
