"""The follow-ups a collector has to plan: their borrowers with a promise or instalment due
that day, or one missed and not yet made good."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.arrangements import ArrangementState
from headoffice.ledger.judging import judged_instalments
from headoffice.store.tables import collectors, visits

_MISSED = (ArrangementState.BROKEN, ArrangementState.PARTLY_KEPT)


def due_follow_ups(conn: Connection, collector: str, day: date) -> list[str]:
    """Accounts this collector has had on a route with an instalment due on `day` and not
    yet paid, or missed before it: the oldest missed first, then those due that day."""
    mine = (
        sa.select(visits.c.account_id)
        .distinct()
        .join(collectors, collectors.c.collector_id == visits.c.collector_id)
        .where(collectors.c.name == collector)
    )
    accounts = list(conn.execute(mine).scalars())
    if not accounts:
        return []
    found: dict[str, date] = {}
    for part in judged_instalments(conn, day, accounts):
        missed = part.state in _MISSED and part.due < day
        due = part.due == day and part.state is ArrangementState.OPEN
        if missed or due:
            found[part.account_id] = min(found.get(part.account_id, part.due), part.due)
    return sorted(found, key=lambda account: (found[account], account))
