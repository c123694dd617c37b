"""Versioned migrations: the code's tables match them, and old databases move forward intact."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from headoffice.store import db, migrate, tables
from tests.helpers import run

# These start from an empty database: the migrations are what is under test.
pytestmark = pytest.mark.empty_database


def test_the_migrations_build_exactly_the_tables_the_code_uses(db_url):
    engine = db.connect(db_url)
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata
        )
    assert differences == []
    assert migrate.current(engine) == migrate.head()


def test_a_database_from_before_versioning_keeps_everything(db_url):
    # As the walking skeleton left it: revision 0001's tables, no alembic_version.
    engine = db.connect(db_url, migrate=False)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), migrate.UNVERSIONED)
        conn.execute(sa.text("DROP TABLE alembic_version"))
        now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        conn.execute(sa.text("INSERT INTO counters (name, value) VALUES ('change', 7)"))
        conn.execute(
            sa.text(
                "INSERT INTO collectors (name, language, timezone, created_at) "
                "VALUES ('Mette', 'da', 'Europe/Copenhagen', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO outcomes (id, visit_id, account_id, collector_id, device_id, outcome, "
                "amount_minor, currency, note, receipt_no, recorded_at, received_at, needs_review) "
                "VALUES ('o1', 'v1', 'DK-1', 1, 'd1', 'paid', 12050, 'DKK', 'cash at the door', "
                "'R-1', :now, :now, :no)"
            ),
            {"now": now, "no": False},
        )
    assert migrate.current(engine) is None
    engine.dispose()

    engine = db.connect(db_url)  # what `serve` and every command do on start
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM counters")).scalar() == 7
        assert conn.execute(sa.text("SELECT note FROM outcomes")).scalar() == "cash at the door"
        payment = conn.execute(sa.select(tables.payments)).one()
    # The field payment was carried into the payments table, for promise keeping.
    assert (payment.id, payment.amount_minor, payment.paid_on) == ("o1", 12050, date(2026, 11, 20))
    assert payment.source == "field" and payment.reference == "R-1"
    # Kept before the audit trail existed: each row has its entry now, and the trail holds.
    from headoffice.evidence.trail import verify

    assert verify(engine) == (2, None)


def test_promises_recorded_before_arrangements_become_arrangements_of_one_part(db_url):
    engine = db.connect(db_url, migrate=False)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), "0007")
        conn.execute(
            sa.text(
                "INSERT INTO collectors (name, language, timezone, created_at) "
                "VALUES ('Mette', 'da', 'Europe/Copenhagen', :now)"
            ),
            {"now": datetime(2026, 11, 1, tzinfo=UTC)},
        )
        # Recorded late in the evening in Copenhagen: the next day there, still the 20th in UTC.
        late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
        conn.execute(
            sa.text(
                "INSERT INTO outcomes (id, visit_id, account_id, collector_id, device_id, outcome, "
                "amount_minor, currency, promise_date, note, recorded_at, received_at, "
                "needs_review) VALUES ('p1', 'v1', 'DK-1', 1, 'd1', 'promise', 50000, 'DKK', "
                "'2026-11-27', '', :late, :late, :no)"
            ),
            {"late": late, "no": False},
        )
    engine.dispose()
    engine = db.connect(db_url)
    with engine.connect() as conn:
        made = conn.execute(sa.select(tables.arrangements)).one()
        part = conn.execute(sa.select(tables.instalments)).one()
    assert (made.id, made.kind, made.total_minor, made.made_on) == (
        "p1",
        "promise",
        50000,
        date(2026, 11, 20),
    )
    assert (part.number, part.due, part.amount_minor, part.made_on) == (
        1,
        date(2026, 11, 27),
        50000,
        date(2026, 11, 20),
    )
    # The outcome, the arrangement and its instalment: each with its entry (0015, 0016).
    from headoffice.evidence.trail import verify

    assert verify(engine) == (3, None)


def test_deposits_and_arrangements_kept_before_they_were_audited_get_their_entries(db_url):
    engine = db.connect(db_url, migrate=False)
    now = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), "0015")
        conn.execute(
            sa.text(
                "INSERT INTO collectors (name, language, timezone, created_at) "
                "VALUES ('Mette', 'da', 'Europe/Copenhagen', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO deposits (id, collector_id, device_id, amount_minor, currency, slip, "
                "deposited_at, recorded_at, received_at) "
                "VALUES ('d1', 1, 'dev', 40000, 'DKK', 'NB-1', :now, :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO arrangements (id, account_id, kind, collector_id, made_on, currency, "
                "total_minor, every, created_at) "
                "VALUES ('a1', 'DK-1', 'plan', 1, '2026-11-20', 'DKK', 60000, 'month', :now)"
            ),
            {"now": now},
        )
        for number, due in ((1, "2026-12-01"), (2, "2027-01-01")):
            conn.execute(
                sa.text(
                    "INSERT INTO instalments (arrangement_id, number, account_id, currency, "
                    "made_on, due, amount_minor) "
                    "VALUES ('a1', :n, 'DK-1', 'DKK', '2026-11-20', :due, 30000)"
                ),
                {"n": number, "due": date.fromisoformat(due)},
            )
    engine.dispose()
    engine = db.connect(db_url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(tables.audit_entries).order_by(tables.audit_entries.c.seq)
        ).all()
    assert [(e.kind, e.subject_id) for e in found] == [
        ("deposit", "d1"),
        ("arrangement", "a1"),
        ("instalment", "a1#1"),
        ("instalment", "a1#2"),
    ]
    assert all('"kept_before_the_trail":true' in e.body for e in found)
    from headoffice.evidence.trail import verify

    assert verify(engine) == (4, None)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE instalments SET amount_minor = 1 WHERE number = 2"))
    assert str(verify(engine)[1]).startswith("instalments a1#2: amount_minor differs")


def test_migrate_command_says_what_it_did(db_url):
    first = run("headoffice", "migrate", "--db", db_url)
    assert f"to {migrate.head()}" in first.stdout
    again = run("headoffice", "migrate", "--db", db_url)
    assert "up to date" in again.stdout


def test_an_unreachable_database_is_one_clear_line():
    result = run(
        "headoffice", "migrate", "--db", "postgresql://nobody@127.0.0.1:1/none", check=False
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot open the database")
    assert "Traceback" not in result.stderr


def test_migrations_never_go_backwards(db_url):
    engine = db.connect(db_url)
    with engine.begin() as conn, pytest.raises(NotImplementedError):
        command.downgrade(migrate._config(conn), "0001")


def test_several_processes_migrating_at_once_agree(db_url):
    # As when several workers or hosts start together on a new version.
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "headoffice", "migrate", "--db", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(*p.communicate(timeout=60), p.returncode) for p in processes]
    assert [code for _out, _err, code in results] == [0, 0, 0], results
    said = sorted(out.strip() for out, _err, _code in results)
    assert sum("migrated the database from revision empty" in s for s in said) == 1, said
    engine = db.connect(db_url, migrate=False)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM counters")).scalar() == 1


def test_accounts_kept_before_limitation_dates_get_theirs(db_url):
    engine = db.connect(db_url, migrate=False)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), "0015")
        for account_id, country in (("DK-1", "DK"), ("US-1", "US")):
            conn.execute(
                sa.text(
                    "INSERT INTO accounts (account_id, borrower_name, address, country, currency, "
                    "outstanding_minor, overdue_minor, oldest_due_date, seq, updated_at) VALUES "
                    "(:id, 'A Borrower', 'A street', :country, 'DKK', 100, 100, '2025-02-28', 1, "
                    ":now)"
                ),
                {"id": account_id, "country": country, "now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
        conn.execute(
            sa.text(
                "INSERT INTO payments (id, account_id, amount_minor, currency, paid_on, source, "
                "received_at) VALUES ('import:B-1', 'DK-1', 50, 'DKK', '2026-01-15', 'import', "
                ":now)"
            ),
            {"now": datetime(2026, 11, 1, tzinfo=UTC)},
        )
    engine.dispose()
    engine = db.connect(db_url)
    with engine.connect() as conn:
        query = sa.select(tables.accounts.c.account_id, tables.accounts.c.limitation_on)
        found = {row.account_id: row.limitation_on for row in conn.execute(query)}
        closed = conn.execute(sa.select(tables.accounts.c.closed_on)).scalars().all()
    # DK-1: three years from its last payment; US-1: from the day it fell due.
    assert found == {"DK-1": date(2029, 1, 15), "US-1": date(2028, 2, 28)}
    assert closed == [None, None]
