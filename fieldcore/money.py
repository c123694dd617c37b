"""Money as integer minor units plus an ISO 4217 code; parsing and locale formatting."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    list_currencies,
)


class MoneyError(ValueError):
    """An amount or currency that cannot be accepted, with a reason a person can read."""


@cache
def known_currencies() -> frozenset[str]:
    """Every ISO 4217 code Babel knows."""
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Return the upper-cased code, or raise MoneyError if it is not ISO 4217."""
    code = (code or "").strip().upper()
    if code not in known_currencies():
        raise MoneyError(f"unknown currency {code!r} (expected an ISO 4217 code such as DKK)")
    return code


def exponent(currency: str) -> int:
    """Digits after the decimal point for this currency (2 for DKK, 0 for JPY)."""
    return get_currency_precision(currency)


# ASCII digits and one optional point; a leading minus only so that parse_amount
# can say "negative" rather than "not an amount".
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def check_plain_amount(text: str) -> str:
    """Refuse an amount in a file written any way but digits and an optional point ("1234.50").

    Decimal() also reads "1e3", "1_000", "+5", " 12", "Infinity" and other scripts'
    digits; a core-banking file holding one is not the file its reader thinks it is.
    Blank text passes, for parse_amount to call it required.
    """
    if text and not _PLAIN.fullmatch(text):
        raise MoneyError(f"{text!r} is not an amount (write it like 1234.50)")
    return text


def parse_amount(text: str, currency: str, *, allow_zero: bool = True) -> int:
    """Parse a decimal in major units ("1234.50") into minor units, exactly.

    Refuses floats' rounding: "0.005" in a two-decimal currency is an error, not 0 or 1.
    """
    raw = (text or "").strip()
    if not raw:
        raise MoneyError("an amount is required")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"{raw!r} is not an amount (write it like 1234.50)") from None
    if not value.is_finite():
        raise MoneyError(f"{raw!r} is not an amount")
    if value < 0:
        raise MoneyError("an amount cannot be negative")
    if not allow_zero and value == 0:
        raise MoneyError("the amount must be more than zero")
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{raw!r} has more decimals than {currency} allows ({exponent(currency)})")
    minor = int(scaled)
    if minor > 10**15:
        raise MoneyError(f"{raw!r} is implausibly large")
    return minor


def to_decimal_text(minor: int, currency: str) -> str:
    """Minor units back to a plain decimal string in major units, for files and the wire."""
    digits = exponent(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def format_money(minor: int, currency: str, locale: str = "en") -> str:
    """Minor units as a person reads them in their locale ("1.234,50 kr.", "DKK 1,234.50")."""
    value = Decimal(minor).scaleb(-exponent(currency))
    babel_locale = _babel_locale(locale)
    text = format_currency(value, currency, locale=babel_locale)
    # CLDR writes a foreign currency's code against the digits ("DKK4,500.00"); a code
    # is a word, and a word is kept apart from a number (by a space that never breaks).
    symbol = get_currency_symbol(currency, babel_locale)
    if symbol[-1:].isalpha():
        text = re.sub(rf"{re.escape(symbol)}(?=\d)", symbol + "\u00a0", text, count=1)
    return text


def money_in_text(minor: int, currency: str, locale: str = "en") -> str:
    """An amount to place inside a sentence: no abbreviation's dot ("4.500,00 DKK", "£80.00").

    CLDR's Danish symbol for kroner is "kr.", right in a table; in a sentence its dot
    doubles the full stop ("... på 4.500,00 kr..") or reads as the sentence's end before
    a comma or a bracket. Where a locale's symbol ends with a dot, the ISO code takes its
    place in the locale's own pattern: it is how Danish bank statements write amounts,
    it is read aloud as "kroner" all the same, and "kr" without its dot is misspelt.
    """
    babel_locale = _babel_locale(locale)
    if not get_currency_symbol(currency, babel_locale).endswith("."):
        return format_money(minor, currency, locale)
    pattern = Locale.parse(babel_locale).currency_formats["standard"].pattern
    value = Decimal(minor).scaleb(-exponent(currency))
    # "¤" is the symbol, "¤¤" the ISO code, in the same place and spacing.
    with_code = re.sub("¤+", "¤¤", pattern)
    return format_currency(value, currency, with_code, locale=babel_locale)


def _babel_locale(language: str) -> str:
    # Collectors pick a language; Babel wants a territory for sensible currency layout.
    return {"en": "en_GB", "da": "da_DK", "zh": "zh_CN"}.get(language, language)
