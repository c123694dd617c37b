"""Review items for messages that failed for good: a supervisor reaches the borrower otherwise."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.audit import sha256
from fieldcore.messaging import MessageState
from headoffice.messages.outbox import aware
from headoffice.phrasing import review_summary
from headoffice.store.tables import accounts, messages
from headoffice.wire import ReviewFacts

# A resolution's ref holds 64 characters; a longer key is named by its hash.
_REF_CHARS = 64


def message_ref(key: str) -> str:
    """The review item's ref for a message: its key, or its key's hash when that is long."""
    return key if len(key) <= _REF_CHARS else sha256(key.encode())[:_REF_CHARS]


def failed_messages(conn: Connection, ref: str | None = None) -> list[dict]:
    """One item per message in state failed, with the channel's words."""
    query = (
        sa.select(messages, accounts.c.borrower_name)
        .outerjoin(accounts, accounts.c.account_id == messages.c.account_id)
        .where(messages.c.state == MessageState.FAILED.value)
        .order_by(messages.c.next_try_at, messages.c.key)
    )
    if ref is not None and len(ref) < _REF_CHARS:
        query = query.where(messages.c.key == ref)
    items = []
    for row in conn.execute(query):
        key = message_ref(row.key)
        if ref is not None and key != ref:
            continue
        facts = ReviewFacts(message=row.reason, channel=row.channel, note=row.last_error or "")
        items.append(
            {
                "ref": key,
                "account_id": row.account_id,
                "borrower_name": row.borrower_name or "",
                "collector": "",
                "at": aware(row.next_try_at),
                "kind": "message",
                "facts": facts,
                "summary": review_summary("message", facts),
            }
        )
    return items
