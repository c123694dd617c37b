"""Outcome codes of a visit, the fields each one needs, and the rules before it is saved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from fieldcore.affordability import STATEMENT_CODES, Statement, statement_from_text
from fieldcore.arrangements import LONGEST_PLAN_MONTHS, MOST_INSTALMENTS, Every, plan_problems
from fieldcore.contact_fields import ContactRole, ThirdParty, contact_problems
from fieldcore.errors import FieldErrors, from_validation_error
from fieldcore.location import FixResult
from fieldcore.moments import Day, Moment, WallClock
from fieldcore.money import parse_amount
from fieldcore.policy import Channel
from fieldcore.situation import Ability as Ability
from fieldcore.situation import DefaultReason as DefaultReason
from fieldcore.situation import Willingness as Willingness
from fieldcore.text import Line, Lines, check_line, check_lines
from fieldcore.wholes import whole

# The default contact policy's longest promise window; the policy file may set another.
LONGEST_PROMISE_DAYS = 30
LONGEST_CALLBACK_DAYS = 30


class OutcomeCode(StrEnum):
    """What happened at the door or on the phone."""

    PROMISE = "promise"
    PLAN = "plan"
    PAID = "paid"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    DISPUTE = "dispute"
    HARDSHIP = "hardship"
    MOVED = "moved"
    CALLBACK = "callback"
    THIRD_PARTY = "third_party"
    DECEASED = "deceased"
    NO_ANSWER = "no_answer"


# Outcomes where the collector spoke with the borrower: the contact rate counts these.
RIGHT_PARTY_CONTACTS = frozenset(
    {
        OutcomeCode.PROMISE,
        OutcomeCode.PLAN,
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


# Which fields each code asks for, in form order. Everything else is refused
# for that code rather than silently dropped.
CODE_FIELDS: dict[OutcomeCode, tuple[str, ...]] = {
    OutcomeCode.PROMISE: ("amount", "promise_date"),
    OutcomeCode.PLAN: ("amount", "instalments", "every", "first_date"),
    OutcomeCode.PAID: ("amount", "method"),
    OutcomeCode.NOT_HOME: (),
    OutcomeCode.REFUSED: (),
    OutcomeCode.DISPUTE: ("dispute_reason",),
    OutcomeCode.HARDSHIP: ("instalment", "term_months"),
    OutcomeCode.MOVED: ("new_address",),
    OutcomeCode.CALLBACK: ("callback_at",),
    OutcomeCode.THIRD_PARTY: ("contact_who",),
    OutcomeCode.DECEASED: (),
    OutcomeCode.NO_ANSWER: (),
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
    "instalments": f"1 to {MOST_INSTALMENTS}",
    "every": ", ".join(e.value for e in Every),
    "first_date": "YYYY-MM-DD",
}
# Arrangements the borrower agrees: a dispute hold stops these, not a payment.
AGREEMENTS = frozenset({OutcomeCode.PROMISE, OutcomeCode.PLAN})


class OutcomeForm(BaseModel):
    """What the collector typed, before the rules that depend on the account."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    outcome: OutcomeCode
    amount: str | None = None
    promise_date: date | None = None
    instalments: int | None = Field(None, ge=1, le=MOST_INSTALMENTS)
    every: Every | None = None
    first_date: date | None = None
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
    # The contact itself: how, with whom, when (default now), and the policy's part.
    channel: Channel = Channel.VISIT
    role: ContactRole | None = None
    happened_at: datetime | None = None
    disclosure: bool = False
    override: str | None = Field(None, max_length=500)


