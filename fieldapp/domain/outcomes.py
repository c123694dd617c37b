"""Outcome codes of a visit and the rules an outcome must meet before it is saved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldapp.domain.errors import FieldErrors, from_validation_error
from fieldapp.domain.money import parse_amount

# The contact policy's longest promise window until policy arrives as data (issue 4).
LONGEST_PROMISE_DAYS = 30


class OutcomeCode(StrEnum):
    """What happened at the door or on the phone."""

    PROMISE = "promise"
    PAID = "paid"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    DISPUTE = "dispute"
    HARDSHIP = "hardship"
    MOVED = "moved"
    CALLBACK = "callback"
    THIRD_PARTY = "third_party"
    DECEASED = "deceased"


class PaymentMethod(StrEnum):
    """How money changed hands."""

    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
    CHEQUE = "cheque"


OUTCOME_LABELS: dict[OutcomeCode, str] = {
    OutcomeCode.PROMISE: "Promise to pay",
    OutcomeCode.PAID: "Paid (receipt given)",
    OutcomeCode.NOT_HOME: "Nobody home",
    OutcomeCode.REFUSED: "Refused to pay",
    OutcomeCode.DISPUTE: "Disputes the debt",
    OutcomeCode.HARDSHIP: "Hardship",
    OutcomeCode.MOVED: "Moved away",
    OutcomeCode.CALLBACK: "Call back later",
    OutcomeCode.THIRD_PARTY: "Spoke to a third party",
    OutcomeCode.DECEASED: "Borrower deceased",
}

NEEDS_AMOUNT = {OutcomeCode.PROMISE, OutcomeCode.PAID}
NEEDS_NOTE = {OutcomeCode.DISPUTE, OutcomeCode.THIRD_PARTY}


class OutcomeForm(BaseModel):
    """What the collector typed, before the rules that depend on the account are applied."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    outcome: OutcomeCode
    amount: str | None = None
    promise_date: date | None = None
    method: PaymentMethod | None = None
    note: str = Field("", max_length=2000)


class CheckedOutcome(BaseModel):
    """An outcome that met every rule, with its amount in minor units of the account's currency."""

    model_config = ConfigDict(frozen=True)

    outcome: OutcomeCode
    amount_minor: int | None
    currency: str | None
    promise_date: date | None
    method: PaymentMethod | None
    note: str


def check_outcome(
    raw: Mapping[str, object], *, currency: str, outstanding_minor: int, today: date
) -> CheckedOutcome:
    """Apply the outcome rules; raise FieldErrors naming each field that is wrong.

    The CLI and the form both call this, so they refuse exactly the same things.
    """
    cleaned = {k: v for k, v in raw.items() if v not in (None, "")}
    try:
        form = OutcomeForm.model_validate(cleaned)
    except ValidationError as error:
        raise FieldErrors(from_validation_error(error)) from None

    errors: dict[str, str] = {}
    code = form.outcome
    amount_minor: int | None = None
    if code in NEEDS_AMOUNT:
        if form.amount is None:
            errors["amount"] = f"is required for {code.value}"
        else:
            try:
                amount_minor = parse_amount(form.amount, currency, allow_zero=False)
            except ValueError as error:
                errors["amount"] = str(error)
            else:
                if amount_minor > outstanding_minor:
                    errors["amount"] = "is more than the outstanding balance"
    elif form.amount is not None:
        errors["amount"] = f"does not apply to {code.value}"

    if code is OutcomeCode.PROMISE:
        if form.promise_date is None:
            errors["promise_date"] = "is required for a promise"
        elif form.promise_date < today:
            errors["promise_date"] = "is in the past"
        elif form.promise_date > today + timedelta(days=LONGEST_PROMISE_DAYS):
            errors["promise_date"] = f"is more than {LONGEST_PROMISE_DAYS} days away"
    elif form.promise_date is not None:
        errors["promise_date"] = f"does not apply to {code.value}"

    if code is OutcomeCode.PAID:
        if form.method is None:
            errors["method"] = "is required for a payment (cash, card, transfer or cheque)"
    elif form.method is not None:
        errors["method"] = f"does not apply to {code.value}"

    if code in NEEDS_NOTE and not form.note:
        errors["note"] = f"is required for {code.value}: say who or why"

    if errors:
        raise FieldErrors(errors)
    return CheckedOutcome(
        outcome=code,
        amount_minor=amount_minor,
        currency=currency if amount_minor is not None else None,
        promise_date=form.promise_date,
        method=form.method,
        note=form.note,
    )
