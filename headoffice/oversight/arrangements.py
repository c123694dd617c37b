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

from fieldcore.arrangements import ArrangementState
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
    conn: Connection,
    today: date,
    account_ids: Iterable[str] | None = None,
    *,
    made_between: tuple[date, date] | None = None,
) -> list[JudgedInstalment]:
    """Every instalment (of these accounts, or all; of arrangements made from the first to
    the last day of `made_between`, or ever), judged on `today`, by account and date."""
    if account_ids is None:
        return _judge(conn, today, None, made_between)
    found: list[JudgedInstalment] = []
    for chunk in chunks(sorted(set(account_ids))):
        found += _judge(conn, today, chunk, made_between)
    return sorted(found, key=lambda j: (j.account_id, j.made_on, j.arrangement_id, j.number))


def _judge(
    conn: Connection,
    today: date,
    account_ids: list[str] | None,
    made_between: tuple[date, date] | None = None,
) -> list[JudgedInstalment]:
    i, p = instalments.c, payments.c
    counted = sa.and_(
        p.account_id == i.account_id,
        p.currency == i.currency,
        p.paid_on >= i.made_on,
        p.paid_on <= today,
        sa.or_(i.replaced_on.is_(None), p.paid_on < i.replaced_on),
    )
    # Grouped by the instalment's key alone: its other columns follow from it.
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
        .group_by(i.arrangement_id, i.number)
    )
    if account_ids is not None:
        reached = reached.where(i.account_id.in_(account_ids))
    if made_between is not None:
        # A whole arrangement or none of it: its instalments share its day, so the running
        # total below still sees every one before.
        reached = reached.where(i.made_on >= made_between[0], i.made_on <= made_between[1])
    reached = reached.subquery("reached")
    r = reached.c
    before = (
        sa.func.sum(r.amount_minor).over(partition_by=r.arrangement_id, order_by=r.number)
        - r.amount_minor
    )
    ordered = sa.select(
        reached,
        before.label("before"),
        sa.func.count().over(partition_by=r.arrangement_id).label("count"),
    ).subquery("ordered")
    o = ordered.c
    on_time = _clamp(o.by_due - o.before, o.amount_minor)
    paid = _clamp(o.by_today - o.before, o.amount_minor)
    # fieldcore.arrangements.judge, said in SQL.
    state = sa.case(
        (
            sa.and_(o.replaced_on.is_not(None), o.due >= o.replaced_on, on_time < o.amount_minor),
            ArrangementState.REPLACED.value,
        ),
        (on_time >= o.amount_minor, ArrangementState.KEPT.value),
        (o.due >= today, ArrangementState.OPEN.value),
        (on_time > 0, ArrangementState.PARTLY_KEPT.value),
        else_=ArrangementState.BROKEN.value,
    )
    query = (
        sa.select(
            o.arrangement_id,
            arrangements.c.kind,
            o.account_id,
            arrangements.c.collector_id,
            o.made_on,
            o.number,
            o["count"],
            o.due,
            o.amount_minor,
            o.currency,
            on_time.label("on_time"),
            paid.label("paid"),
            state.label("state"),
        )
        .join(arrangements, arrangements.c.id == o.arrangement_id)
        .order_by(o.account_id, o.made_on, o.arrangement_id, o.number)
    )
    names = dict(conn.execute(sa.select(collectors.c.collector_id, collectors.c.name)).all())
    found = []
    for row in conn.execute(query):
        # The sums come back as Decimal on PostgreSQL: whole minor units here.
        *head, collector_id, made_on, number, count, due, amount, currency = row[:10]
        found.append(
            JudgedInstalment(
                *head,
                names.get(collector_id),
                made_on,
                number,
                count,
                due,
                amount,
                currency,
                int(row.on_time),
                int(row.paid),
                ArrangementState(row.state),
            )
        )
    return found
