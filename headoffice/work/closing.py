"""Closing an account: by a supervisor, or by itself when payments clear its balance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.keeping import CloseReason
from headoffice import clock
from headoffice.evidence.trail import append
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, payments, reserve_changes, visits

# Who closes an account that payments cleared.
BY_PAYMENTS = "head office (payments cleared the balance)"


class CloseError(ValueError):
    """A close that cannot be done; nothing changed. `status`: how the API answers it."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Closed:
    """An account closed: why, when, by whom, and how many visits left the field with it."""

    account_id: str
    reason: CloseReason
    closed_on: date
    closed_by: str
    recalled: int


def close_account(
    engine: Engine, account_id: str, reason: CloseReason | str, note: str, by: str
) -> Closed:
    """Close one account; 404 if there is none, 409 if it is closed already."""
    try:
        reason = CloseReason(reason)
    except ValueError:
        known = ", ".join(r.value for r in CloseReason)
        raise CloseError(f"{reason!r} is not a reason to close ({known})", 422) from None
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(accounts.c.closed_on, accounts.c.closed_reason, accounts.c.closed_by)
            .where(accounts.c.account_id == account_id)
            .with_for_update()
        ).first()
        if row is None:
            raise CloseError(f"there is no account {account_id!r}", 404)
        if row.closed_on is not None:
            raise CloseError(
                f"{account_id} is already closed: {row.closed_reason} on {row.closed_on} "
                f"by {row.closed_by}"
            )
        return close_in(conn, [account_id], reason, note, by)[0]


def close_in(
    conn: Connection, account_ids: list[str], reason: CloseReason, note: str, by: str
) -> list[Closed]:
    """Close open accounts in the caller's transaction: their visits are recalled (the
    laptops drop them at their next sync), and each close is an entry of the trail."""
    today = clock.today()
    wanted = sorted(set(account_ids))
    for chunk in chunks(wanted):
        conn.execute(
            accounts.update()
            .where(accounts.c.account_id.in_(chunk), accounts.c.closed_on.is_(None))
            .values(closed_on=today, closed_reason=reason.value, closed_by=by, closed_note=note)
        )
    on_routes: list[sa.Row] = []
    for chunk in chunks(wanted):
        on_routes += conn.execute(
            sa.select(visits.c.visit_id, visits.c.account_id).where(
                visits.c.account_id.in_(chunk), visits.c.status == "assigned"
            )
        ).all()
    if on_routes:
        first = reserve_changes(conn, len(on_routes))
        conn.execute(
            visits.update()
            .where(visits.c.visit_id == sa.bindparam("key"))
            .values(status="recalled", seq=sa.bindparam("new_seq")),
            [{"key": v.visit_id, "new_seq": first + n} for n, v in enumerate(on_routes)],
        )
    recalled = {a: sum(1 for v in on_routes if v.account_id == a) for a in wanted}
    # The note can name the borrower, and the entry outlives personal data: its hash only.
    body = {
        "reason": reason.value,
        "by": by,
        "on": today.isoformat(),
        "note_sha256": hashlib.sha256(note.encode("utf-8")).hexdigest(),
    }
    append(
        conn,
        [("close", "accounts", a, body | {"visits_recalled": recalled[a]}) for a in wanted],
    )
    return [Closed(a, reason, today, by, recalled[a]) for a in wanted]


def close_cleared(conn: Connection, account_ids: Iterable[str]) -> list[str]:
    """Close (repaid) each open account whose payments cleared its balance; which ones.

    The balance is core banking's outstanding amount less the payments head office learned
    of after core banking last set the account's figures: a portfolio import that
    changes the amount resets it, so a payment already in the figures is not counted twice.
    """
    wanted = sorted(set(account_ids))
    cleared: list[str] = []
    for chunk in chunks(wanted):
        cleared += conn.execute(
            sa.select(accounts.c.account_id).where(
                accounts.c.account_id.in_(chunk),
                accounts.c.closed_on.is_(None),
                balance_left() <= 0,
            )
        ).scalars()
    if cleared:
        close_in(conn, cleared, CloseReason.REPAID, "", BY_PAYMENTS)
    return cleared


def balance_left() -> sa.ColumnElement[int]:
    """The account's balance in SQL: core banking's outstanding amount less the payments head
    office learned of after core banking last set the account's figures (a receipt's
    "left to pay" says the same)."""
    since = (
        sa.select(sa.func.coalesce(sa.func.sum(payments.c.amount_minor), 0))
        .where(
            payments.c.account_id == accounts.c.account_id,
            payments.c.received_at >= accounts.c.updated_at,
        )
        .scalar_subquery()
    )
    return accounts.c.outstanding_minor - since


def closed_among(conn: Connection, account_ids: Iterable[str]) -> dict[str, date]:
    """Which of these accounts are closed, and since when."""
    found: dict[str, date] = {}
    for chunk in chunks(sorted(set(account_ids))):
        rows = conn.execute(
            sa.select(accounts.c.account_id, accounts.c.closed_on).where(
                accounts.c.account_id.in_(chunk), accounts.c.closed_on.is_not(None)
            )
        )
        found |= {row.account_id: row.closed_on for row in rows}
    return found
