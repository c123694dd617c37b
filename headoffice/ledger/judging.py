"""Promises and plans as head office sees them: every instalment judged against payments, in SQL.

The database does the judging, in one statement: each instalment with its
account's payments from the day the arrangement was made (until a newer one
replaced it), summed by its due date and by today, and the instalments before
it subtracted with a running total. fieldcore.arrangements.judge_instalments says
the same rule in Python; the tests hold the two to the same answers.
"""

from __future__ import annotations

import dataclasses
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


_STATES = {state.value: state for state in ArrangementState}
_FIELDS = tuple(field.name for field in dataclasses.fields(JudgedInstalment))
_new = object.__new__


def _clamp(value, high):
    return sa.case((value < 0, 0), (value > high, high), else_=value)


def _whole(value):
    # PostgreSQL sums BIGINT into NUMERIC: back to whole minor units in the database,
    # so the arithmetic after it stays in integers and Python gets ints.
    return sa.cast(value, sa.BigInteger)


def judged_instalments(
    conn: Connection,
    today: date,
    account_ids: Iterable[str] | None = None,
    *,
    made_between: tuple[date, date] | None = None,
    due_between: tuple[date, date] | None = None,
) -> list[JudgedInstalment]:
    """Every instalment (of these accounts, or all; of arrangements made from the first to
    the last day of `made_between`, or ever; falling due within `due_between`, or any day),
    judged on `today`, by account and date."""
    if account_ids is None:
        return _judge(conn, today, None, made_between, due_between)
    found: list[JudgedInstalment] = []
    for chunk in chunks(sorted(set(account_ids))):
        found += _judge(conn, today, chunk, made_between, due_between)
    return sorted(found, key=lambda j: (j.account_id, j.made_on, j.arrangement_id, j.number))


def _reached(
    dialect: str,
    today: date,
    account_ids: list[str] | None,
    made_between: tuple[date, date] | None,
) -> sa.Subquery:
    """Each instalment with what reached it by its due date and by today, and the sum of
    the instalments before it in its arrangement."""
    i, p = instalments.c, payments.c
    counted = sa.and_(
        p.account_id == i.account_id,
        p.currency == i.currency,
        p.paid_on >= i.made_on,
        p.paid_on <= today,
        sa.or_(i.replaced_on.is_(None), p.paid_on < i.replaced_on),
    )
    by_due = sa.func.coalesce(
        sa.func.sum(sa.case((p.paid_on <= i.due, p.amount_minor), else_=0)), 0
    )
    by_today = sa.func.coalesce(sa.func.sum(p.amount_minor), 0)
    if dialect == "postgresql":
        # PostgreSQL would hash-join every instalment with its payments and sort the lot
        # (on disk, past work_mem) to group it again: a lateral sum per instalment reads
        # its few payments from the index instead, in the instalments' own order.
        sums = sa.select(_whole(by_due).label("by_due"), _whole(by_today).label("by_today")).where(
            counted
        )
        sums = sums.lateral("sums")
        source, group_by = instalments.outerjoin(sums, sa.true()), ()
        by_due, by_today = sums.c.by_due, sums.c.by_today
    else:
        # SQLite walks the instalments by key and each one's payments by index: the
        # groups come out in the order the running total below wants, with no sort.
        source, group_by = instalments.outerjoin(payments, counted), (i.arrangement_id, i.number)
    arrangement = {"partition_by": i.arrangement_id, "order_by": i.number}
    reached = sa.select(
        i.arrangement_id,
        i.number,
        i.account_id,
        i.currency,
        i.made_on,
        i.due,
        i.amount_minor,
        i.replaced_on,
        by_due.label("by_due"),
        by_today.label("by_today"),
        (_whole(sa.func.sum(i.amount_minor).over(**arrangement)) - i.amount_minor).label("before"),
        # The whole arrangement as the frame: the running total's window and order,
        # so both come from one pass (a bare PARTITION BY costs SQLite a second sort).
        sa.func.count().over(**arrangement, rows=(None, None)).label("count"),
    ).select_from(source)
    if group_by:
        # Grouped by the instalment's key alone: its other columns follow from it.
        reached = reached.group_by(*group_by)
    if account_ids is not None:
        reached = reached.where(i.account_id.in_(account_ids))
    if made_between is not None:
        # A whole arrangement or none of it: its instalments share its day, so the running
        # total still sees every one before.
        reached = reached.where(i.made_on >= made_between[0], i.made_on <= made_between[1])
    return reached.subquery("reached")


def _judge(
    conn: Connection,
    today: date,
    account_ids: list[str] | None,
    made_between: tuple[date, date] | None = None,
    due_between: tuple[date, date] | None = None,
) -> list[JudgedInstalment]:
    r = _reached(conn.dialect.name, today, account_ids, made_between).c
    judged = sa.select(
        r,
        _clamp(r.by_due - r.before, r.amount_minor).label("on_time"),
        _clamp(r.by_today - r.before, r.amount_minor).label("paid"),
    ).subquery("judged")
    o = judged.c
    # fieldcore.arrangements.judge, said in SQL.
    state = sa.case(
        (
            sa.and_(o.replaced_on.is_not(None), o.due >= o.replaced_on, o.on_time < o.amount_minor),
            ArrangementState.REPLACED.value,
        ),
        (o.on_time >= o.amount_minor, ArrangementState.KEPT.value),
        (o.due >= today, ArrangementState.OPEN.value),
        (o.on_time > 0, ArrangementState.PARTLY_KEPT.value),
        else_=ArrangementState.BROKEN.value,
    )
    query = (
        sa.select(
            o.arrangement_id,
            arrangements.c.kind,
            o.account_id,
            collectors.c.name,
            o.made_on,
            o.number,
            o["count"],
            o.due,
            o.amount_minor,
            o.currency,
            o.on_time,
            o.paid,
            state,
        )
        .join(arrangements, arrangements.c.id == o.arrangement_id)
        .outerjoin(collectors, collectors.c.collector_id == arrangements.c.collector_id)
        .order_by(o.account_id, o.made_on, o.arrangement_id, o.number)
    )
    if due_between is not None:
        # Outside the running total: the instalments before still count for this one.
        query = query.where(o.due >= due_between[0], o.due <= due_between[1])
    return [_judged(row) for row in conn.execute(query).all()]


def _judged(row) -> JudgedInstalment:
    # A big book judges a hundred thousand instalments: filling the frozen instance's
    # fields at once costs about half what its __init__ does, one frozen setattr each.
    judged = _new(JudgedInstalment)
    fields = judged.__dict__
    fields.update(zip(_FIELDS, row, strict=True))
    fields["state"] = _STATES[fields["state"]]
    return judged
