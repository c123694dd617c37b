"""Money: exact minor units, currencies, locale formatting."""

import pytest

from fieldcore.money import (
    MoneyError,
    check_currency,
    format_money,
    parse_amount,
    to_decimal_text,
)


def test_parse_amount_is_exact_in_minor_units():
    assert parse_amount("1234.50", "DKK") == 123450
    assert parse_amount("0.10", "EUR") == 10
    assert parse_amount("1234", "CNY") == 123400


def test_zero_decimal_currency_refuses_cents():
    assert parse_amount("5000", "JPY") == 5000
    with pytest.raises(MoneyError, match="more decimals than JPY"):
        parse_amount("5000.5", "JPY")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.005", "more decimals"),
        ("-5", "negative"),
        ("12,50", "not an amount"),
        ("", "required"),
        ("NaN", "not an amount"),
        ("1e30", "implausibly large"),
    ],
)
def test_bad_amounts_say_why(text, reason):
    with pytest.raises(MoneyError, match=reason):
        parse_amount(text, "DKK")


def test_zero_can_be_refused():
    assert parse_amount("0", "DKK") == 0
    with pytest.raises(MoneyError, match="more than zero"):
        parse_amount("0.00", "DKK", allow_zero=False)


def test_currency_codes_are_checked():
    assert check_currency(" dkk ") == "DKK"
    with pytest.raises(MoneyError, match="unknown currency 'XYZ'"):
        check_currency("XYZ")


def test_decimal_text_round_trips():
    for text in ("0.01", "1234.50", "99999999.99"):
        assert to_decimal_text(parse_amount(text, "DKK"), "DKK") == text
    assert to_decimal_text(5000, "JPY") == "5000"


def test_format_money_follows_the_locale():
    assert format_money(123450, "DKK", "da") == "1.234,50\xa0kr."
    assert format_money(123450, "GBP", "en") == "£1,234.50"
    assert "1,234.50" in format_money(123450, "CNY", "zh")
