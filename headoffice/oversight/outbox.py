"""The outbox as supervisors read it: messages by account and state, newest first."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headoffice.messages.outbox import aware
from headoffice.store.tables import messages


def listed(
    engine: Engine, account_id: str | None = None, state: str | None = None, limit: int = 50
) -> list[SimpleNamespace]:
    """Messages (of one account, in one state, or all), the newest made first."""
    query = sa.select(messages).order_by(messages.c.created_at.desc(), messages.c.key).limit(limit)
    if account_id is not None:
        query = query.where(messages.c.account_id == account_id)
    if state is not None:
        query = query.where(messages.c.state == state)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    moments = ("due_at", "expires_at", "next_try_at", "sent_at", "created_at")
    return [
        SimpleNamespace(**(dict(row._mapping) | {m: aware(row._mapping[m]) for m in moments}))
        for row in rows
    ]
