"""The supervisors' numbers: contact rate, proof of visit, promises and plans kept, money."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.arrangements import ArrangementState
from fieldcore.outcomes import RIGHT_PARTY_CONTACTS
from fieldcore.stages import Stage, days_past_due, stage_for
from headoffice.ledger.judging import JudgedInstalment, judged_instalments
from headoffice.store.tables import accounts, arrangements, collectors, outcomes, payments, visits
from headoffice.wire import UNASSIGNED, FiguresWire

GROUPINGS = ("collector", "stage", "day")
_SETTLED = {
    ArrangementState.KEPT: "kept",
    ArrangementState.PARTLY_KEPT: "partly_kept",
    ArrangementState.BROKEN: "broken",
}


@dataclass
class Figures:
    """The figures of one group (a collector, a stage or a day); docs/NUMBERS.md defines each."""

    key: str
    visits: int = 0
    contacts: int = 0
    # Proof of visit, of visits at the door only: a call is made from anywhere.
    door_visits: int = 0
    visits_with_fix: int = 0
    # A fix at an account with coordinates: only these can be judged near or far.
    visits_measured: int = 0
    visits_within_distance: int = 0
    # Promises and plans taken in the period, judged on today by the arrangements' rule.
    promises_taken: int = 0
    promises_kept: int = 0
    promises_partly_kept: int = 0
    promises_broken: int = 0
    plans_taken: int = 0
    # Every instalment of them (a promise is one): due = kept + partly kept + broken.
    instalments_due: int = 0
    instalments_kept: int = 0
    instalments_partly_kept: int = 0
    instalments_broken: int = 0
    instalments_open: int = 0
    instalments_replaced: int = 0
    # Per currency, in minor units: what fell due, what reached it by its date, what is open.
    amount_due: dict[str, int] = field(default_factory=dict)
    amount_kept: dict[str, int] = field(default_factory=dict)
    amount_open: dict[str, int] = field(default_factory=dict)
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
        return _share(self.contacts, self.visits)

    @property
    def fix_rate(self) -> float:
        """Share of door visits saved with a GPS fix (0 when there were none)."""
        return _share(self.visits_with_fix, self.door_visits)

    @property
    def within_distance_rate(self) -> float:
        """Share of measured visits within the policy's distance (0 when none was measured)."""
        return _share(self.visits_within_distance, self.visits_measured)

    @property
    def kept_share(self) -> dict[str, float]:
        """Per currency, the share of the amount due that was kept by its dates."""
        return {c: _share(self.amount_kept.get(c, 0), due) for c, due in self.amount_due.items()}

    @property
    def collected(self) -> dict[str, int]:
        """Field and bank money added up, per currency."""
        return _added({}, self.collected_field, self.collected_bank)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def numbers(engine: Engine, by: str, since: date, until: date, today: date) -> list[Figures]:
    """Figures for outcomes recorded, arrangements made and bank payments paid from `since`
    to `until` (inclusive), grouped `by`."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    return breakdown(engine, since, until, today)[by]


def breakdown(engine: Engine, since: date, until: date, today: date) -> dict[str, list[Figures]]:
    """The period's figures by collector, by stage and by day, in one pass over its outcomes.

    A promise or plan counts where and when it was made (its collector, the account's
    stage that day), each instalment judged on `today` in SQL against payments from the
    field and from payment files (headoffice.ledger.judging). Bank payments paid
    in the period count by the day paid, the account's stage that day, and the collector
    whose route last had the account (see _bank_payments).
    """
    if until < since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                outcomes.c.outcome,
                outcomes.c.amount_minor,
                outcomes.c.currency,
                outcomes.c.recorded_at,
                outcomes.c.policy_rules,
                outcomes.c.details,
                outcomes.c.fix_status,
                outcomes.c.distance_m,
                outcomes.c.far_from_address,
                accounts.c.oldest_due_date,
                collectors.c.name.label("collector"),
            )
            .join(accounts, accounts.c.account_id == outcomes.c.account_id)
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.recorded_at >= start, outcomes.c.recorded_at < end)
        ).all()
        # An arrangement's day is the UTC day of its outcome, as the period's outcomes are.
        parts = judged_instalments(conn, today, made_between=(since, until))
        oldest_due = _oldest_due_of_arrangements(conn, since, until)
        bank = _bank_payments(conn, since, until)
    groups: dict[str, dict[str, Figures]] = {by: {} for by in GROUPINGS}
    groups["stage"] = {stage.value: Figures(stage.value) for stage in Stage}
    for row in rows:
        day = row.recorded_at.date()
        for figures in _groups_of(groups, row.collector, row.oldest_due_date, day):
            _count(figures, row)
    for part in parts:
        # Like outcomes, an arrangement of an account no longer in the portfolio is left out.
        if part.account_id in oldest_due:
            collector = part.collector or UNASSIGNED
            for figures in _groups_of(groups, collector, oldest_due[part.account_id], part.made_on):
                _judged(figures, part)
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


def _oldest_due_of_arrangements(conn: Connection, since: date, until: date) -> dict[str, date]:
    """The oldest due date of each account with an arrangement made in the period."""
    made = sa.select(arrangements.c.account_id).where(
        arrangements.c.made_on >= since, arrangements.c.made_on <= until
    )
    query = sa.select(accounts.c.account_id, accounts.c.oldest_due_date).where(
        accounts.c.account_id.in_(made)
    )
    return dict(conn.execute(query).all())


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


def _count(figures: Figures, row: sa.Row) -> None:
    # Read only the details that say something here: a period may hold many outcomes.
    wanted = row.details and (row.policy_rules or '"channel"' in row.details)
    details = json.loads(row.details) if wanted else {}
    figures.visits += 1
    figures.contacts += row.outcome in RIGHT_PARTY_CONTACTS
    # The channel is left out of the details when it is the default, a visit.
    if details.get("channel", "visit") == "visit":
        figures.door_visits += 1
        figures.visits_with_fix += row.fix_status == "fix"
        # Head office measured the distance when the outcome arrived, with the policy
        # then in force: the same judgement the `location` review item shows.
        if row.distance_m is not None:
            figures.visits_measured += 1
            figures.visits_within_distance += not row.far_from_address
    if row.outcome == "paid" and row.amount_minor:
        _added(figures.collected_field, {row.currency: row.amount_minor})
    if row.policy_rules:
        overridden = bool(details.get("override"))
        figures.policy_overrides += overridden
        figures.policy_breaches += not overridden


def _judged(figures: Figures, part: JudgedInstalment) -> None:
    state, currency = part.state, part.currency
    if part.number == 1:  # the arrangement itself, once
        if part.kind == "promise":
            figures.promises_taken += 1
            if state in _SETTLED:
                name = f"promises_{_SETTLED[state]}"
                setattr(figures, name, getattr(figures, name) + 1)
        else:
            figures.plans_taken += 1
    if state in _SETTLED:
        name = f"instalments_{_SETTLED[state]}"
        setattr(figures, name, getattr(figures, name) + 1)
        figures.instalments_due += 1
        _added(figures.amount_due, {currency: part.amount_minor})
        _added(figures.amount_kept, {currency: part.on_time_minor})
    elif state is ArrangementState.OPEN:
        figures.instalments_open += 1
        _added(figures.amount_open, {currency: part.amount_minor})
    else:
        figures.instalments_replaced += 1


def _added(into: dict[str, int], *amounts: Mapping[str, int]) -> dict[str, int]:
    """`into` with each per-currency amount added to it."""
    for by_currency in amounts:
        for currency, minor in by_currency.items():
            into[currency] = into.get(currency, 0) + minor
    return into


def totals(found: list[Figures]) -> Figures:
    """All groups added up: every count and every per-currency amount."""
    total = Figures("total")
    for figures in found:
        for each in fields(Figures):
            mine, theirs = getattr(total, each.name), getattr(figures, each.name)
            if isinstance(theirs, dict):
                _added(mine, theirs)
            elif isinstance(theirs, int):
                setattr(total, each.name, mine + theirs)
    return total


def figures_wire(figures: Figures) -> FiguresWire:
    """One group's figures as the API, the console and `headoffice numbers --format json`
    show them: the shares rounded to four places."""
    counted = {each.name: getattr(figures, each.name) for each in fields(Figures)}
    return FiguresWire(
        **counted,
        contact_rate=round(figures.contact_rate, 4),
        fix_rate=round(figures.fix_rate, 4),
        within_distance_rate=round(figures.within_distance_rate, 4),
        kept_share={c: round(s, 4) for c, s in figures.kept_share.items()},
        collected=figures.collected,
    )
