"""Promises by month: taken, kept, broken, the amount kept; and how soon a first visit pays."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.arrangements import ArrangementState
from fieldcore.stages import days_past_due, stage_for
from headoffice.ledger.judging import judged_instalments
from headoffice.oversight.months import Month, months
from headoffice.store.db import utc
from headoffice.store.tables import account_history, accounts, collectors, outcomes, payments
from headoffice.wire import UNASSIGNED
from headoffice.wire.views import PromiseRow

_STATES = ("kept", "partly_kept", "broken", "open", "replaced")


def promise_figures(
    engine: Engine, by: str, since: date, until: date, today: date
) -> list[PromiseRow]:
    """Each month, by the collector who took them or the account's stage that day: the
    promises made, each judged on `today`, and the accounts first visited that month with
    the median days to their first payment (docs/NUMBERS.md)."""
    with engine.connect() as conn:
        found: list[PromiseRow] = []
        for month in months(since, until, today):
            found += _month(conn, month, by, today)
        return found


def _month(conn: Connection, month: Month, by: str, today: date) -> list[PromiseRow]:
    last = min(month.last, today)
    groups: dict[tuple[str, str], dict] = defaultdict(_empty)
    promises = [
        part
        for part in judged_instalments(conn, today, made_between=(month.first, last))
        if part.kind == "promise"
    ]
    stages = (
        _stages_on(conn, {(p.account_id, p.made_on) for p in promises}) if by == "stage" else {}
    )
    for part in promises:
        if by == "stage":
            name = stages[(part.account_id, part.made_on)]
        else:
            name = part.collector or UNASSIGNED
        group = groups[(name, part.currency)]
        group["taken"] += 1
        group[_state_name(part.state)] += 1
        group["promised_minor"] += part.amount_minor
        group["kept_minor"] += part.on_time_minor
    for name, currency, days in _first_visits(conn, month, by, today):
        group = groups[(name, currency)]
        group["first_visits"] += 1
        if days is not None:
            group["days"].append(days)
    return [_row(month, name, currency, g) for (name, currency), g in sorted(groups.items())]


def _empty() -> dict:
    return {name: 0 for name in ("taken", *_STATES, "promised_minor", "kept_minor")} | {
        "first_visits": 0,
        "days": [],
    }


def _state_name(state: ArrangementState) -> str:
    return {
        ArrangementState.KEPT: "kept",
        ArrangementState.PARTLY_KEPT: "partly_kept",
        ArrangementState.BROKEN: "broken",
        ArrangementState.OPEN: "open",
    }.get(state, "replaced")


def _stages_on(conn: Connection, wanted: set[tuple[str, date]]) -> dict[tuple[str, date], str]:
    """Each account's stage on each day asked, from its overdue figures then."""
    h = account_history.c
    history: dict[str, list[tuple[date, date, int]]] = defaultdict(list)
    ids = sorted({account for account, _ in wanted})
    for start in range(0, len(ids), 500):
        query = sa.select(h.account_id, h.since, h.oldest_due_date, h.overdue_minor).where(
            h.account_id.in_(ids[start : start + 500])
        )
        for account, since, oldest_due, overdue in conn.execute(query.order_by(h.since)):
            history[account].append((since, oldest_due, overdue))
    found = {}
    for account, day in wanted:
        standing = [row for row in history[account] if row[0] <= day] or history[account][:1]
        if not standing:
            found[(account, day)] = "current"
            continue
        _since, oldest_due, overdue = standing[-1]
        found[(account, day)] = (
            "current" if overdue <= 0 else stage_for(days_past_due(oldest_due, day)).value
        )
    return found


def _first_visits(
    conn: Connection, month: Month, by: str, today: date
) -> list[tuple[str, str, int | None]]:
    """Accounts whose first outcome ever fell in the month: the group, the currency and the
    days to the first payment on or after that day (None: none yet)."""
    o, a = outcomes.c, accounts.c
    start = datetime.combine(month.first, time.min, tzinfo=UTC)
    end = datetime.combine(min(month.last, today) + timedelta(days=1), time.min, tzinfo=UTC)
    prior = outcomes.alias("prior")
    earlier = sa.select(prior.c.id).where(
        prior.c.account_id == o.account_id, prior.c.recorded_at < start
    )
    first = (
        sa.select(
            o.account_id,
            collectors.c.name,
            a.currency,
            o.recorded_at,
            sa.func.row_number()
            .over(partition_by=o.account_id, order_by=(o.recorded_at, o.id))
            .label("n"),
        )
        .join(accounts, a.account_id == o.account_id)
        .join(collectors, collectors.c.collector_id == o.collector_id)
        .where(o.recorded_at >= start, o.recorded_at < end, ~earlier.exists())
        .subquery("first")
    )
    rows = conn.execute(sa.select(first).where(first.c.n == 1)).all()
    firsts = {row.account_id: (row.name, row.currency, utc(row.recorded_at).date()) for row in rows}
    paid: dict[str, list[date]] = defaultdict(list)
    cohort = sa.select(first.c.account_id).where(first.c.n == 1)
    query = sa.select(payments.c.account_id, payments.c.paid_on).where(
        payments.c.account_id.in_(cohort), payments.c.paid_on >= month.first
    )
    for account, paid_on in conn.execute(query):
        paid[account].append(paid_on)
    stages = (
        _stages_on(conn, {(acc, day) for acc, (_n, _c, day) in firsts.items()})
        if by == "stage"
        else {}
    )
    found = []
    for account, (name, currency, day) in firsts.items():
        after = [d for d in paid[account] if d >= day]
        key = stages[(account, day)] if by == "stage" else name
        found.append((key, currency, (min(after) - day).days if after else None))
    return found


def _row(month: Month, name: str, currency: str, group: dict) -> PromiseRow:
    settled = group["kept"] + group["partly_kept"] + group["broken"]
    days = group["days"]
    return PromiseRow(
        month=month.label,
        key=name,
        currency=currency,
        **{state: group[state] for state in ("taken", *_STATES)},
        promised_minor=group["promised_minor"],
        kept_minor=group["kept_minor"],
        kept_rate=round(group["kept"] / settled, 4) if settled else 0.0,
        first_visits=group["first_visits"],
        paid_after_first_visit=len(days),
        days_to_first_payment=float(statistics.median(days)) if days else None,
    )
