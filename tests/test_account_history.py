"""Each account's overdue figures by day: a row when an import changes them, none when it
does not, one a day at most; the first starts when the oldest amount fell due."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from headoffice.ledger.history import standing_on
from headoffice.store.tables import account_history
from headoffice.work import portfolio
from tests.helpers import HEADER, account_row


def _import(engine, monkeypatch, day: str, due: str, overdue: str) -> None:
    monkeypatch.setenv("HEADOFFICE_TODAY", day)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(account_row("H-1", oldest_due_date=due, overdue_amount=overdue))
    portfolio.import_accounts(engine, portfolio.parse_portfolio(text.getvalue()))


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        h = account_history.c
        query = sa.select(h.since, h.oldest_due_date, h.overdue_minor).order_by(h.since)
        return [tuple(row) for row in conn.execute(query)]


def test_imports_keep_the_figures_of_each_day(engine, monkeypatch):
    _import(engine, monkeypatch, "2026-10-01", "2026-09-10", "100.00")
    # Unpaid since 10 September, by the file's own figures.
    assert _rows(engine) == [(date(2026, 9, 10), date(2026, 9, 10), 10000)]
    _import(engine, monkeypatch, "2026-10-02", "2026-09-10", "100.00")  # nothing changed
    _import(engine, monkeypatch, "2026-10-05", "2026-09-10", "150.00")
    _import(engine, monkeypatch, "2026-10-05", "2026-10-01", "50.00")  # later that day
    assert _rows(engine) == [
        (date(2026, 9, 10), date(2026, 9, 10), 10000),
        (date(2026, 10, 5), date(2026, 10, 1), 5000),
    ]
    with engine.connect() as conn:
        stages = {
            day: conn.execute(sa.select(standing_on(day).c.stage)).scalar_one()
            for day in (date(2026, 9, 10), date(2026, 9, 11), date(2026, 10, 4), date(2026, 10, 5))
        }
        before = conn.execute(sa.select(standing_on(date(2026, 9, 9)))).all()
    # Falling due on the 10th is not yet past due; 24 days on 4 Oct is early; from 5 Oct
    # the day's row counts from 1 Oct (4 days).
    assert stages == {
        date(2026, 9, 10): "current",
        date(2026, 9, 11): "early",
        date(2026, 10, 4): "early",
        date(2026, 10, 5): "early",
    }
    assert before == []
