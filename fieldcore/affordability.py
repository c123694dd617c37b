"""Income and spending in the UK Standard Financial Statement's shape, and the instalment left."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fieldcore.arrangements import Every
from fieldcore.errors import FieldErrors, from_validation_error
from fieldcore.money import MoneyError, check_currency, exponent, parse_amount
from fieldcore.wholes import whole

# Ten thousand billion minor units: more than any household's month in any currency,
# and far inside what a JSON number and a 64-bit column hold exactly.
MOST_MINOR = 10**13
MOST_PEOPLE = 30

# Whole numbers as everywhere on the wire: 3.0 is 3 (JSON Schema counts it an integer).
Amount = whole(0, MOST_MINOR)

# The statement's parts, in the order a collector asks for them at the door.
INCOME = ("income_wages", "income_benefits", "income_other")
SPENDING = (
    "housing",
    "utilities",
    "travel",
    "food",
    "children",
    "communications",
    "personal",
    "other_essential",
)
PEOPLE = ("household_size", "dependants")
# Totals, not months: what is owed elsewhere and what is held. Savings and assets are
# for the supervisor, who decides whether a lump sum is fair; a plan is paid from income.
HOLDINGS = ("other_debts", "savings", "assets")
AMOUNTS = (*INCOME, *SPENDING, "priority_debts", *HOLDINGS)
FIELDS = (*PEOPLE, *AMOUNTS)  # named and explained for the collector in affordability_words


class Statement(BaseModel):
    """What the household has coming in and going out each month, in minor units of `currency`.

    Every amount is per month except `other_debts` (the total still owed to other
    non-priority lenders), `savings` and `assets` (what is held), which are totals.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The pattern only: a code that is no currency is refused where the statement meets its
    # account (read_statement checks it, head office compares it with the account's), not
    # as a malformed body.
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    household_size: whole(1, MOST_PEOPLE)
    dependants: whole(0, MOST_PEOPLE) = 0
    income_wages: Amount = 0
    income_benefits: Amount = 0
    income_other: Amount = 0
    housing: Amount = 0
    utilities: Amount = 0
    travel: Amount = 0
    food: Amount = 0
    children: Amount = 0
    communications: Amount = 0
    personal: Amount = 0
    other_essential: Amount = 0
    # Paid each month on the debts whose default costs most: arrears of rent or mortgage,
    # energy, water, property tax, fines, maintenance, tax. They come before any lender.
    priority_debts: Amount = 0
    other_debts: Amount = 0
    savings: Amount = 0
    assets: Amount = 0

    @property
    def income_minor(self) -> int:
        return sum(getattr(self, name) for name in INCOME)

    @property
    def spending_minor(self) -> int:
        """Essential spending: the eight categories, before any debt."""
        return sum(getattr(self, name) for name in SPENDING)

    @property
    def surplus_minor(self) -> int:
        """What is left each month once essential spending and priority debts are paid.

        Negative when the household is short every month. A property, not a field, so
        a stored statement holds only what was said and reads back the same.
        """
        return self.income_minor - self.spending_minor - self.priority_debts


# Kept back from the surplus for what no statement foresees (a bill that comes early,
# shoes that wear out): a plan with no slack breaks at the first surprise, and a broken
# plan helps neither the borrower nor the lender.
KEPT_BACK = Fraction(1, 5)
# Months to the plan's period: a year is 12 months, 52 weeks or 26 fortnights.
PER_PERIOD = {
    Every.MONTH: Fraction(1),
    Every.FORTNIGHT: Fraction(12, 26),
    Every.WEEK: Fraction(12, 52),
}


def proposed_instalment(statement: Statement, every: Every, outstanding_minor: int) -> int | None:
    """An instalment the borrower can keep, in minor units per `every`; None: propose no plan.

    The rule: keep a fifth of the monthly surplus back, then share the rest with the
    other non-priority lenders pro rata to what each is owed, as the Standard Financial
    Statement shares a surplus (this debt's part is outstanding / (outstanding +
    other_debts)); convert the month to the plan's period (a week is 12/52 of a
    month); round down to whole major units, since an instalment of 173.08 is harder
    to keep in mind and pay in cash than 173; and never ask more than is outstanding.

    None when nothing is left each month, or less than one major unit a period: then
    the form advises a hardship request and free debt advice instead of a plan.
    """
    surplus = statement.surplus_minor
    if surplus <= 0 or outstanding_minor <= 0:
        return None
    monthly = surplus * (1 - KEPT_BACK)
    if statement.other_debts:
        monthly *= Fraction(outstanding_minor, outstanding_minor + statement.other_debts)
    unit = 10 ** exponent(statement.currency)
    whole_units = int(monthly * PER_PERIOD[every]) // unit * unit
    if whole_units == 0:
        return None
    return min(whole_units, outstanding_minor)


