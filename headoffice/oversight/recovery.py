"""Cure and recovery: accounts assigned in a month, brought current, and money they paid."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.keeping import CloseReason
from fieldcore.stages import Stage
from headoffice.ledger.history import days_between, stage_of_days, standing_on
from headoffice.oversight.months import Month, months
from headoffice.store.tables import account_history, accounts, collectors, payments, visits
from headoffice.wire.views import RecoveryRow

_PAID = (CloseReason.REPAID.value, CloseReason.SETTLED.value)


def recovery(engine: Engine, by: str, since: date, until: date, today: date) -> list[RecoveryRow]:
    """Each month, by stage, product, region or collector at assignment: the overdue
    accounts first assigned that month, how many were current by its end, and what they
    paid from assignment to its end against what was overdue (docs/NUMBERS.md)."""
    with engine.connect() as conn:
        found: list[RecoveryRow] = []
        for month in months(since, until, today):
            found += _month(conn, month, by, today)
        return found


def _cohort(month: Month, dialect: str) -> sa.Subquery:
    """Each account's first visit of the month, with its overdue figures that day."""
    v, h = visits.c, account_history.c
    first = (
        sa.select(
            v.account_id,
            v.collector_id,
            v.visit_date,
            sa.func.row_number()
            .over(partition_by=v.account_id, order_by=(v.visit_date, v.seq))
            .label("n"),
        )
        .where(v.visit_date >= month.first, v.visit_date <= min(month.last, month.end))
        .subquery("first")
    )
    on_the_day = (
        sa.select(h.oldest_due_date)
        .where(h.account_id == first.c.account_id, h.since <= first.c.visit_date)
        .order_by(h.since.desc())
        .limit(1)
    )
    oldest_due = on_the_day.scalar_subquery()
    overdue = on_the_day.with_only_columns(h.overdue_minor).scalar_subquery()
    known = sa.select(
        first.c.account_id,
        first.c.collector_id,
        first.c.visit_date,
        oldest_due.label("oldest_due"),
        overdue.label("overdue"),
    ).where(first.c.n == 1)
    known = known.subquery("known")
    days = days_between(known.c.visit_date, known.c.oldest_due, dialect)
    return sa.select(known, stage_of_days(days).label("stage")).subquery("cohort")


def _month(conn: sa.Connection, month: Month, by: str, today: date) -> list[RecoveryRow]:
    cohort = _cohort(month, conn.dialect.name)
    c, a, p = cohort.c, accounts.c, payments.c
    end = standing_on(month.end)
    last_paid = min(month.last, today)
    recovered = (
        sa.select(sa.func.coalesce(sa.func.sum(p.amount_minor), 0))
        .where(
            p.account_id == c.account_id,
            p.currency == a.currency,
            p.paid_on >= c.visit_date,
            p.paid_on <= last_paid,
        )
        .scalar_subquery()
    )
    closed = sa.and_(a.closed_on.is_not(None), a.closed_on <= month.end)
    cured = sa.or_(
        sa.and_(closed, a.closed_reason.in_(_PAID)),
        sa.and_(sa.not_(closed), end.c.stage == Stage.CURRENT.value),
    )
    key = {
        "stage": c.stage,
        "product": sa.func.coalesce(a.product, "-"),
        "region": sa.func.coalesce(a.region, "-"),
        "collector": collectors.c.name,
    }[by]
    query = (
        sa.select(
            key.label("key"),
            a.currency,
            sa.func.count(),
            sa.func.sum(sa.case((cured, 1), else_=0)),
            sa.func.sum(c.overdue),
            sa.func.sum(recovered),
        )
        .select_from(cohort)
        .join(accounts, a.account_id == c.account_id)
        .join(collectors, collectors.c.collector_id == c.collector_id)
        .outerjoin(end, end.c.account_id == c.account_id)
        .where(
            c.overdue > 0,
            c.stage != Stage.CURRENT.value,
            sa.or_(a.closed_on.is_(None), a.closed_on > c.visit_date),
        )
        .group_by(key, a.currency)
        .order_by(key, a.currency)
    )
    rows = []
    for name, currency, count, cured_count, overdue, paid in conn.execute(query):
        overdue, paid = int(overdue or 0), int(paid or 0)
        rows.append(
            RecoveryRow(
                month=month.label,
                key=name,
                currency=currency,
                accounts=count,
                cured=int(cured_count),
                cure_rate=round(int(cured_count) / count, 4) if count else 0.0,
                overdue_minor=overdue,
                recovered_minor=paid,
                recovery_rate=round(paid / overdue, 4) if overdue else 0.0,
            )
        )
    return rows
