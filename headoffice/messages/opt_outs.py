"""A borrower's opt-outs: no more e-mails, or no more texts, until they are withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.messaging import MessageChannel
from headoffice.store.db import among
from headoffice.store.tables import accounts, opt_outs

# A letter is the written notice the law asks for; a borrower opts out of e-mail and SMS.
OPTIONAL = (MessageChannel.EMAIL, MessageChannel.SMS)


class OptOutError(ValueError):
    """An opt-out that cannot be recorded; nothing changed. `status`: the HTTP answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class OptOutChange:
    """An opt-out recorded or withdrawn, as the caller enters it in the audit trail."""

    opt_out_id: int
    account_id: str
    channel: MessageChannel
    note: str
    by: str
    at: datetime
    withdrawn: bool = False


def opt_out_in(
    conn: Connection, account_id: str, channel: str, note: str, by: str, now: datetime
) -> OptOutChange | None:
    """Record that the borrower wants no more messages on `channel`; None if already so."""
    chosen = _channel(channel)
    _known(conn, account_id)
    if _open(conn, account_id, chosen) is not None:
        return None
    made = conn.execute(
        opt_outs.insert().values(
            account_id=account_id, channel=chosen.value, note=note, placed_by=by, placed_at=now
        )
    )
    return OptOutChange(made.inserted_primary_key[0], account_id, chosen, note, by, now)


def withdraw_in(
    conn: Connection, account_id: str, channel: str, note: str, by: str, now: datetime
) -> OptOutChange | None:
    """The borrower wants `channel` again (they said so); None if they had not opted out."""
    chosen = _channel(channel)
    _known(conn, account_id)
    found = _open(conn, account_id, chosen)
    if found is None:
        return None
    conn.execute(
        opt_outs.update().where(opt_outs.c.id == found).values(withdrawn_by=by, withdrawn_at=now)
    )
    return OptOutChange(found, account_id, chosen, note, by, now, withdrawn=True)


def opted_out(conn: Connection, account_ids: Iterable[str] | sa.Select) -> set[tuple[str, str]]:
    """(account, channel) for each opt-out in force among these accounts."""
    found: set[tuple[str, str]] = set()
    for among_them in among(opt_outs.c.account_id, account_ids):
        rows = conn.execute(
            sa.select(opt_outs.c.account_id, opt_outs.c.channel).where(
                among_them, opt_outs.c.withdrawn_at.is_(None)
            )
        )
        found |= {(row.account_id, row.channel) for row in rows}
    return found


def _channel(channel: str) -> MessageChannel:
    if channel not in {c.value for c in OPTIONAL}:
        raise OptOutError(
            f"{channel!r} is not a channel a borrower opts out of (email, sms); a letter is "
            "the written notice the law asks for"
        )
    return MessageChannel(channel)


def _known(conn: Connection, account_id: str) -> None:
    found = conn.execute(
        sa.select(accounts.c.account_id).where(accounts.c.account_id == account_id)
    ).first()
    if found is None:
        raise OptOutError(f"there is no account {account_id!r}", 404)


def _open(conn: Connection, account_id: str, channel: MessageChannel) -> int | None:
    return conn.execute(
        sa.select(opt_outs.c.id).where(
            opt_outs.c.account_id == account_id,
            opt_outs.c.channel == channel.value,
            opt_outs.c.withdrawn_at.is_(None),
        )
    ).scalar_one_or_none()
