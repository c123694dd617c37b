"""Retention: closed accounts past their policy's keeping period, their personal data erased.

What is erased is what names or finds a person: the borrower's and third parties' names,
addresses, phones and e-mail, the home's coordinates, every free text written about
them (outcome notes, the words of a dispute, a new address, an override's reason, the
location fix at the door, corrections' values, hold, closing and resolution notes). The
anonymous figures stay (amounts, currencies, dates, stages, outcome codes, payments,
promises and plans), so every total still adds up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.contact import HoldReason
from fieldcore.keeping import retention_ends
from headoffice.compliance.policies import policies_in_force, retention_rule
from headoffice.evidence.erasure import erase_fields
from headoffice.store.tables import accounts, corrections, holds, outcomes, payments, resolutions

# The account's personal fields and what each holds once erased (NOT NULL ones: empty).
ACCOUNT_FIELDS = {
    "borrower_name": "",
    "address": "",
    "city": None,
    "postal_code": None,
    "lat": None,
    "lon": None,
    "phone": None,
    "email": None,
    "guarantor_name": None,
    "guarantor_phone": None,
    "employer_name": None,
    "employer_phone": None,
    "spouse_name": None,
    "spouse_phone": None,
    "closed_note": None,
}
# What of an outcome's details is about a person rather than a figure.
PERSONAL_DETAILS = ("dispute_reason", "new_address", "override", "location")


@dataclass(frozen=True)
class PastRetention:
    """A closed account whose keeping period has ended; `held`: a legal hold keeps it."""

    account_id: str
    jurisdiction: str
    closed_on: date
    last_activity: date
    ended_on: date
    held: bool


def past_retention(conn: Connection, today: date) -> list[PastRetention]:
    """Closed accounts not yet erased whose retention ended on or before `today`, oldest first."""
    last_outcome = (
        sa.select(sa.func.max(outcomes.c.recorded_at))
        .where(outcomes.c.account_id == accounts.c.account_id)
        .scalar_subquery()
    )
    last_paid = (
        sa.select(sa.func.max(payments.c.paid_on))
        .where(payments.c.account_id == accounts.c.account_id)
        .scalar_subquery()
    )
    legal = (
        sa.select(holds.c.id)
        .where(
            holds.c.account_id == accounts.c.account_id,
            holds.c.reason == HoldReason.LEGAL_HOLD.value,
            holds.c.released_at.is_(None),
        )
        .exists()
    )
    rows = conn.execute(
        sa.select(
            accounts.c.account_id,
            accounts.c.country,
            accounts.c.closed_on,
            last_outcome.label("last_outcome"),
            last_paid.label("last_paid"),
            legal.label("held"),
        )
        .where(accounts.c.closed_on.is_not(None), accounts.c.erased_on.is_(None))
        .order_by(accounts.c.closed_on, accounts.c.account_id)
    )
    policies = policies_in_force(conn)
    found = []
    for row in rows:
        # Outcomes are kept in UTC; the day of the last one is its UTC day.
        moments = [row.last_outcome.date() if row.last_outcome else None, row.last_paid]
        last = max([row.closed_on, *(d for d in moments if d is not None)])
        rule = retention_rule(policies, row.country)
        ended = retention_ends(row.closed_on, last, rule)
        if ended <= today:
            jurisdiction = policies.for_country(row.country).jurisdiction
            found.append(
                PastRetention(
                    row.account_id, jurisdiction, row.closed_on, last, ended, bool(row.held)
                )
            )
    return found


def list_past_retention(engine: Engine, today: date) -> list[PastRetention]:
    """What `retention --dry-run` shows: the accounts an --apply would erase, and those held."""
    with engine.connect() as conn:
        return past_retention(conn, today)


def apply_retention(engine: Engine, today: date) -> list[PastRetention]:
    """Erase the personal data of every account past retention without a legal hold, all in
    one transaction; the accounts erased. Run again, it finds nothing more to do."""
    with engine.begin() as conn:
        due = [item for item in past_retention(conn, today) if not item.held]
        for item in due:
            _erase_account(conn, item.account_id, today)
    return due


def _erase_account(conn: Connection, account_id: str, today: date) -> None:
    why = {"account_id": account_id, "reason": "retention ended"}
    account = conn.execute(
        sa.select(accounts).where(accounts.c.account_id == account_id).with_for_update()
    ).first()
    assert account is not None
    erase_fields(conn, accounts, accounts.c.account_id, account._mapping, ACCOUNT_FIELDS, why)
    conn.execute(
        accounts.update().where(accounts.c.account_id == account_id).values(erased_on=today)
    )
    refs = {account_id}
    for row in conn.execute(sa.select(outcomes).where(outcomes.c.account_id == account_id)).all():
        refs.add(row.id)
        erase_fields(
            conn,
            outcomes,
            outcomes.c.id,
            row._mapping,
            {"note": "", "details": _without_personal(row.details)},
            why,
        )
    for row in conn.execute(
        sa.select(corrections).where(corrections.c.account_id == account_id)
    ).all():
        refs.add(row.id)
        after = {"value": "", "base_value": None, "server_value": None}
        erase_fields(conn, corrections, corrections.c.id, row._mapping, after, why)
    for row in conn.execute(sa.select(holds).where(holds.c.account_id == account_id)).all():
        after = {"note": "", "release_note": None}
        erase_fields(conn, holds, holds.c.id, row._mapping, after, why)
    # A supervisor's note on an item about the account (its outcomes, corrections, the
    # account itself or its limitation date).
    about = sa.or_(
        resolutions.c.ref.in_(sorted(refs)),
        resolutions.c.ref.endswith(f":{account_id}", autoescape=True),
    )
    for row in conn.execute(sa.select(resolutions).where(about)).all():
        conn.execute(
            resolutions.update()
            .where(resolutions.c.kind == row.kind, resolutions.c.ref == row.ref)
            .values(note="")
        )


def _without_personal(details: str | None) -> str | None:
    if not details:
        return details
    try:
        found = json.loads(details)
    except ValueError:
        return None  # unreadable: nothing in it can be kept as a figure
    if not isinstance(found, dict) or not any(key in found for key in PERSONAL_DETAILS):
        return details
    kept = {key: value for key, value in found.items() if key not in PERSONAL_DETAILS}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
