"""Each account's overdue figures by day, kept on write, and its stage on any day, in SQL.

Core banking's portfolio file says where an account stands today; the accounts table keeps
only that. Roll rates and cures ask where it stood on the first of each month, so every
import that changes an account's overdue figures adds a row here, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from fieldcore.stages import Stage
from headoffice.store.db import among
from headoffice.store.tables import account_history, accounts

# The stages in the order an account rolls through them.
ORDER = (Stage.CURRENT, Stage.EARLY, Stage.MIDDLE, Stage.LATE)


def record_history(
    conn: Connection, day: date, account_ids: Iterable[str] | sa.Select | None = None
) -> None:
    """Add a row for each of these accounts (or all) whose overdue figures differ from the
    latest row kept, as of `day`; a second change on the same day replaces that day's row.

    A first row starts on the day the oldest unpaid amount fell due when that is earlier:
    the account has been unpaid since then, by core banking's own figures.
    """
    a, h = accounts.c, account_history.c
    latest = (
        sa.select(h.oldest_due_date, h.overdue_minor)
        .where(h.account_id == a.account_id)
        .order_by(h.since.desc())
        .limit(1)
    )
    seen = latest.exists()
    differs = sa.or_(
        ~seen,
        latest.with_only_columns(h.oldest_due_date).scalar_subquery() != a.oldest_due_date,
        latest.with_only_columns(h.overdue_minor).scalar_subquery() != a.overdue_minor,
    )
    since = sa.case((sa.and_(~seen, a.oldest_due_date < day), a.oldest_due_date), else_=day)
    wheres = [None] if account_ids is None else list(among(a.account_id, account_ids))
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for where in wheres:
        changed = sa.select(
            a.account_id, since, a.oldest_due_date, a.overdue_minor, a.currency
        ).where(differs)
        if where is not None:
            changed = changed.where(where)
        statement = insert(account_history).from_select(
            ["account_id", "since", "oldest_due_date", "overdue_minor", "currency"], changed
        )
        excluded = statement.excluded
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "since"],
                set_={
                    "oldest_due_date": excluded.oldest_due_date,
                    "overdue_minor": excluded.overdue_minor,
                    "currency": excluded.currency,
                },
            )
        )


def standing_on(day: date) -> sa.Subquery:
    """Each account's overdue figures in force on `day` (accounts not yet known: no row),
    with its stage that day."""
    h = account_history.c
    latest = (
        sa.select(h.account_id, sa.func.max(h.since).label("since"))
        .where(h.since <= day)
        .group_by(h.account_id)
        .subquery("latest")
    )
    return (
        sa.select(
            h.account_id,
            h.oldest_due_date,
            h.overdue_minor,
            h.currency,
            stage_on(h.oldest_due_date, h.overdue_minor, day).label("stage"),
        )
        .join(latest, sa.and_(h.account_id == latest.c.account_id, h.since == latest.c.since))
        .subquery(f"standing_{day:%Y%m%d}")
    )


def days_between(later: sa.ColumnElement[date], earlier: sa.ColumnElement[date], dialect: str):
    """Whole days from `earlier` to `later`, two date columns, in either database."""
    if dialect == "postgresql":
        return later - earlier
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def stage_of_days(days: sa.ColumnElement[int]) -> sa.ColumnElement[str]:
    """fieldcore.stages.stage_for in SQL, for days past due worked out in the database."""
    return sa.case(
        (days <= 0, Stage.CURRENT.value),
        (days <= 30, Stage.EARLY.value),
        (days <= 90, Stage.MIDDLE.value),
        else_=Stage.LATE.value,
    )


def stage_on(
    oldest_due: sa.ColumnElement[date], overdue: sa.ColumnElement[int], day: date
) -> sa.ColumnElement[str]:
    """fieldcore.stages.stage_for in SQL: compared with dates worked out here, so both
    databases need no date arithmetic of their own."""
    return sa.case(
        (sa.or_(overdue <= 0, oldest_due >= day), Stage.CURRENT.value),
        (oldest_due >= day - timedelta(days=30), Stage.EARLY.value),
        (oldest_due >= day - timedelta(days=90), Stage.MIDDLE.value),
        else_=Stage.LATE.value,
    )
