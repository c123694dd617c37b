"""A borrower's overdue account as the portfolio describes it, and the parsing of one CSV row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fieldcore.errors import FieldErrors, from_validation_error
from fieldcore.moments import CellDay
from fieldcore.money import check_currency, parse_amount
from fieldcore.text import check_line

LANGUAGES = ("en", "da", "zh")
SECURITY_KINDS = ("unsecured", "guarantor", "mortgage", "pledge")

REQUIRED_COLUMNS = (
    "account_id",
    "borrower_name",
    "address",
    "currency",
    "outstanding",
    "overdue_amount",
    "oldest_due_date",
)
OPTIONAL_COLUMNS = (
    "phone",
    "email",
    "city",
    "postal_code",
    "region",
    "lat",
    "lon",
    "language",
    "timezone",
    "country",
    "principal",
    "installment_amount",
    "product",
    "security",
    "guarantor_name",
    "guarantor_phone",
    "employer_name",
    "employer_phone",
    "spouse_name",
    "spouse_phone",
)
AMOUNT_COLUMNS = ("outstanding", "overdue_amount", "principal", "installment_amount")
PHONE_COLUMNS = ("phone", "guarantor_phone", "employer_phone", "spouse_phone")


# ISO 3166-1 alpha-2 codes, as CLDR knows them (its region codes of two letters).
_COUNTRIES = frozenset(
    code for code in Locale("en").territories if len(code) == 2 and code.isalpha()
)


class Account(BaseModel):
    """An overdue loan and its borrower, with money in minor units of `currency`."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    borrower_name: str
    address: str
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None
    timezone: str | None = None
    # ISO 3166-1 alpha-2: which contact policy applies (none: the default).
    country: str | None = None
    currency: str
    outstanding_minor: int
    overdue_minor: int
    principal_minor: int | None = None
    installment_minor: int | None = None
    oldest_due_date: date
    product: str | None = None
    security: str | None = None
    guarantor_name: str | None = None
    guarantor_phone: str | None = None
    employer_name: str | None = None
    employer_phone: str | None = None
    spouse_name: str | None = None
    spouse_phone: str | None = None


class PortfolioRow(BaseModel):
    """One row of the core-banking export, as text, checked column by column."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    borrower_name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    currency: str
    outstanding: str
    overdue_amount: str
    # YYYY-MM-DD within 2000-2099: never "0" read as 1970, never a year 9999.
    oldest_due_date: CellDay
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=100)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    language: str | None = None
    timezone: str | None = None
    country: str | None = None
    principal: str | None = None
    installment_amount: str | None = None
    product: str | None = Field(None, max_length=100)
    security: str | None = None
    guarantor_name: str | None = Field(None, max_length=200)
    guarantor_phone: str | None = Field(None, max_length=40)
    employer_name: str | None = Field(None, max_length=200)
    employer_phone: str | None = Field(None, max_length=40)
    spouse_name: str | None = Field(None, max_length=200)
    spouse_phone: str | None = Field(None, max_length=40)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: object) -> object:
        # A CSV cell is always text; an empty optional cell means "not given".
        if isinstance(data, Mapping):
            return {
                k: v
                for k, v in data.items()
                if not (k in OPTIONAL_COLUMNS and (v is None or str(v).strip() == ""))
            }
        return data

    @field_validator("*")
    @classmethod
    def _one_line(cls, value: object) -> object:
        # Every cell is one line: an escape sequence, NUL or bidi override in a
        # name or address would reach supervisors' terminals and spreadsheets.
        return check_line(value) if isinstance(value, str) else value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in LANGUAGES:
            raise ValueError(f"{value!r} is not one of {', '.join(LANGUAGES)}")
        return value.lower() if value else value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone (write it like Europe/Copenhagen)"
            ) from None
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return value
        code = value.upper()
        if len(code) != 2 or code not in _COUNTRIES:
            raise ValueError(f"{value!r} is not a country code (write it like DK, US or CN)")
        return code

    @field_validator("security")
    @classmethod
    def _security(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in SECURITY_KINDS:
            raise ValueError(f"{value!r} is not one of {', '.join(SECURITY_KINDS)}")
        return value.lower() if value else value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or " " in value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @field_validator(*PHONE_COLUMNS)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not all(ch.isdigit() or ch in "+-() ." for ch in value):
            raise ValueError(f"{value!r} is not a phone number")
        return value


def parse_row(row: Mapping[str, str | None]) -> Account:
    """Turn one CSV row into an Account, or raise FieldErrors naming each bad column."""
    try:
        parsed = PortfolioRow.model_validate(dict(row))
    except ValidationError as error:
        raise FieldErrors(from_validation_error(error)) from None
    errors: dict[str, str] = {}
    amounts: dict[str, int | None] = {}
    for column in AMOUNT_COLUMNS:
        text = getattr(parsed, column)
        if text is None:
            amounts[column] = None
            continue
        try:
            amounts[column] = parse_amount(text, parsed.currency)
        except ValueError as error:
            errors[column] = str(error)
    if not errors and amounts["overdue_amount"] > amounts["outstanding"]:
        errors["overdue_amount"] = "is more than the outstanding balance"
    if (parsed.lat is None) != (parsed.lon is None):
        errors["lat" if parsed.lat is None else "lon"] = "lat and lon come together or not at all"
    if errors:
        raise FieldErrors(errors)
    fields = parsed.model_dump(exclude=set(AMOUNT_COLUMNS))
    return Account(
        **fields,
        outstanding_minor=amounts["outstanding"],
        overdue_minor=amounts["overdue_amount"],
        principal_minor=amounts["principal"],
        installment_minor=amounts["installment_amount"],
    )
