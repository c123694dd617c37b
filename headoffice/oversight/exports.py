"""What came back from the field, and the portfolio as head office holds it, as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.accounts import Account
from fieldcore.money import to_decimal_text
from headoffice.store.tables import accounts, collectors, corrections, outcomes

OUTCOME_COLUMNS = (
    "id",
    "account_id",
    "visit_id",
    "collector",
    "outcome",
    "amount",
    "currency",
    "promise_date",
    "method",
    "note",
    "receipt_no",
    "recorded_at",
    "received_at",
    "needs_review",
    "review_reason",
)
ACCOUNT_MONEY = {
    "outstanding_minor": "outstanding",
    "overdue_minor": "overdue_amount",
    "principal_minor": "principal",
    "installment_minor": "installment_amount",
}


def outcome_rows(engine: Engine) -> Iterator[dict]:
    """Every outcome in the order it reached head office, amounts as decimal strings."""
    query = (
        sa.select(outcomes, collectors.c.name.label("collector"))
        .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
        .order_by(outcomes.c.received_at, outcomes.c.id)
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            yield {
                "id": row.id,
                "account_id": row.account_id,
                "visit_id": row.visit_id,
                "collector": row.collector,
                "outcome": row.outcome,
                "amount": (
                    to_decimal_text(row.amount_minor, row.currency)
                    if row.amount_minor is not None
                    else None
                ),
                "currency": row.currency,
                "promise_date": row.promise_date.isoformat() if row.promise_date else None,
                "method": row.method,
                "note": row.note,
                "receipt_no": row.receipt_no,
                "recorded_at": _iso(row.recorded_at),
                "received_at": _iso(row.received_at),
                "needs_review": bool(row.needs_review),
                "review_reason": row.review_reason,
            }


CORRECTION_COLUMNS = (
    "id",
    "account_id",
    "collector",
    "field",
    "value",
    "base_value",
    "server_value",
    "conflict",
    "recorded_at",
    "received_at",
)


def correction_rows(engine: Engine) -> Iterator[dict]:
    """Collectors' corrections; `conflict` where head office had changed the field meanwhile."""
    query = (
        sa.select(corrections, collectors.c.name.label("collector"))
        .join(collectors, collectors.c.collector_id == corrections.c.collector_id)
        .order_by(corrections.c.received_at, corrections.c.id)
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            yield {
                name: _iso(getattr(row, name)) if name.endswith("_at") else getattr(row, name)
                for name in CORRECTION_COLUMNS
            } | {"conflict": bool(row.conflict)}


def account_rows(engine: Engine) -> Iterator[dict]:
    """Every account with the portfolio's own column names and decimal amounts."""
    with engine.connect() as conn:
        for row in conn.execute(sa.select(accounts).order_by(accounts.c.account_id)):
            out: dict = {}
            for name in Account.model_fields:
                value = getattr(row, name)
                if name in ACCOUNT_MONEY:
                    out[ACCOUNT_MONEY[name]] = (
                        to_decimal_text(value, row.currency) if value is not None else None
                    )
                elif name == "oldest_due_date":
                    out[name] = value.isoformat()
                else:
                    out[name] = value
            yield out


def _iso(moment) -> str | None:
    # SQLite hands back naive datetimes for timezone=True columns; they are UTC.
    if moment is None:
        return None
    return moment.isoformat() if moment.tzinfo else moment.isoformat() + "+00:00"


ACCOUNT_COLUMNS = tuple(ACCOUNT_MONEY.get(name, name) for name in Account.model_fields)


def render(rows: Iterator[dict], fmt: str, columns: tuple[str, ...]) -> str:
    """Rows as CSV (header always, UTF-8) or a JSON list."""
    items = list(rows)
    if fmt == "json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in items)
    return buffer.getvalue()


# What a spreadsheet reads as the start of a formula (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: a leading quote before a formula start.

    Text from the field and from core banking (names, notes, reasons) may start
    with `=`; a plain negative number (a longitude) is left as it is.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value
