"""Outcome codes of a visit, the fields each one needs, and the rules before it is saved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldcore.errors import FieldErrors, from_validation_error
from fieldcore.money import parse_amount

# The default contact policy's longest promise window; the policy file may set another.
LONGEST_PROMISE_DAYS = 30
LONGEST_CALLBACK_DAYS = 30


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


# Outcomes where the collector spoke with the borrower: the contact rate counts these.
RIGHT_PARTY_CONTACTS = frozenset(
    {
        OutcomeCode.PROMISE,
        OutcomeCode.PAID,
        OutcomeCode.REFUSED,
        OutcomeCode.DISPUTE,
        OutcomeCode.HARDSHIP,
        OutcomeCode.CALLBACK,
    }
)


class PaymentMethod(StrEnum):
    """How money changed hands."""

    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
    CHEQUE = "cheque"


class DefaultReason(StrEnum):
    """Why the borrower fell behind, as far as the collector could learn."""

    JOB_LOSS = "job_loss"
    ILLNESS = "illness"
    BUSINESS_DOWNTURN = "business_downturn"
    OVERINDEBTED = "overindebted"
    DISPUTES_DEBT = "disputes_debt"
    WILL_NOT_PAY = "will_not_pay"
    OTHER = "other"


class Ability(StrEnum):
    """Can the borrower pay: the cash-flow side of the sources' classification."""

    ABLE = "able"
    SHORT_FOR_NOW = "short_for_now"
    LASTING_LOSS = "lasting_loss"


class Willingness(StrEnum):
    """Will the borrower pay: the intent side of the classification."""

    WILLING = "willing"
    RELUCTANT = "reluctant"
    REFUSES = "refuses"


class ThirdParty(StrEnum):
    """Who besides the borrower was spoken to."""

    SPOUSE = "spouse"
    EMPLOYER = "employer"
    GUARANTOR = "guarantor"
    RELATIVE = "relative"
    NEIGHBOUR = "neighbour"
    OTHER = "other"


# Which fields each code asks for, in form order. Everything else is refused
# for that code rather than silently dropped.
CODE_FIELDS: dict[OutcomeCode, tuple[str, ...]] = {
    OutcomeCode.PROMISE: ("amount", "promise_date"),
    OutcomeCode.PAID: ("amount", "method"),
    OutcomeCode.NOT_HOME: (),
    OutcomeCode.REFUSED: (),
    OutcomeCode.DISPUTE: ("dispute_reason",),
    OutcomeCode.HARDSHIP: ("instalment", "term_months"),
    OutcomeCode.MOVED: ("new_address",),
    OutcomeCode.CALLBACK: ("callback_at",),
    OutcomeCode.THIRD_PARTY: ("contact_who",),
    OutcomeCode.DECEASED: (),
}
COMMON_FIELDS = ("default_reason", "ability", "willingness", "note")
NEEDS_NOTE = {OutcomeCode.THIRD_PARTY}
SPECIFIC_FIELDS = tuple(dict.fromkeys(f for fs in CODE_FIELDS.values() for f in fs))


_HINTS = {
    "method": ", ".join(m.value for m in PaymentMethod),
    "contact_who": ", ".join(t.value for t in ThirdParty),
    "term_months": "months, 1 to 120",
    "callback_at": "YYYY-MM-DD HH:MM",
    "promise_date": "YYYY-MM-DD",
}


class OutcomeForm(BaseModel):
    """What the collector typed, before the rules that depend on the account."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    outcome: OutcomeCode
    amount: str | None = None
    promise_date: date | None = None
    method: PaymentMethod | None = None
    dispute_reason: str | None = Field(None, max_length=500)
    instalment: str | None = None
    term_months: int | None = Field(None, ge=1, le=120)
    new_address: str | None = Field(None, max_length=500)
    callback_at: datetime | None = None
    contact_who: ThirdParty | None = None
    default_reason: DefaultReason | None = None
    ability: Ability | None = None
    willingness: Willingness | None = None
    note: str = Field("", max_length=2000)


class OutcomeDetails(BaseModel):
    """What a code adds beyond amount, date and method; travels as one object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dispute_reason: str | None = None
    instalment_minor: int | None = None
    term_months: int | None = None
    new_address: str | None = None
    callback_at: datetime | None = None
    contact_who: ThirdParty | None = None
    default_reason: DefaultReason | None = None
    ability: Ability | None = None
    willingness: Willingness | None = None
    script_id: str | None = None
    script_version: int | None = None
    script_step: int | None = None


