"""Promises to pay as head office sees them: kept when payments reach the amount by the date."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.promises import PromiseState, judge_promise
from headoffice.store.db import chunks
from headoffice.store.tables import outcomes, payments


@dataclass(frozen=True)
class Promise:
    """One promise with what was paid toward it and its state on `today`."""

    outcome_id: str
    account_id: str
    collector_id: int
    recorded_at: datetime
    due: date
    amount_minor: int
    currency: str
    paid_minor: int
    state: PromiseState


def promises(
    conn: Connection,
    today: date,
    account_ids: set[str] | None = None,
    made_between: tuple[datetime, datetime] | None = None,
) -> list[Promise]:
    """Promises (of these accounts, made in this period, or all), judged against payments."""
    query = sa.select(
        outcomes.c.id,
        outcomes.c.account_id,
        outcomes.c.collector_id,
        outcomes.c.recorded_at,
        outcomes.c.promise_date,
        outcomes.c.amount_minor,
        outcomes.c.currency,
    ).where(
        outcomes.c.outcome == "promise",
        outcomes.c.promise_date.is_not(None),
        outcomes.c.amount_minor.is_not(None),
    )
    if made_between is not None:
        start, end = made_between
        query = query.where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
    if account_ids is None:
        made = conn.execute(query).all()
    else:
        made = []
        for chunk in chunks(sorted(account_ids)):
            made += conn.execute(query.where(outcomes.c.account_id.in_(chunk))).all()
    paid_by_account: dict[str, list] = defaultdict(list)
    for chunk in chunks(sorted({row.account_id for row in made})):
        rows = conn.execute(
            sa.select(
                payments.c.account_id,
                payments.c.paid_on,
                payments.c.amount_minor,
                payments.c.currency,
            ).where(payments.c.account_id.in_(chunk))
        )
        for row in rows:
            paid_by_account[row.account_id].append(row)
    found = []
    for row in made:
        made_on = row.recorded_at.date()
        paid = sum(
            p.amount_minor
            for p in paid_by_account[row.account_id]
            if p.currency == row.currency and made_on <= p.paid_on <= row.promise_date
        )
        found.append(
            Promise(
                outcome_id=row.id,
                account_id=row.account_id,
                collector_id=row.collector_id,
                recorded_at=row.recorded_at,
                due=row.promise_date,
                amount_minor=row.amount_minor,
                currency=row.currency,
                paid_minor=paid,
                state=judge_promise(row.amount_minor, paid, row.promise_date, today),
            )
        )
    return found
