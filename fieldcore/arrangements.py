"""Promises and payment plans: the schedule of what falls due, and how each part is judged.

A promise is an arrangement of one instalment. Payments on the account from the day
the arrangement was made are applied to its instalments oldest first; an instalment
counts what had reached it by its own due date, so a payment that comes late helps
the instalments still ahead and never turns a missed one into a kept one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Every(StrEnum):
    """How often a plan's instalments fall due."""

    WEEK = "week"
    FORTNIGHT = "fortnight"
    MONTH = "month"


class ArrangementState(StrEnum):
    """Where an instalment (or a promise) stands on a given day."""

    OPEN = "open"  # not yet due, and not yet paid in full
    KEPT = "kept"  # paid in full by its date
    PARTLY_KEPT = "partly_kept"  # due and passed with part of it paid
    BROKEN = "broken"  # due and passed with nothing paid
    REPLACED = "replaced"  # a newer promise or plan took over before it fell due


# The longest plan a collector may agree at the door, unless the policy sets another.
LONGEST_PLAN_MONTHS = 24
MOST_INSTALMENTS = 120


@dataclass(frozen=True)
class Instalment:
    """One part of an arrangement: its number (from 1), due date and amount in minor units."""

    number: int
    due: date
    amount_minor: int


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of a shorter month (31 Jan -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(first: date, count: int, every: Every) -> list[date]:
    """When each of `count` instalments falls due, the first on `first`."""
    if every is Every.MONTH:
        return [add_months(first, n) for n in range(count)]
    step = timedelta(weeks=1 if every is Every.WEEK else 2)
    return [first + n * step for n in range(count)]


def schedule(total_minor: int, count: int, every: Every, first: date) -> list[Instalment]:
    """`total_minor` split into `count` instalments: equal parts, the last one taking the
    remainder, so the parts add up to the total to the last minor unit."""
    if count < 1 or total_minor < count:
        raise ValueError("a plan has at least one instalment of at least one minor unit each")
    part = total_minor // count
    amounts = [part] * (count - 1) + [total_minor - part * (count - 1)]
    return [
        Instalment(number=n + 1, due=due, amount_minor=amount)
        for n, (due, amount) in enumerate(zip(due_dates(first, count, every), amounts, strict=True))
    ]


def plan_problems(
    total_minor: int,
    count: int,
    every: Every,
    first: date,
    *,
    outstanding_minor: int,
    today: date,
    longest_months: int = LONGEST_PLAN_MONTHS,
) -> dict[str, str]:
    """What is wrong with a plan, by form field: {field: what is wrong}."""
    errors: dict[str, str] = {}
    if total_minor > outstanding_minor:
        errors["amount"] = "is more than the outstanding balance"
    if not 1 <= count <= MOST_INSTALMENTS:
        errors["instalments"] = f"is 1 to {MOST_INSTALMENTS} instalments"
    elif total_minor < count:
        errors["instalments"] = "leaves an instalment of less than one minor unit"
    if first < today:
        errors["first_date"] = "is in the past"
    elif first > add_months(today, 1):
        errors["first_date"] = "is more than a month away: the first instalment comes sooner"
    if "instalments" not in errors and "first_date" not in errors:
        last = due_dates(first, count, every)[-1]
        if last > add_months(today, longest_months):
            errors["instalments"] = (
                f"end the plan on {last.isoformat()}, past the longest term of "
                f"{longest_months} months"
            )
    return errors


def judge(
    amount_minor: int, on_time_minor: int, due: date, today: date, replaced: bool = False
) -> ArrangementState:
    """An instalment's state from what reached it by its due date."""
    if replaced:
        return ArrangementState.REPLACED
    if on_time_minor >= amount_minor:
        return ArrangementState.KEPT
    if today <= due:
        return ArrangementState.OPEN
    return ArrangementState.PARTLY_KEPT if on_time_minor > 0 else ArrangementState.BROKEN


@dataclass(frozen=True)
class Judged:
    """An instalment with what reached it by its date, what reached it by today, its state."""

    instalment: Instalment
    on_time_minor: int
    paid_minor: int
    state: ArrangementState


def judge_instalments(
    instalments: list[Instalment],
    payments: list[tuple[date, int]],
    made_on: date,
    today: date,
    replaced_on: date | None = None,
) -> list[Judged]:
    """Each instalment judged against the account's payments (day, minor units).

    Payments from `made_on` (until a newer arrangement replaced this one on
    `replaced_on`) are applied oldest instalment first. An instalment is kept when
    the money that had come in by its due date covers it and every one before it;
    money that comes later still counts as paid, toward the oldest still short.
    Head office computes the same in SQL (headoffice.ledger.judging).
    """
    end = min(today, replaced_on - timedelta(days=1)) if replaced_on else today

    def reached(until: date) -> int:
        return sum(amount for day, amount in payments if made_on <= day <= min(until, end))

    everything = reached(end)
    found = []
    before = 0
    for instalment in instalments:
        amount = instalment.amount_minor
        on_time = max(0, min(amount, reached(instalment.due) - before))
        paid = max(0, min(amount, everything - before))
        replaced = replaced_on is not None and instalment.due >= replaced_on and on_time < amount
        state = judge(amount, on_time, instalment.due, today, replaced)
        found.append(Judged(instalment, on_time, paid, state))
        before += amount
    return found
