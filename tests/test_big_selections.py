"""Selections bigger than a database takes parameters in one statement.

SQLite's limit is 32,766 by default (Debian's build allows 250,000) and
PostgreSQL's 65,535; here the SQLite file is held to 999, as the oldest builds
are, so that 3,000 accounts are enough to find any statement that does not
split its list.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fieldcore.accounts import Account
from headoffice.oversight.numbers import breakdown
from headoffice.oversight.review import review_queue
from headoffice.store import db, tables
from headoffice.work import assignment, payments, portfolio, roster

COUNT = 3_000
DAY = date(2026, 11, 23)


@pytest.fixture
def engine(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'ho.db'}")
    engine.dispose()

    @sa.event.listens_for(engine, "connect")
    def _few_parameters(dbapi_connection, _record) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

    yield engine
    engine.dispose()


def test_the_limit_holds(engine):
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="too many"):
        conn.execute(
            sa.select(tables.accounts).where(tables.accounts.c.account_id.in_(range(1000)))
        )


def test_a_whole_region_is_assigned_recalled_and_paid_in_one_go(engine):
    portfolio.import_accounts(
        engine,
        [
            Account(
                account_id=f"R-{n:05d}",
                borrower_name=f"Borrower {n}",
                address=f"Street {n}",
                region="Zealand",
                currency="DKK",
                outstanding_minor=100_000,
                overdue_minor=10_000,
                oldest_due_date=DAY - timedelta(days=120),
            )
            for n in range(COUNT)
        ],
    )
    roster.add_collector(engine, "Mette", "da", "UTC")
    roster.add_collector(engine, "Lars", "da", "UTC")
    selection = assignment.Selection(region="Zealand")
    done = assignment.assign(engine, "Mette", DAY, selection, DAY)
    assert len(done.account_ids) == COUNT
    # Taking them all over moves every one of them.
    assert len(roster.reassign(engine, "Mette", "Lars", DAY)) == COUNT
    assert roster.recall(engine, DAY, done.account_ids) == COUNT
    lines = ["account_id,amount,currency,paid_on,reference"]
    lines += [f"R-{n:05d},10.00,DKK,{DAY},T-{n}" for n in range(COUNT)]
    summary = payments.import_payments(engine, "\n".join(lines) + "\n")
    assert (summary.new, summary.already_known) == (COUNT, 0)
    # The bank payments count for nobody's route: every stop was recalled.
    [nobody] = breakdown(engine, DAY, DAY, DAY)["collector"]
    assert (nobody.key, nobody.visits, nobody.collected_bank) == (
        "unassigned",
        0,
        {"DKK": COUNT * 1000},
    )
    assert review_queue(engine, DAY) == []
