"""The supervisors' numbers: contact rate, promises taken and kept, money collected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.outcomes import RIGHT_PARTY_CONTACTS
from fieldcore.promises import PromiseState
from fieldcore.stages import Stage, days_past_due, stage_for
from headoffice.oversight.promises import promises
from headoffice.store.tables import accounts, collectors, outcomes

GROUPINGS = ("collector", "stage", "day")


@dataclass
class Figures:
    """The figures of one group (a collector, a stage or a day)."""

    key: str
    visits: int = 0
    contacts: int = 0
    promises_taken: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    # Money taken in the field, per currency, in minor units.
    collected: dict[str, int] = field(default_factory=dict)

    @property
    def contact_rate(self) -> float:
        """Share of visits that reached the borrower (0 when there were none)."""
        return self.contacts / self.visits if self.visits else 0.0


def numbers(engine: Engine, by: str, since: date, until: date, today: date) -> list[Figures]:
    """Figures for outcomes recorded from `since` to `until` (inclusive), grouped `by`."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    return breakdown(engine, since, until, today)[by]


def breakdown(engine: Engine, since: date, until: date, today: date) -> dict[str, list[Figures]]:
    """The period's figures by collector, by stage and by day, in one pass over its outcomes.

    A promise counts where and when it was taken; it is kept once payments of at
    least its amount arrive by its date, from the field or a payment file.
    """
    if until < since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                outcomes.c.id,
                outcomes.c.outcome,
                outcomes.c.amount_minor,
                outcomes.c.currency,
                outcomes.c.recorded_at,
                accounts.c.oldest_due_date,
                collectors.c.name.label("collector"),
            )
            .join(accounts, accounts.c.account_id == outcomes.c.account_id)
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
        ).all()
        states = {p.outcome_id: p.state for p in promises(conn, today, made_between=(start, end))}
    groups: dict[str, dict[str, Figures]] = {by: {} for by in GROUPINGS}
    groups["stage"] = {stage.value: Figures(stage.value) for stage in Stage}
    for row in rows:
        day = row.recorded_at.date()
        keys = {
            "collector": row.collector,
            "stage": stage_for(days_past_due(row.oldest_due_date, day)).value,
            "day": day.isoformat(),
        }
        state = states.get(row.id)
        for by, key in keys.items():
            figures = groups[by].get(key) or groups[by].setdefault(key, Figures(key))
            _count(figures, row, state)
    return {
        "collector": sorted(groups["collector"].values(), key=lambda f: f.key),
        "stage": list(groups["stage"].values()),
        "day": sorted(groups["day"].values(), key=lambda f: f.key),
    }


def _count(figures: Figures, row, state: PromiseState | None) -> None:
    figures.visits += 1
    figures.contacts += row.outcome in RIGHT_PARTY_CONTACTS
    if row.outcome == "promise":
        figures.promises_taken += 1
        figures.promises_kept += state is PromiseState.KEPT
        figures.promises_broken += state is PromiseState.BROKEN
    if row.outcome == "paid" and row.amount_minor:
        figures.collected[row.currency] = figures.collected.get(row.currency, 0) + row.amount_minor


def totals(found: list[Figures]) -> Figures:
    """All groups added up."""
    total = Figures("total")
    collected: dict[str, int] = defaultdict(int)
    for figures in found:
        total.visits += figures.visits
        total.contacts += figures.contacts
        total.promises_taken += figures.promises_taken
        total.promises_kept += figures.promises_kept
        total.promises_broken += figures.promises_broken
        for currency, minor in figures.collected.items():
            collected[currency] += minor
    total.collected = dict(collected)
    return total
