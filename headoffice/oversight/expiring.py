"""Review items for claims near their limitation date, so a claim is never lost by waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.keeping import warned_from
from headoffice.compliance.policies import limitation_rule, policies_in_force
from headoffice.phrasing import review_summary
from headoffice.store.tables import accounts
from headoffice.wire import ReviewFacts

# Beyond any policy's warning (fieldcore.keeping.Limitation allows 730 days): the query
# reads only the accounts that could be near their date.
_WIDEST_WARNING = timedelta(days=730)


def limitation_ref(account_id: str, limit: date) -> str:
    """The item's ref: the date in it, so a payment that moves the date makes a new item
    and a resolved one stays resolved. An account id too long for both is the ref alone."""
    ref = f"{limit:%Y%m%d}:{account_id}"
    return ref if len(ref) <= 64 else account_id


def limitation_items(conn: Connection, today: date, ref: str | None = None) -> list[dict]:
    """Each open account within its policy's warning days of its limitation date.

    An expired claim stays in the queue until resolved: the supervisor decides what
    happens to it, and nothing leaves the queue by the passing of time.
    """
    query = sa.select(
        accounts.c.account_id,
        accounts.c.borrower_name,
        accounts.c.country,
        accounts.c.limitation_on,
    ).where(
        accounts.c.closed_on.is_(None),
        accounts.c.limitation_on.is_not(None),
        accounts.c.limitation_on <= today + _WIDEST_WARNING,
    )
    if ref is not None:
        query = query.where(accounts.c.account_id == ref.split(":", 1)[-1])
    policies = policies_in_force(conn)
    items = []
    for row in conn.execute(query):
        rule = limitation_rule(policies, row.country)
        if today < warned_from(row.limitation_on, rule):
            continue
        key = limitation_ref(row.account_id, row.limitation_on)
        if ref is not None and key != ref:
            continue
        facts = ReviewFacts(
            expires_on=row.limitation_on,
            days_left=(row.limitation_on - today).days,
            source=rule.source,
        )
        items.append(
            {
                "ref": key,
                "account_id": row.account_id,
                "borrower_name": row.borrower_name,
                "collector": "",
                "at": datetime.combine(
                    warned_from(row.limitation_on, rule), datetime.min.time(), UTC
                ),
                "kind": "limitation",
                "facts": facts,
                "summary": review_summary("limitation", facts),
            }
        )
    return items