class OutcomeDetails(BaseModel):
    """What a code adds beyond amount, date and method; travels as one object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Strict numbers and bounded text: these travel in every push.
    dispute_reason: Lines | None = Field(None, max_length=500)
    instalment_minor: whole(1, 10**15) | None = None
    term_months: whole(1, 120) | None = None
    # A plan: the total (the outcome's amount) in this many parts, this often, from this day.
    instalments: whole(1, MOST_INSTALMENTS) | None = None
    every: Every | None = None
    first_date: Day | None = None
    new_address: Line | None = Field(None, max_length=500)
    callback_at: WallClock | None = None
    contact_who: ThirdParty | None = None
    default_reason: DefaultReason | None = None
    ability: Ability | None = None
    willingness: Willingness | None = None
    script_id: Line | None = Field(None, max_length=100)
    script_version: whole(0, 10**9) | None = None
    script_step: whole(0, 10_000) | None = None
    # How and with whom; absent on outcomes from before channels (a visit to the borrower).
    channel: Channel | None = None
    role: ContactRole | None = None
    happened_at: Moment | None = None
    disclosure_given: StrictBool | None = None
    # The collector's reason for a contact the policy blocks, and the rules it broke.
    override: Lines | None = Field(None, max_length=500)
    overridden: tuple[Annotated[Line, Field(max_length=60)], ...] | None = Field(
        None, max_length=30
    )
    # Where the laptop was when the outcome was saved, or why it could not tell.
    location: FixResult | None = None
    # A plan's or hardship request's income and spending, as the borrower said them.
    statement: Statement | None = None


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


class Unreadable:
    """A value that was typed but could not be read (an amount like "12,3,4"), with why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


# The bounds of what a detail may hold, wherever it was typed or sent from.
LONGEST_REASON = 500
LONGEST_NOTE = 2000


def outcome_problems(
    code: OutcomeCode,
    values: Mapping[str, object],
    *,
    outstanding_minor: int,
    today: date,
    now: datetime,
    longest_promise_days: int = LONGEST_PROMISE_DAYS,
    longest_plan_months: int = LONGEST_PLAN_MONTHS,
    currency: str | None = None,
) -> dict[str, str]:
    """The rules every outcome meets, wherever it is checked: {field: what is wrong}.

    The laptop's form and CLI call this through check_outcome, and head office
    calls it on every pushed outcome, so the two refuse exactly the same
    things. `values` uses the form's field names with amounts in minor units
    (`amount`, `instalment`) and `statement` a Statement; `today` and `now` are
    the borrower's local date and time when the outcome was recorded, `currency`
    the account's.
    """
    errors: dict[str, str] = {}
    wanted = CODE_FIELDS[code]
    for name in SPECIFIC_FIELDS:
        given = values.get(name) is not None
        if name in wanted and not given:
            hint = _HINTS.get(name)
            errors[name] = f"is required for {code.value}" + (f" ({hint})" if hint else "")
        elif name not in wanted and given:
            errors[name] = f"does not apply to {code.value}"
    for name in ("amount", "instalment"):
        value = values.get(name)
        if name in errors:
            continue
        if isinstance(value, Unreadable):
            errors[name] = value.reason
        elif isinstance(value, int) and value < 1:
            errors[name] = "must be more than zero"
        elif isinstance(value, int) and value > outstanding_minor:
            errors[name] = "is more than the outstanding balance"
    promise_date = values.get("promise_date")
    if isinstance(promise_date, date) and "promise_date" not in errors:
        if promise_date < today:
            errors["promise_date"] = "is in the past"
        elif promise_date > today + timedelta(days=longest_promise_days):
            errors["promise_date"] = f"is more than {longest_promise_days} days away"
    callback_at = values.get("callback_at")
    if isinstance(callback_at, datetime) and "callback_at" not in errors:
        local_now = now.replace(tzinfo=None)
        when = callback_at.replace(tzinfo=None)
        if when < local_now:
            errors["callback_at"] = "is in the past"
        elif when > local_now + timedelta(days=LONGEST_CALLBACK_DAYS):
            errors["callback_at"] = f"is more than {LONGEST_CALLBACK_DAYS} days away"
    plan = [values.get(name) for name in ("amount", "instalments", "every", "first_date")]
    if code is OutcomeCode.PLAN and not any(n in errors for n in CODE_FIELDS[code]):
        total, count, every, first = plan
        if isinstance(total, int) and isinstance(count, int) and isinstance(first, date):
            found = plan_problems(
                total,
                count,
                Every(every),
                first,
                outstanding_minor=outstanding_minor,
                today=today,
                longest_months=longest_plan_months,
            )
            for name, why in found.items():
                errors.setdefault(name, why)
    term = values.get("term_months")
    if isinstance(term, int) and "term_months" not in errors and not 1 <= term <= 120:
        errors["term_months"] = "is 1 to 120 months"
    for name, longest, check in (
        ("dispute_reason", LONGEST_REASON, check_lines),
        ("new_address", LONGEST_REASON, check_line),
        ("note", LONGEST_NOTE, check_lines),
    ):
        text = values.get(name)
        if not isinstance(text, str) or name in errors:
            continue
        if len(text) > longest:
            errors[name] = f"is longer than {longest} characters"
            continue
        try:
            check(text)
        except ValueError as error:
            errors[name] = str(error)
    statement = values.get("statement")
    if statement is not None and code.value not in STATEMENT_CODES:
        errors["statement"] = f"does not apply to {code.value}"
    elif isinstance(statement, Statement) and currency and statement.currency != currency:
        errors["statement"] = f"is in {statement.currency}, the account is in {currency}"
    if code in NEEDS_NOTE and not values.get("note"):
        errors["note"] = f"is required for {code.value}: say why"
    errors |= contact_problems(code.value, values, now)
    return errors


