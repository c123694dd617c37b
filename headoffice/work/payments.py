"""Payments that arrived on accounts: from the field, and from core banking's payment files."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.engine import Engine

from fieldcore.errors import from_validation_error
from fieldcore.moments import CellDay
from fieldcore.money import MoneyError, check_currency, check_plain_amount, parse_amount
from fieldcore.text import Line
from headoffice.clock import today
from headoffice.compliance.limitation import refresh_limitation
from headoffice.evidence.trail import record_rows
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, payments, touch_accounts
from headoffice.work.closing import close_cleared
from headoffice.work.portfolio import ImportRefused

PAYMENT_COLUMNS = ("account_id", "amount", "currency", "paid_on", "reference")


class PaymentRow(BaseModel):
    """One line of a payment file, checked column by column; every cell is one line of text."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    account_id: Line = Field(min_length=1, max_length=64)
    amount: Line = Field(min_length=1)
    currency: Line
    paid_on: CellDay
    reference: Line = Field(min_length=1, max_length=100)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("paid_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > today():
            raise ValueError(f"{value} is after head office's today ({today()}): not paid yet")
        return value


@dataclass(frozen=True)
class PaymentSummary:
    """What a payment file added."""

    new: int
    already_known: int
    # Accounts the file's payments cleared, closed as repaid.
    closed: tuple[str, ...] = ()


def field_payment(outcome: dict, received_at: datetime) -> dict:
    """The payment row for a `paid` outcome, keyed by the outcome's id."""
    return {
        "id": outcome["id"],
        "account_id": outcome["account_id"],
        "amount_minor": outcome["amount_minor"],
        "currency": outcome["currency"],
        "paid_on": outcome["recorded_at"].date(),
        "source": "field",
        "reference": outcome.get("receipt_no"),
        "received_at": received_at,
    }


def import_payments(engine: Engine, text: str) -> PaymentSummary:
    """Add the payments in a CSV file; all rows or none; a reference seen before is skipped.

    Raises ImportRefused listing each bad row as `line N, column C: reason`.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise ImportRefused(["the file is empty; expected a header line"])
    header = [name.strip() for name in rows[0]]
    missing = [c for c in PAYMENT_COLUMNS if c not in header]
    unknown = [c for c in header if c not in PAYMENT_COLUMNS]
    problems = [f"line 1: column {c} is missing" for c in missing]
    problems += [f"line 1: column {c!r} is not a payment column" for c in unknown]
    problems += [
        f"line 1: column {c} appears twice" for c in PAYMENT_COLUMNS if header.count(c) > 1
    ]
    if problems:
        raise ImportRefused(problems)
    found: list[dict] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(f"line {number}: {len(values)} values for {len(header)} columns")
            continue
        checked = _check_line(dict(zip(header, values, strict=True)))
        if isinstance(checked, dict):
            problems += [f"line {number}, column {c}: {why}" for c, why in checked.items()]
            continue
        row, amount = checked
        if row.reference in seen:
            problems.append(
                f"line {number}, column reference: {row.reference!r} is also on line "
                f"{seen[row.reference]}"
            )
            continue
        seen[row.reference] = number
        found.append(
            {
                "id": f"import:{row.reference}",
                "account_id": row.account_id,
                "amount_minor": amount,
                "currency": row.currency,
                "paid_on": row.paid_on,
                "source": "import",
                "reference": row.reference,
                "_line": number,
            }
        )
    now = datetime.now(UTC)
    with engine.begin() as conn:
        known = _known_accounts(conn, {p["account_id"] for p in found})
        for payment in found:
            if payment["account_id"] not in known:
                problems.append(
                    f"line {payment['_line']}, column account_id: "
                    f"no account {payment['account_id']!r} in the portfolio"
                )
            elif known[payment["account_id"]] != payment["currency"]:
                problems.append(
                    f"line {payment['_line']}, column currency: the account is in "
                    f"{known[payment['account_id']]}, not {payment['currency']}"
                )
        if problems:
            raise ImportRefused(sorted(problems, key=_line_number))
        already: set[str] = set()
        for chunk in chunks(p["id"] for p in found):
            query = sa.select(payments.c.id).where(payments.c.id.in_(chunk))
            already |= set(conn.execute(query).scalars())
        new = [
            {k: v for k, v in p.items() if k != "_line"} | {"received_at": now}
            for p in found
            if p["id"] not in already
        ]
        if new:
            conn.execute(payments.insert(), new)
            record_rows(conn, "payments", [p["id"] for p in new])
            # A payment changes how promises and plans stand: laptops with the account
            # pull it again, with its instalments judged anew.
            touch_accounts(conn, {p["account_id"] for p in new})
        closed = payments_arrived(conn, {p["account_id"] for p in new})
    return PaymentSummary(new=len(new), already_known=len(found) - len(new), closed=tuple(closed))


def payments_arrived(conn: sa.Connection, account_ids: set[str]) -> list[str]:
    """What money arriving moves, in its transaction: each account's limitation date, and
    the accounts it cleared, closed as repaid (which ones)."""
    refresh_limitation(conn, account_ids)
    return close_cleared(conn, account_ids)


def _check_line(cells: dict[str, str]) -> tuple[PaymentRow, int] | dict[str, str]:
    """The row and its amount in minor units, or {column: reason} for every bad cell."""
    errors: dict[str, str] = {}
    row = None
    try:
        row = PaymentRow.model_validate(cells)
    except ValidationError as error:
        errors = from_validation_error(error)
    if "amount" not in errors:
        try:
            # The cell as written, before stripping: " 12" is not a plain decimal.
            check_plain_amount(cells["amount"])
            if row is not None:
                return row, parse_amount(cells["amount"], row.currency, allow_zero=False)
        except MoneyError as error:
            errors["amount"] = str(error)
    return errors


def _known_accounts(conn: sa.Connection, ids: set[str]) -> dict[str, str]:
    known: dict[str, str] = {}
    for chunk in chunks(sorted(ids)):
        query = sa.select(accounts.c.account_id, accounts.c.currency).where(
            accounts.c.account_id.in_(chunk)
        )
        known.update({row.account_id: row.currency for row in conn.execute(query)})
    return known


def _line_number(problem: str) -> int:
    return int(problem.split()[1].rstrip(",:"))
