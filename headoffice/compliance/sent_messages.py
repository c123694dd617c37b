"""The messages head office sent each account, newest first, as a pull carries them down."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.messaging import MessageChannel, MessageReason, MessageState
from headoffice.store.db import chunks, utc
from headoffice.store.message_tables import messages
from sync.account_state import MAX_MESSAGES_DOWN, ContactStateWire, MessageWire

# A text without a subject (an SMS, a letter) is said by its first words, this many characters.
SUMMARY_CHARS = 80
# Enough of a body to find its first words, whatever spaces and lines come first.
_BODY_READ = 400
# What the wire takes, for a subject (an e-mail's) longer than any sensible one.
_MOST = MessageWire.model_fields["summary"].metadata[0].max_length


def summary(subject: str, body: str) -> str:
    """The subject when there is one, else the body's first words cut to 80 characters."""
    subject = " ".join(subject.split())
    if subject:
        return _cut(subject, _MOST)
    return _cut(" ".join(body.split()), SUMMARY_CHARS)


def _cut(text: str, most: int) -> str:
    if len(text) <= most:
        return text
    head = text[: most - 1]
    # At a word's end when there is one to cut at; a single long word is cut where it falls.
    if text[most - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…"


def add_sent_messages(conn: Connection, found: dict[str, ContactStateWire]) -> None:
    """Fill each account's `messages` with those sent, newest first, MAX_MESSAGES_DOWN at most.

    Only messages in state sent, and only reasons and channels the protocol knows (a
    laptop refuses others). One query per chunk of accounts, the newest picked in it.
    """
    newest = sa.func.row_number().over(
        partition_by=messages.c.account_id,
        order_by=(messages.c.sent_at.desc(), messages.c.key.desc()),
    )
    for chunk in chunks(sorted(found)):
        ranked = (
            sa.select(
                messages.c.account_id,
                messages.c.reason,
                messages.c.channel,
                messages.c.sent_at,
                messages.c.subject,
                sa.func.substr(messages.c.body, 1, _BODY_READ).label("body"),
                messages.c.key,
                newest.label("rank"),
            )
            .where(
                messages.c.account_id.in_(chunk),
                messages.c.state == MessageState.SENT.value,
                messages.c.sent_at.is_not(None),
                messages.c.reason.in_([r.value for r in MessageReason]),
                messages.c.channel.in_([c.value for c in MessageChannel]),
            )
            .subquery()
        )
        rows = conn.execute(
            sa.select(ranked)
            .where(ranked.c.rank <= MAX_MESSAGES_DOWN)
            .order_by(ranked.c.account_id, ranked.c.rank)
        )
        for row in rows:
            found[row.account_id].messages.append(
                MessageWire(
                    reason=row.reason,
                    channel=row.channel,
                    sent_at=utc(row.sent_at),
                    summary=summary(row.subject or "", row.body or ""),
                )
            )
