"""Collector efficiency: visits a day, right-party contacts, money and kept promises per visit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headoffice.oversight.numbers import breakdown
from headoffice.store.db import utc_date
from headoffice.store.tables import collectors, outcomes
from headoffice.wire.views import CollectorRow


def collector_figures(engine: Engine, since: date, until: date, today: date) -> list[CollectorRow]:
    """Each collector with outcomes, promises or money in the period, from the same figures
    as `headoffice numbers --by collector`, per day worked and per visit."""
    figures = breakdown(engine, since, until, today)["collector"]
    worked = _days_worked(engine, since, until)
    rows = []
    for each in figures:
        visits, days = each.visits, worked.get(each.key, 0)
        collected = each.collected
        rows.append(
            CollectorRow(
                collector=each.key,
                days_worked=days,
                visits=visits,
                visits_per_day=round(visits / days, 2) if days else 0.0,
                contacts=each.contacts,
                contact_rate=round(each.contact_rate, 4),
                promises_taken=each.promises_taken,
                promises_kept=each.promises_kept,
                promises_kept_per_visit=round(each.promises_kept / visits, 4) if visits else 0.0,
                collected=collected,
                # Whole minor units: a share of a cent means nothing on a collector's sheet.
                money_per_visit={c: m // visits for c, m in collected.items()} if visits else {},
                policy_breaches=each.policy_breaches,
                policy_overrides=each.policy_overrides,
            )
        )
    return rows


def _days_worked(engine: Engine, since: date, until: date) -> dict[str, int]:
    """Per collector, the UTC days of the period with at least one outcome."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    with engine.connect() as conn:
        day = utc_date(outcomes.c.recorded_at, conn.dialect.name)
        query = (
            sa.select(collectors.c.name, sa.func.count(sa.distinct(day)))
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
            .group_by(collectors.c.name)
        )
        return dict(conn.execute(query).all())