def check_outcome(
    raw: Mapping[str, object],
    *,
    currency: str,
    outstanding_minor: int,
    today: date,
    now: datetime | None = None,
    longest_promise_days: int = LONGEST_PROMISE_DAYS,
    longest_plan_months: int = LONGEST_PLAN_MONTHS,
) -> CheckedOutcome:
    """Apply the outcome rules; raise FieldErrors naming each field that is wrong.

    The CLI and the form both call this, so they refuse exactly the same things.
    `now` is the borrower's local time, for callbacks.
    """
    cleaned = {k: v for k, v in raw.items() if v not in (None, "") and k != "statement"}
    try:
        form = OutcomeForm.model_validate(cleaned)
    except ValidationError as error:
        raise FieldErrors(from_validation_error(error)) from None
    # The statement's own lines are read first, each wrong one named; for a code that
    # takes no statement, outcome_problems says so once instead.
    typed = raw.get("statement")
    statement, statement_errors = None, {}
    if typed and form.outcome.value in STATEMENT_CODES:
        try:
            statement = statement_from_text(typed, currency)
        except FieldErrors as error:
            statement_errors = error.errors

    code = form.outcome
    values: dict[str, object] = {name: getattr(form, name) for name in SPECIFIC_FIELDS}
    values["note"] = form.note
    values |= {
        "channel": form.channel,
        "role": form.role,
        "happened_at": form.happened_at,
        "override": form.override,
        "statement": statement if form.outcome.value in STATEMENT_CODES else typed or None,
    }
    # Amounts are read in the account's currency only where the code asks for them.
    for name in ("amount", "instalment"):
        text = values[name]
        if isinstance(text, str) and name in CODE_FIELDS[code]:
            try:
                values[name] = parse_amount(text, currency, allow_zero=False)
            except ValueError as error:
                values[name] = Unreadable(str(error))
    errors = outcome_problems(
        code,
        values,
        outstanding_minor=outstanding_minor,
        today=today,
        now=now or datetime.combine(today, datetime.min.time()),
        longest_promise_days=longest_promise_days,
        longest_plan_months=longest_plan_months,
        currency=currency,
    )
    errors |= statement_errors
    if errors:
        raise FieldErrors(errors)
    happened = form.happened_at
    if happened is not None and happened.tzinfo is None and now is not None:
        # Typed without an offset: the borrower's wall clock.
        happened = happened.replace(tzinfo=now.tzinfo)
    amount_minor = values["amount"] if isinstance(values["amount"], int) else None
    instalment_minor = values["instalment"] if isinstance(values["instalment"], int) else None
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
            instalments=form.instalments,
            every=form.every,
            first_date=form.first_date,
            new_address=form.new_address,
            callback_at=form.callback_at.replace(tzinfo=None) if form.callback_at else None,
            contact_who=form.contact_who,
            default_reason=form.default_reason,
            ability=form.ability,
            willingness=form.willingness,
            channel=form.channel,
            role=form.role or (ContactRole(form.contact_who) if form.contact_who else None),
            happened_at=happened if happened is not None and happened.tzinfo else None,
            disclosure_given=form.disclosure or None,
            override=form.override,
            statement=statement,
        ),
    )