def read_statement(fields: Mapping[str, str | None], currency: str) -> Statement:
    """The statement from the form's text fields; raise FieldErrors naming each field that is wrong.

    Amounts are typed in major units ("1234.50") as everywhere in the app. A blank
    amount is 0: at the door a collector skips the lines that do not apply. The
    household's size is asked for; dependants left blank are none.
    """
    try:
        currency = check_currency(currency)
    except MoneyError as error:
        raise FieldErrors({"currency": str(error)}) from None
    errors: dict[str, str] = {name: "is not a known field" for name in fields if name not in FIELDS}
    values: dict[str, object] = {"currency": currency}
    for name in FIELDS:
        text = (fields.get(name) or "").strip()
        if not text:
            continue
        if name in PEOPLE:
            # ASCII digits only: int() also reads "٣", "+3" and "3_0".
            if not (text.isascii() and text.isdigit()):
                errors[name] = "is not a whole number"
            else:
                # More digits than any household: out of range, as the model says it.
                values[name] = int(text) if len(text) <= 9 else MOST_PEOPLE + 1
            continue
        try:
            minor = parse_amount(text, currency)
        except MoneyError as error:
            errors[name] = str(error)
            continue
        if minor > MOST_MINOR:
            errors[name] = f"{text!r} is implausibly large"
        else:
            values[name] = minor
    try:
        statement = Statement.model_validate(values)
    except ValidationError as error:
        for name, reason in from_validation_error(error).items():
            errors.setdefault(name, reason)
    if errors:
        # In form order, so the form focuses the first one a collector meets.
        order = {name: n for n, name in enumerate(FIELDS)}
        raise FieldErrors(dict(sorted(errors.items(), key=lambda kv: order.get(kv[0], -1))))
    return statement


# The outcomes a statement goes with: the supervisor who decides a plan or a hardship
# request reads it; for any other outcome it is not asked.
STATEMENT_CODES = frozenset({"plan", "hardship"})


def statement_from_text(fields: Mapping[str, str | None] | None, currency: str) -> Statement | None:
    """The statement a form or `--statement` typed, or None when nothing was typed.

    Raise FieldErrors keyed `statement.<field>` (`statement.housing`), so each
    reason names the line of the statement it is about.
    """
    if not fields or not any((text or "").strip() for text in fields.values()):
        return None
    try:
        return read_statement(fields, currency)
    except FieldErrors as error:
        raise FieldErrors({f"statement.{k}": v for k, v in error.errors.items()}) from None


def instalments_to_pay(total_minor: int, instalment_minor: int) -> int:
    """How many instalments of at most `instalment_minor` pay `total_minor` (rounded up)."""
    return -(-total_minor // instalment_minor)


class Affordability(BaseModel):
    """What a statement says a month, and the instalment (and how many) it proposes."""

    model_config = ConfigDict(frozen=True)

    currency: str
    income_minor: int
    spending_minor: int
    priority_debts_minor: int
    surplus_minor: int
    every: Every
    # None: nothing is left to pay from; advise a hardship request and free debt advice.
    instalment_minor: int | None
    instalments: int | None


def afford(statement: Statement, every: Every, outstanding_minor: int) -> Affordability:
    """The statement's month in sums, and the plan it proposes for the outstanding balance."""
    instalment = proposed_instalment(statement, every, outstanding_minor)
    return Affordability(
        currency=statement.currency,
        income_minor=statement.income_minor,
        spending_minor=statement.spending_minor,
        priority_debts_minor=statement.priority_debts,
        surplus_minor=statement.surplus_minor,
        every=every,
        instalment_minor=instalment,
        instalments=instalments_to_pay(outstanding_minor, instalment) if instalment else None,
    )


def statement_sums(stored: Mapping | None, outstanding_minor: int) -> dict[str, object]:
    """A stored statement (its JSON) with what it leaves a month and the monthly instalment
    it proposes, as the review queue's facts name them; empty without a statement."""
    if not stored:
        return {}
    statement = Statement.model_validate(stored)
    return {
        "statement": statement,
        "surplus_minor": statement.surplus_minor,
        "affordable_minor": proposed_instalment(statement, Every.MONTH, outstanding_minor),
    }