class CheckedOutcome(BaseModel):
    """An outcome that met every rule, with amounts in minor units of the account's currency."""

    model_config = ConfigDict(frozen=True)

    outcome: OutcomeCode
    amount_minor: int | None
    currency: str | None
    promise_date: date | None
    method: PaymentMethod | None
    note: str
    details: OutcomeDetails = OutcomeDetails()


def check_outcome(
    raw: Mapping[str, object],
    *,
    currency: str,
    outstanding_minor: int,
    today: date,
    now: datetime | None = None,
    longest_promise_days: int = LONGEST_PROMISE_DAYS,
) -> CheckedOutcome:
    """Apply the outcome rules; raise FieldErrors naming each field that is wrong.

    The CLI and the form both call this, so they refuse exactly the same things.
    `now` is the borrower's local time, for callbacks.
    """
    cleaned = {k: v for k, v in raw.items() if v not in (None, "")}
    try:
        form = OutcomeForm.model_validate(cleaned)
    except ValidationError as error:
        raise FieldErrors(from_validation_error(error)) from None

    code = form.outcome
    wanted = CODE_FIELDS[code]
    errors: dict[str, str] = {}
    for name in SPECIFIC_FIELDS:
        given = getattr(form, name) is not None
        if name in wanted and not given:
            hint = _HINTS.get(name)
            errors[name] = f"is required for {code.value}" + (f" ({hint})" if hint else "")
        elif name not in wanted and given:
            errors[name] = f"does not apply to {code.value}"

    def money(name: str) -> int | None:
        text = getattr(form, name)
        if text is None or name in errors:
            return None
        try:
            minor = parse_amount(text, currency, allow_zero=False)
        except ValueError as error:
            errors[name] = str(error)
            return None
        if minor > outstanding_minor:
            errors[name] = "is more than the outstanding balance"
        return minor

    amount_minor = money("amount")
    instalment_minor = money("instalment")
    if form.promise_date is not None and "promise_date" not in errors:
        if form.promise_date < today:
            errors["promise_date"] = "is in the past"
        elif form.promise_date > today + timedelta(days=longest_promise_days):
            errors["promise_date"] = f"is more than {longest_promise_days} days away"
    if form.callback_at is not None and "callback_at" not in errors:
        local_now = (now or datetime.combine(today, datetime.min.time())).replace(tzinfo=None)
        when = form.callback_at.replace(tzinfo=None)
        if when < local_now:
            errors["callback_at"] = "is in the past"
        elif when > local_now + timedelta(days=LONGEST_CALLBACK_DAYS):
            errors["callback_at"] = f"is more than {LONGEST_CALLBACK_DAYS} days away"
    if code in NEEDS_NOTE and not form.note:
        errors["note"] = f"is required for {code.value}: say why"
    if errors:
        raise FieldErrors(errors)
    return CheckedOutcome(
        outcome=code,
        amount_minor=amount_minor,
        currency=currency if amount_minor is not None else None,
        promise_date=form.promise_date,
        method=form.method,
        note=form.note,
        details=OutcomeDetails(
            dispute_reason=form.dispute_reason,
            instalment_minor=instalment_minor,
            term_months=form.term_months,
            new_address=form.new_address,
            callback_at=form.callback_at.replace(tzinfo=None) if form.callback_at else None,
            contact_who=form.contact_who,
            default_reason=form.default_reason,
            ability=form.ability,
            willingness=form.willingness,
        ),
    )
