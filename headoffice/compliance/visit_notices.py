"""Visits assigned before their written notice can have reached the borrower."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from headoffice.compliance.policies import policies_in_force
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, notices


def too_soon(
    conn: Connection, account_ids: list[str], visit_date: date, today: date
) -> dict[str, date]:
    """The accounts whose policy asks for a notice of a home visit that no notice sent
    covers on `visit_date`, each with the first day it may be visited.

    That day counts from the first notice sent, or from today when none was: the letter
    the next messages run prints counts once the batch is posted (docs/MESSAGES.md).
    """
    policies = policies_in_force(conn)
    found: dict[str, date] = {}
    for chunk in chunks(account_ids):
        countries = dict(
            conn.execute(
                sa.select(accounts.c.account_id, accounts.c.country).where(
                    accounts.c.account_id.in_(chunk)
                )
            ).all()
        )
        sent: dict[str, list[date]] = {}
        for row in conn.execute(
            sa.select(notices.c.account_id, notices.c.sent_on).where(
                notices.c.account_id.in_(chunk), notices.c.kind == "visit_notice"
            )
        ):
            sent.setdefault(row.account_id, []).append(row.sent_on)
        for account_id, country in countries.items():
            rule = policies.for_country(country).visit_notice
            if rule is None:
                continue
            days = timedelta(days=rule.days_before)
            dates = sent.get(account_id, [])
            if any(day + days <= visit_date for day in dates):
                continue
            found[account_id] = (min(dates) if dates else today) + days
    return found
