"""Cash that reaches the bank: a deposit as the collector records it, and what is still held.

Cash receipted at doors is matched with the collector's deposits oldest first, in one
currency: what no deposit has covered is still with the collector, and its age is
counted in working days from the day the oldest of it was taken. Cash taken before a
deposit and not covered by it is a shortfall: that deposit should have held it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldcore.errors import FieldErrors, from_validation_error
from fieldcore.money import MoneyError, check_currency, parse_amount
from fieldcore.text import Line

# Cash may stay with a collector this many working days, unless the policy says otherwise.
CASH_DAYS = 2


class DepositForm(BaseModel):
    """What the collector typed: the amount paid in, its currency and the bank's slip."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    amount: str = Field(min_length=1, max_length=40)
    currency: str = Field(min_length=3, max_length=3)
    slip: Line = Field(min_length=1, max_length=60)


@dataclass(frozen=True)
class CheckedDeposit:
    """A deposit that met the rules, in minor units of its currency."""

    amount_minor: int
    currency: str
    slip: str


def check_deposit(raw: Mapping[str, object]) -> CheckedDeposit:
    """Apply the deposit's rules; raise FieldErrors naming each field that is wrong."""
    cleaned = {k: v for k, v in raw.items() if v not in (None, "")}
    try:
        form = DepositForm.model_validate(cleaned)
    except ValidationError as error:
        raise FieldErrors(from_validation_error(error)) from None
    try:
        currency = check_currency(form.currency)
    except MoneyError as error:
        raise FieldErrors({"currency": str(error)}) from None
    try:
        amount = parse_amount(form.amount, currency, allow_zero=False)
    except MoneyError as error:
        raise FieldErrors({"amount": str(error)}) from None
    return CheckedDeposit(amount_minor=amount, currency=currency, slip=form.slip)


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    days = weeks * 5
    for n in range(1, extra + 1):
        if (start + timedelta(days=n)).weekday() < 5:
            days += 1
    return days


@dataclass(frozen=True)
class CashHeld:
    """One collector's cash in one currency: taken, paid in, still held, and since when."""

    receipted_minor: int
    deposited_minor: int
    held_minor: int
    oldest_held: date | None  # the day the oldest cash not yet paid in was taken
    shortfall_minor: int  # cash taken before the last deposit that no deposit covered
    last_deposit: datetime | None


def cash_held(
    cash: Iterable[tuple[datetime, int]], deposits: Iterable[tuple[datetime, int]]
) -> CashHeld:
    """Match cash taken (moment, minor units) with deposits, oldest first."""
    taken = sorted(cash)
    paid_in = sorted(deposits)
    covered = sum(amount for _when, amount in paid_in)
    left = covered
    oldest = None
    held = 0
    for when, amount in taken:
        use = min(left, amount)
        left -= use
        if amount > use:
            held += amount - use
            oldest = oldest or when.date()
    last = paid_in[-1][0] if paid_in else None
    # Taken before the last deposit, yet left over once every deposit was applied.
    before_last = sum(amount for when, amount in taken if last is not None and when <= last)
    shortfall = max(0, before_last - covered)
    return CashHeld(
        receipted_minor=sum(amount for _when, amount in taken),
        deposited_minor=covered,
        held_minor=held,
        oldest_held=oldest,
        shortfall_minor=shortfall,
        last_deposit=last,
    )
