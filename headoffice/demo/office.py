"""The demo head office in a folder: its database, the team's fortnight, core banking's files."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.money import to_decimal_text
from headoffice.demo.borrowers import seed_demo
from headoffice.demo.team import seed_team
from headoffice.oversight.exports import ACCOUNT_COLUMNS, account_rows
from headoffice.store import db, tables
from headoffice.work.messages_run import run_messages
from headoffice.work.payments import PAYMENT_COLUMNS
from headoffice.work.referrals import refer
from headoffice.work.supervisors import add_supervisor

DB_FILE = "headoffice.db"
# The names `headoffice --help` uses for core banking's morning files.
PORTFOLIO_FILE = "overdue.csv"
PAYMENTS_FILE = "payments.csv"
# A supervisor who has moved on, so that revoking a token can be tried on the demo.
FORMER_SUPERVISOR = "Ole Sand"


DEMO_LEGAL = "Head Office Demo"


LETTERS_FOLDER = "letters"


def make_office(folder: Path, today: date) -> tuple[Engine, str]:
    """Seed FOLDER/headoffice.db and write core banking's files beside it; the supervisor token."""
    engine = db.connect(f"sqlite:///{folder / DB_FILE}")
    seed_demo(engine, today)
    token = seed_team(engine, today)
    add_supervisor(engine, FORMER_SUPERVISOR)
    # One account already sent to the lender's lawyers, its pack kept: `headoffice
    # referrals` and `headoffice evidence verify --referral 1` have something to show.
    refer(engine, "T-2030", "legal", "four visits, two promises broken, no answer", DEMO_LEGAL)
    # This morning's messages run, with no e-mail or SMS channel given: the letters are
    # printed (`headoffice messages batches`), the rest wait in the queue.
    run_messages(engine, datetime.combine(today, time(9), UTC), {}, folder / LETTERS_FOLDER)
    write_bank_files(engine, folder, today)
    return engine, token


def write_bank_files(engine: Engine, folder: Path, today: date) -> None:
    """The portfolio as core banking holds it, and yesterday's transfers on open promises."""
    with (folder / PORTFOLIO_FILE).open("w", encoding="utf-8", newline="") as handle:
        # The accounts' own values: an export for people would neutralise the phone numbers.
        writer = csv.DictWriter(handle, fieldnames=ACCOUNT_COLUMNS)
        writer.writeheader()
        writer.writerows(account_rows(engine))
    yesterday = today - timedelta(days=1)
    outcomes = tables.outcomes.c
    with engine.connect() as conn:
        promised = conn.execute(
            sa.select(outcomes.account_id, outcomes.amount_minor, outcomes.currency)
            .where(outcomes.outcome == "promise", outcomes.promise_date >= today)
            .order_by(outcomes.promise_date, outcomes.id)
            .limit(3)
        ).all()
    with (folder / PAYMENTS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PAYMENT_COLUMNS)
        for number, row in enumerate(promised, 1):
            amount = to_decimal_text(row.amount_minor, row.currency)
            reference = f"BANK-{yesterday:%Y%m%d}-{number:03d}"
            writer.writerow([row.account_id, amount, row.currency, yesterday, reference])
