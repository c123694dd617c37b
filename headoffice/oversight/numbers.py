"""The supervisors' numbers: contact rate, promises taken and kept, money collected."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.outcomes import RIGHT_PARTY_CONTACTS
from fieldcore.promises import PromiseState
from fieldcore.stages import Stage, days_past_due, stage_for
from headoffice.oversight.promises import promises
from headoffice.store.tables import accounts, collectors, outcomes, payments, visits
from headoffice.wire import UNASSIGNED

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
    # Contacts against the contact policy: found only at head office, and overridden
    # in the field with a reason.
    policy_breaches: int = 0
    policy_overrides: int = 0
    # Money taken in the field (`paid` outcomes), per currency, in minor units.
    collected_field: dict[str, int] = field(default_factory=dict)
    # Money from core banking's payment files (`headoffice import-payments`), likewise.
    collected_bank: dict[str, int] = field(default_factory=dict)

    @property
    def contact_rate(self) -> float:
        """Share of visits that reached the borrower (0 when there were none)."""
        return self.contacts / self.visits if self.visits else 0.0

    @property
    def collected(self) -> dict[str, int]:
        """Field and bank money added up, per currency."""
        return _added({}, self.collected_field, self.collected_bank)


def numbers(engine: Engine, by: str, since: date, until: date, today: date) -> list[Figures]:
    """Figures for outcomes recorded and bank payments paid from `since` to `until`
    (inclusive), grouped `by`."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    return breakdown(engine, since, until, today)[by]


def breakdown(engine: Engine, since: date, until: date, today: date) -> dict[str, list[Figures]]:
    """The period's figures by collector, by stage and by day, in one pass over its outcomes.

    A promise counts where and when it was taken; it is kept once payments of at
    least its amount arrive by its date, from the field or a payment file. Bank
    payments paid in the period count by the day paid, the account's stage that
    day, and the collector whose route last had the account (see _bank_payments).
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
                outcomes.c.policy_rules,
                outcomes.c.details,
                accounts.c.oldest_due_date,
                collectors.c.name.label("collector"),
            )
            .join(accounts, accounts.c.account_id == outcomes.c.account_id)
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
        ).all()
        states = {p.outcome_id: p.state for p in promises(conn, today, made_between=(start, end))}
        bank = _bank_payments(conn, since, until)
    groups: dict[str, dict[str, Figures]] = {by: {} for by in GROUPINGS}
    groups["stage"] = {stage.value: Figures(stage.value) for stage in Stage}
    for row in rows:
        day = row.recorded_at.date()
        for figures in _groups_of(groups, row.collector, row.oldest_due_date, day):
            _count(figures, row, states.get(row.id))
    for payment in bank:
        collector = payment.collector or UNASSIGNED
        for figures in _groups_of(groups, collector, payment.oldest_due_date, payment.paid_on):
            _added(figures.collected_bank, {payment.currency: payment.amount_minor})
    return {
        "collector": sorted(
            groups["collector"].values(), key=lambda f: (f.key == UNASSIGNED, f.key)
        ),
        "stage": list(groups["stage"].values()),
        "day": sorted(groups["day"].values(), key=lambda f: f.key),
    }


def _bank_payments(conn: Connection, since: date, until: date) -> list[sa.Row]:
    """Payment-file payments paid in the period, each with its account's oldest due date and
    the collector it counts for.

    That is the collector whose route had the account last, within the period and
    on or before the day it was paid: the visit the money followed. A payment
    with no such stop (the account was on no route, or only after it was paid)
    counts as unassigned. Field payments are in the table too, but they count
    from their outcomes, where the collector who took them is known.
    """
    last_route = (
        sa.select(collectors.c.name)
        .join(visits, visits.c.collector_id == collectors.c.collector_id)
        .where(
            visits.c.account_id == payments.c.account_id,
            visits.c.status == "assigned",
            visits.c.visit_date >= since,
            visits.c.visit_date <= payments.c.paid_on,
        )
        .order_by(visits.c.visit_date.desc(), visits.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    return list(
        conn.execute(
            sa.select(
                payments.c.amount_minor,
                payments.c.currency,
                payments.c.paid_on,
                accounts.c.oldest_due_date,
                last_route.label("collector"),
            )
            .join(accounts, accounts.c.account_id == payments.c.account_id)
            .where(
                payments.c.source == "import",
                payments.c.paid_on >= since,
                payments.c.paid_on <= until,
            )
        )
    )


def _groups_of(
    groups: dict[str, dict[str, Figures]], collector: str, oldest_due: date, day: date
) -> list[Figures]:
    """The collector's, the stage's (the account's on `day`) and the day's figures."""
    keys = {
        "collector": collector,
        "stage": stage_for(days_past_due(oldest_due, day)).value,
        "day": day.isoformat(),
    }
    return [
        groups[by].get(key) or groups[by].setdefault(key, Figures(key)) for by, key in keys.items()
    ]


def _count(figures: Figures, row, state: PromiseState | None) -> None:
    figures.visits += 1
    figures.contacts += row.outcome in RIGHT_PARTY_CONTACTS
    if row.outcome == "promise":
        figures.promises_taken += 1
        figures.promises_kept += state is PromiseState.KEPT
        figures.promises_broken += state is PromiseState.BROKEN
    if row.outcome == "paid" and row.amount_minor:
        _added(figures.collected_field, {row.currency: row.amount_minor})
    if row.policy_rules:
        overridden = bool(json.loads(row.details or "{}").get("override"))
        figures.policy_overrides += overridden
        figures.policy_breaches += not overridden


def _added(into: dict[str, int], *amounts: Mapping[str, int]) -> dict[str, int]:
    """`into` with each per-currency amount added to it."""
    for by_currency in amounts:
        for currency, minor in by_currency.items():
            into[currency] = into.get(currency, 0) + minor
    return into


def totals(found: list[Figures]) -> Figures:
    """All groups added up."""
    total = Figures("total")
    for figures in found:
        total.visits += figures.visits
        total.contacts += figures.contacts
        total.promises_taken += figures.promises_taken
        total.promises_kept += figures.promises_kept
        total.promises_broken += figures.promises_broken
        total.policy_breaches += figures.policy_breaches
        total.policy_overrides += figures.policy_overrides
        _added(total.collected_field, figures.collected_field)
        _added(total.collected_bank, figures.collected_bank)
    return total
