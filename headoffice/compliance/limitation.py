"""Each account's limitation date, kept current in the transaction of every write that moves it."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.keeping import Limitation, limitation_on
from headoffice.compliance.policies import limitation_rule, policies_in_force
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, payments


def refresh_limitation(conn: Connection, account_ids: Iterable[str]) -> int:
    """Work out again the limitation date of these accounts; how many changed.

    Called where a payment arrives (a file, the field) and where a portfolio import moves
    the day the oldest amount fell due. Only a payment starts the period again: a promise
    at the door is the collector's note of what was said, not the borrower's signed
    acknowledgement, and counting it would put the date later than a court might.
    """
    wanted = sorted(set(account_ids))
    if not wanted:
        return 0
    policies = policies_in_force(conn)
    rules: dict[str | None, Limitation] = {}
    changes = []
    for chunk in chunks(wanted):
        last_paid = dict(
            conn.execute(
                sa.select(payments.c.account_id, sa.func.max(payments.c.paid_on))
                .where(payments.c.account_id.in_(chunk))
                .group_by(payments.c.account_id)
            ).all()
        )
        rows = conn.execute(
            sa.select(
                accounts.c.account_id,
                accounts.c.country,
                accounts.c.oldest_due_date,
                accounts.c.limitation_on,
            ).where(accounts.c.account_id.in_(chunk))
        )
        for account_id, country, fell_due, before in rows:
            rule = rules.get(country)
            if rule is None:
                rule = rules[country] = limitation_rule(policies, country)
            limit = limitation_on(fell_due, last_paid.get(account_id), rule)
            if limit != before:
                changes.append({"key": account_id, "limit": limit})
    if changes:
        conn.execute(
            accounts.update()
            .where(accounts.c.account_id == sa.bindparam("key"))
            .values(limitation_on=sa.bindparam("limit")),
            changes,
        )
    return len(changes)
