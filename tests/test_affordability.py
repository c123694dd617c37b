"""The income and expenditure statement: its surplus, the instalment it proposes, and its form."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fieldcore.affordability import (
    AMOUNTS,
    FIELDS,
    MOST_MINOR,
    Statement,
    proposed_instalment,
    read_statement,
)
from fieldcore.affordability_words import GUIDE, HOW_PROPOSED, NO_ROOM, field_label
from fieldcore.arrangements import Every
from fieldcore.errors import FieldErrors, reason_shown
from fieldcore.i18n import catalog

# A household of four in Denmark, in øre a month: 26 500 kr. in, 18 500 kr. on the
# eight essentials, 1 000 kr. to priority debts: 7 000 kr. left.
FAMILY = Statement(
    currency="DKK",
    household_size=4,
    dependants=2,
    income_wages=2_500_000,
    income_benefits=150_000,
    housing=900_000,
    utilities=150_000,
    travel=120_000,
    food=400_000,
    children=100_000,
    communications=60_000,
    personal=80_000,
    other_essential=40_000,
    priority_debts=100_000,
)
PLENTY = 5_000_000  # 50 000 kr. outstanding: no cap


def with_(**changes) -> Statement:
    return FAMILY.model_copy(update=changes)


def test_the_surplus_is_income_less_essentials_less_priority_debts():
    assert FAMILY.income_minor == 2_650_000
    assert FAMILY.spending_minor == 1_850_000
    assert FAMILY.surplus_minor == 700_000
    # Savings, assets and other lenders' totals are not spent each month.
    assert with_(savings=10**9, assets=10**9, other_debts=10**9).surplus_minor == 700_000
    assert with_(priority_debts=900_000).surplus_minor == -100_000


@pytest.mark.parametrize(
    ("every", "expected"),
    [
        (Every.MONTH, 560_000),  # 80 % of 7 000 kr.
        (Every.FORTNIGHT, 258_400),  # 5 600 x 12 / 26 = 2 584.61..., down to 2 584 kr.
        (Every.WEEK, 129_200),  # 5 600 x 12 / 52 = 1 292.30..., down to 1 292 kr.
    ],
)
def test_a_fifth_of_the_surplus_is_kept_back_and_the_rest_converted_to_the_period(every, expected):
    assert proposed_instalment(FAMILY, every, PLENTY) == expected


def test_other_lenders_share_the_surplus_pro_rata_to_what_each_is_owed():
    # 10 000 kr. owed here and 30 000 kr. elsewhere: this lender's part is a quarter.
    shared = with_(other_debts=3_000_000)
    assert proposed_instalment(shared, Every.MONTH, 1_000_000) == 140_000  # 5 600 / 4
    assert proposed_instalment(shared, Every.WEEK, 1_000_000) == 32_300  # 1 400 x 12/52 = 323.07


def test_no_surplus_proposes_no_plan():
    for priority in (800_000, 900_000, 10**9):  # nothing left, 1 000 kr. short, far short
        assert proposed_instalment(with_(priority_debts=priority), Every.MONTH, PLENTY) is None
    assert proposed_instalment(FAMILY, Every.MONTH, 0) is None  # nothing is owed


def test_less_than_one_whole_krone_a_period_proposes_no_plan():
    # 1 kr. left a month: 0.80 kr. a month, 0.18 kr. a week.
    tight = with_(priority_debts=100_000 + 699_900)
    assert tight.surplus_minor == 100
    assert proposed_instalment(tight, Every.MONTH, PLENTY) is None
    # 2 kr. left a month: 1.60 kr., so 1 kr. a month; 0.36 kr. a week is none.
    assert proposed_instalment(with_(priority_debts=799_800), Every.MONTH, PLENTY) == 100
    assert proposed_instalment(with_(priority_debts=799_800), Every.WEEK, PLENTY) is None


def test_the_instalment_is_never_more_than_is_outstanding():
    assert proposed_instalment(FAMILY, Every.MONTH, 123_450) == 123_450  # 1 234.50 kr. clears it
    assert proposed_instalment(FAMILY, Every.WEEK, 129_200) == 129_200
    assert proposed_instalment(FAMILY, Every.WEEK, 129_201) == 129_200


def test_a_currency_without_minor_units_rounds_to_one_yen():
    yen = Statement(currency="JPY", household_size=1, income_wages=10_001)
    assert proposed_instalment(yen, Every.MONTH, 10**6) == 8_000  # 8 000.8 down


def test_the_statement_refuses_what_no_form_means():
    good = {"currency": "DKK", "household_size": 1}
    assert Statement.model_validate(good | {"food": MOST_MINOR}).food == MOST_MINOR
    assert Statement.model_validate(good | {"food": 100.0}).food == 100  # JSON's integer
    for wrong in (
        {"food": -1},
        {"food": MOST_MINOR + 1},
        {"food": 100.5},  # minor units are whole
        {"food": "100"},
        {"food": True},
        {"household_size": 0},
        {"household_size": 31},
        {"dependants": -1},
        {"currency": "dkk"},
        {"tips": 5},
    ):
        with pytest.raises(ValidationError):
            Statement.model_validate(good | wrong)
    with pytest.raises(ValidationError):
        Statement.model_validate({"currency": "DKK"})  # the household's size is asked for
    with pytest.raises(ValidationError):
        FAMILY.food = 0  # frozen: evidence is not edited
    # A code that is no currency is well formed on the wire: it is refused where the
    # statement meets its account, the form's reading and head office's judging.
    assert Statement.model_validate(good | {"currency": "XQQ"}).currency == "XQQ"
    with pytest.raises(FieldErrors) as refused:
        read_statement({"household_size": "1"}, "XQQ")
    assert refused.value.errors == {
        "currency": "unknown currency 'XQQ' (expected an ISO 4217 code such as DKK)"
    }


def test_a_stored_statement_reads_back_the_same():
    dumped = FAMILY.model_dump(mode="json")
    assert "surplus_minor" not in dumped
    assert Statement.model_validate(dumped) == FAMILY
    assert Statement.model_validate_json(FAMILY.model_dump_json()) == FAMILY


def test_the_form_reads_major_units_and_takes_a_blank_line_as_nothing():
    typed = {"household_size": " 3 ", "income_wages": "18500.50", "food": "4000", "travel": ""}
    statement = read_statement(typed, "DKK")
    assert statement == Statement(
        currency="DKK", household_size=3, income_wages=1_850_050, food=400_000
    )
    assert statement.dependants == 0 and statement.travel == 0
    assert read_statement({"household_size": "1", "food": "100000000000"}, "DKK").food == 10**13


def test_each_wrong_field_is_named_with_a_reason_the_form_can_say():
    typed = {
        "household_size": "three",
        "dependants": "３",  # a full-width digit
        "income_wages": "12,50",
        "housing": "abc",
        "travel": "1.234",
        "food": "-5",
        "savings": "100000000000.01",
        "tips": "5",
    }
    with pytest.raises(FieldErrors) as refused:
        read_statement(typed, "DKK")
    errors = refused.value.errors
    assert list(errors) == [
        "tips",
        "household_size",
        "dependants",
        "income_wages",
        "housing",
        "travel",
        "food",
        "savings",
    ]
    assert errors["household_size"] == errors["dependants"] == "is not a whole number"
    assert errors["income_wages"] == "'12,50' is not an amount (write it like 1234.50)"
    assert errors["travel"] == "'1.234' has more decimals than DKK allows (2)"
    assert errors["food"] == "an amount cannot be negative"
    assert errors["savings"] == "'100000000000.01' is implausibly large"
    # Every reason but the unknown field's has words in the UI language.
    shown = {name: reason_shown(reason) for name, reason in errors.items() if name != "tips"}
    assert "cannot be read" not in shown.values(), shown


def test_the_household_is_asked_for_and_bounded():
    with pytest.raises(FieldErrors) as refused:
        read_statement({"food": "10"}, "DKK")
    assert refused.value.errors == {"household_size": "is required"}
    for typed in ("0", "31", "9" * 5000):
        with pytest.raises(FieldErrors) as refused:
            read_statement({"household_size": typed}, "DKK")
        assert reason_shown(refused.value.errors["household_size"]) == "is out of range"
    with pytest.raises(FieldErrors) as refused:
        read_statement({"household_size": "1"}, "Kroner")
    assert list(refused.value.errors) == ["currency"]


def test_the_guide_names_and_explains_every_field_in_every_language():
    assert set(GUIDE) == set(FIELDS) == {*AMOUNTS, "household_size", "dependants"}
    assert field_label("food") == "Food and housekeeping"
    words = [text for pair in GUIDE.values() for text in pair] + [HOW_PROPOSED, NO_ROOM]
    for language in ("da", "zh"):
        assert [w for w in words if not catalog(language).get(w)] == [], language
