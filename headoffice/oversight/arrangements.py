"""Promises and plans as head office sees them: every instalment judged against payments, in SQL.

The database does the judging, in one statement: each instalment joined with its
account's payments from the day the arrangement was made (until a newer one
replaced it), summed by its due date and by today, and the instalments before
it subtracted with a running total. fieldcore.arrangements.judge_instalments says
the same rule in Python; the tests hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.arrangements import ArrangementState, judge
from headoffice.store.db import chunks
from headoffice.store.tables import arrangements, collectors, instalments, payments


@dataclass(frozen=True)
class JudgedInstalment:
    """One instalment on `today`: what reached it by its date, by today, and its state."""

    arrangement_id: str
    kind: str
    account_id: str
    collector: str | None
    made_on: date
    number: int
    count: int
    due: date
    amount_minor: int
    currency: str
    on_time_minor: int
    paid_minor: int
    state: ArrangementState


def _clamp(value, high):
    return sa.case((value < 0, 0), (value > high, high), else_=value)


def judged_instalments(
    conn: Connection, today: date, account_ids: Iterable[str] | None = None
) -> list[JudgedInstalment]:
    """Every instalment (of these accounts, or all), judged on `today`, by account and date."""
    if account_ids is None:
        return _judge(conn, today, None)
    found: list[JudgedInstalment] = []
    for chunk in chunks(sorted(set(account_ids))):
        found += _judge(conn, today, chunk)
    return sorted(found, key=lambda j: (j.account_id, j.made_on, j.arrangement_id, j.number))


def _judge(conn: Connection, today: date, account_ids: list[str] | None) -> list[JudgedInstalment]:
    i, p = instalments.c, payments.c
    counted = sa.and_(
        p.account_id == i.account_id,
        p.currency == i.currency,
        p.paid_on >= i.made_on,
        p.paid_on <= today,
        sa.or_(i.replaced_on.is_(None), p.paid_on < i.replaced_on),
    )
    reached = (
        sa.select(
            i.arrangement_id,
            i.number,
            i.account_id,
            i.currency,
            i.made_on,
            i.due,
            i.amount_minor,
            i.replaced_on,
            sa.func.coalesce(
                sa.func.sum(sa.case((p.paid_on <= i.due, p.amount_minor), else_=0)), 0
            ).label("by_due"),
            sa.func.coalesce(sa.func.sum(p.amount_minor), 0).label("by_today"),
        )
        .select_from(instalments.outerjoin(payments, counted))
        .group_by(
            i.arrangement_id,
            i.number,
            i.account_id,
            i.currency,
            i.made_on,
            i.due,
            i.amount_minor,
            i.replaced_on,
        )
    )
    if account_ids is not None:
        reached = reached.where(i.account_id.in_(account_ids))
    reached = reached.subquery("reached")
    r = reached.c
    running = (
        sa.func.sum(r.amount_minor)
        .over(partition_by=r.arrangement_id, order_by=r.number)
        .label("through")
    )
    count = sa.func.count().over(partition_by=r.arrangement_id).label("count")
    ordered = sa.select(reached, running, count).subquery("ordered")
    o = ordered.c
    before = o.through - o.amount_minor
    query = (
        sa.select(
            o.arrangement_id,
            o.number,
            o["count"],
            o.account_id,
            o.currency,
            o.made_on,
            o.due,
            o.amount_minor,
            o.replaced_on,
            _clamp(o.by_due - before, o.amount_minor).label("on_time"),
            _clamp(o.by_today - before, o.amount_minor).label("paid"),
            arrangements.c.kind,
            collectors.c.name.label("collector"),
        )
        .join(arrangements, arrangements.c.id == o.arrangement_id)
        .outerjoin(collectors, collectors.c.collector_id == arrangements.c.collector_id)
        .order_by(o.account_id, o.made_on, o.arrangement_id, o.number)
    )
    return [
        JudgedInstalment(
            arrangement_id=row.arrangement_id,
            kind=row.kind,
            account_id=row.account_id,
            collector=row.collector,
            made_on=row.made_on,
            number=row.number,
            count=row.count,
            due=row.due,
            amount_minor=row.amount_minor,
            currency=row.currency,
            on_time_minor=int(row.on_time),
            paid_minor=int(row.paid),
            state=judge(
                row.amount_minor,
                int(row.on_time),
                row.due,
                today,
                replaced=row.replaced_on is not None
                and row.due >= row.replaced_on
                and int(row.on_time) < row.amount_minor,
            ),
        )
        for row in conn.execute(query)
    ]
