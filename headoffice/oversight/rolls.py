"""Roll rates: the accounts in each stage on a month's first day, and where its end found them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.keeping import CloseReason
from fieldcore.stages import Stage
from headoffice.ledger.history import ORDER, standing_on
from headoffice.oversight.months import Month, months
from headoffice.store.tables import accounts
from headoffice.wire.views import RollRow

_OVERDUE = (Stage.EARLY, Stage.MIDDLE, Stage.LATE)
_PAID = (CloseReason.REPAID.value, CloseReason.SETTLED.value)


def rolls(engine: Engine, since: date, until: date, today: date) -> list[RollRow]:
    """Each month of the period, each overdue stage: how many cured, improved, stayed,
    rolled into a later stage or closed unpaid (docs/NUMBERS.md)."""
    with engine.connect() as conn:
        return [row for month in months(since, until, today) for row in _month(conn, month)]


def _month(conn: sa.Connection, month: Month) -> list[RollRow]:
    start, end = standing_on(month.first), standing_on(month.end)
    a = accounts.c
    closed = sa.and_(a.closed_on.is_not(None), a.closed_on <= month.end)
    rank = {stage.value: n for n, stage in enumerate(ORDER)}
    before, after = _rank(start.c.stage, rank), _rank(end.c.stage, rank)
    fate = sa.case(
        (sa.and_(closed, a.closed_reason.in_(_PAID)), "cured"),
        (closed, "closed"),
        (end.c.stage == Stage.CURRENT.value, "cured"),
        (after < before, "improved"),
        (after == before, "stayed"),
        else_="rolled",
    ).label("fate")
    query = (
        sa.select(start.c.stage, fate, sa.func.count())
        .select_from(start)
        .join(accounts, a.account_id == start.c.account_id)
        .join(end, end.c.account_id == start.c.account_id)
        .where(
            start.c.stage.in_([s.value for s in _OVERDUE]),
            sa.or_(a.closed_on.is_(None), a.closed_on > month.first),
        )
        .group_by(start.c.stage, fate)
    )
    counts: dict[str, dict[str, int]] = {s.value: {} for s in _OVERDUE}
    for stage, outcome, count in conn.execute(query):
        counts[stage][outcome] = count
    return [_row(month, stage, found) for stage, found in counts.items()]


def _rank(stage: sa.ColumnElement[str], rank: dict[str, int]) -> sa.ColumnElement[int]:
    return sa.case(*((stage == name, n) for name, n in rank.items()), else_=0)


def _row(month: Month, stage: str, found: dict[str, int]) -> RollRow:
    total = sum(found.values())
    share = (lambda n: round(n / total, 4)) if total else (lambda n: 0.0)
    return RollRow(
        month=month.label,
        complete=month.complete,
        stage=stage,
        accounts=total,
        cured=found.get("cured", 0),
        improved=found.get("improved", 0),
        stayed=found.get("stayed", 0),
        rolled=found.get("rolled", 0),
        closed=found.get("closed", 0),
        cure_rate=share(found.get("cured", 0)),
        roll_rate=share(found.get("rolled", 0)),
    )
