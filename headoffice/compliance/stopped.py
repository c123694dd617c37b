"""Which accounts nobody may contact now: their holds in force, by the reasons they give."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.contact import HoldReason
from headoffice.store.db import among
from headoffice.store.tables import holds


def contact_stopped(
    conn: Connection, account_ids: Iterable[str] | sa.Select
) -> dict[str, list[str]]:
    """For each of these accounts under a hold that stops contact, its hold reasons.

    Every hold stops head office's own messages too; an attorney hold leaves only the
    attorney to talk to, and the borrower gets nothing. A legal hold keeps records and
    stops no contact.
    """
    found: dict[str, list[str]] = {}
    for among_them in among(holds.c.account_id, account_ids):
        rows = conn.execute(
            sa.select(holds.c.account_id, holds.c.reason)
            .where(
                among_them,
                holds.c.released_at.is_(None),
                holds.c.reason != HoldReason.LEGAL_HOLD.value,
            )
            .order_by(holds.c.id)
        )
        for row in rows:
            found.setdefault(row.account_id, []).append(row.reason)
    return found
