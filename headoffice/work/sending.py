"""Sending what the outbox holds: each message claimed, handed to its channel, and settled.

The one window where a message can go twice: a run hands a message to its channel and is
killed before it records the answer. The message is left `sending`; the next run puts it
back in the queue and sends it again under the same key. The SMS gateway is given the key
as its idempotency key and drops the repeat; an e-mail goes again with the same
Message-ID, which mail programs show once (docs/MESSAGES.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.audit import sha256
from fieldcore.messaging import MessageChannel, MessageReason, MessageState
from headoffice.compliance import holds as compliance_holds
from headoffice.compliance.policies import policies_in_force, zone_for
from headoffice.compliance.stopped import contact_stopped
from headoffice.evidence.trail import append
from headoffice.messages import outbox
from headoffice.messages.opt_outs import opted_out
from headoffice.messages.outgoing import Answer, ChannelDown, Delivery, Outgoing, Sender
from headoffice.store.tables import accounts, messages, touch_accounts
from headoffice.work.holds import notice_entry

# Who recorded a notice that head office sent by itself.
BY_MESSAGES = "head office messages"
# The notice a sent message stands for, by reason (a stage notice's kind is in its ref).
_NOTICE_KINDS = {MessageReason.VISIT_NOTICE.value: "visit_notice"}


@dataclass
class Sent:
    """What a run's sending did, counted."""

    sent: Counter = field(default_factory=Counter)
    retrying: int = 0
    failed: int = 0
    withheld: int = 0
    expired: int = 0
    # Due, but the run was given no such channel (no --smtp-url, no --sms-url).
    waiting_for_channel: Counter = field(default_factory=Counter)
    down: dict[str, str] = field(default_factory=dict)


def send_due(
    engine: Engine,
    now: datetime,
    senders: dict[MessageChannel, Sender],
    beat: Callable[[], None] = lambda: None,
) -> Sent:
    """Send every e-mail and SMS due at `now` through the senders given."""
    done = Sent()
    active = dict(senders)
    while active:
        with engine.begin() as conn:
            batch = conn.execute(
                sa.select(messages, accounts.c.borrower_name)
                .outerjoin(accounts, accounts.c.account_id == messages.c.account_id)
                .where(
                    messages.c.state == MessageState.QUEUED.value,
                    messages.c.next_try_at <= now,
                    messages.c.channel.in_([c.value for c in active]),
                )
                .order_by(messages.c.next_try_at, messages.c.key)
                .limit(200)
            ).all()
            ids = {row.account_id for row in batch}
            stopped = contact_stopped(conn, ids)
            opted = opted_out(conn, ids)
        if not batch:
            break
        for row in batch:
            channel = MessageChannel(row.channel)
            if channel not in active:
                continue
            if not _still_may_go(engine, row, now, stopped, opted, done):
                continue
            with engine.begin() as conn:
                if not outbox.claim(conn, row.key):
                    continue  # another run took it
            try:
                answer = active[channel].send(_outgoing(row))
            except ChannelDown as error:
                with engine.begin() as conn:
                    outbox.uncounted(conn, row.key, now, str(error))
                done.down[channel.value] = str(error)
                del active[channel]
                continue
            _settle(engine, row, answer, now, done)
        beat()
    with engine.connect() as conn:
        for channel in MessageChannel:
            if channel is MessageChannel.LETTER or channel in senders:
                continue
            count = conn.execute(
                sa.select(sa.func.count()).where(
                    messages.c.state == MessageState.QUEUED.value,
                    messages.c.next_try_at <= now,
                    messages.c.channel == channel.value,
                )
            ).scalar_one()
            if count:
                done.waiting_for_channel[channel.value] = count
    return done


def _still_may_go(
    engine: Engine,
    row: sa.Row,
    now: datetime,
    stopped: dict[str, list[str]],
    opted: set[tuple[str, str]],
    done: Sent,
) -> bool:
    """Whether the message may still go: not stale, no hold, no opt-out since it was queued."""
    why, state = None, None
    expires = outbox.aware(row.expires_at)
    if expires is not None and now >= expires:
        why, state = "its moment passed before it could go", MessageState.EXPIRED
    elif row.account_id in stopped:
        held = ", ".join(stopped[row.account_id])
        why, state = f"the account went on hold ({held})", MessageState.WITHHELD
    elif (row.account_id, row.channel) in opted:
        why, state = f"the borrower opted out of {row.channel}", MessageState.WITHHELD
    if state is None:
        return True
    with engine.begin() as conn:
        outbox.settle(conn, row.key, state, last_error=why)
        append(conn, [_entry(row, state, why)])
    if state is MessageState.EXPIRED:
        done.expired += 1
    else:
        done.withheld += 1
    return False


def _settle(engine: Engine, row: sa.Row, answer: Delivery, now: datetime, done: Sent) -> None:
    attempts = row.attempts + 1
    with engine.begin() as conn:
        if answer.answer is Answer.SENT:
            outbox.settle(
                conn,
                row.key,
                MessageState.SENT,
                sent_at=now,
                provider_ref=answer.provider_ref,
                attempts=attempts,
                last_error=None,
            )
            became_sent(conn, [row], now)
            done.sent[row.channel] += 1
            return
        if answer.answer is Answer.RETRY:
            state = outbox.again_later(conn, row.key, attempts, now, answer.detail)
        else:
            outbox.settle(conn, row.key, MessageState.FAILED, last_error=answer.detail)
            state = MessageState.FAILED
        if state is MessageState.FAILED:
            append(conn, [_entry(row, state, answer.detail)])
            done.failed += 1
        else:
            done.retrying += 1


def became_sent(
    conn: sa.Connection, rows: list[sa.Row], now: datetime, on: date | None = None
) -> None:
    """What follows a message's sending, in its transaction: its entry in the trail, the
    notice it stands for (so laptops and the contact rules know), and the account moved
    so that laptops pull it with the message in its history."""
    append(conn, [_entry(row, MessageState.SENT, None) for row in rows])
    policies = None
    for row in rows:
        kind = _notice_kind(row)
        if kind is None:
            continue
        if policies is None:
            policies = policies_in_force(conn)
        found = conn.execute(
            sa.select(accounts.c.country, accounts.c.timezone).where(
                accounts.c.account_id == row.account_id
            )
        ).first()
        zone = zone_for(policies.for_country(found.country), found.timezone, None)
        day = on or now.astimezone(zone).date()
        recorded = compliance_holds.record_notices_in(
            conn, [row.account_id], kind, day, BY_MESSAGES, day
        )
        append(conn, [notice_entry(notice) for notice in recorded])
    touch_accounts(conn, [row.account_id for row in rows])


def _notice_kind(row: sa.Row) -> str | None:
    if row.reason == MessageReason.STAGE_NOTICE.value:
        return row.ref.rsplit(":", 1)[-1]
    return _NOTICE_KINDS.get(row.reason)


def _outgoing(row: sa.Row) -> Outgoing:
    return Outgoing(
        key=row.key,
        to=row.to_address,
        name=row.borrower_name or "",
        subject=row.subject,
        text=row.body,
        language=row.language,
    )


def _entry(row: sa.Row, state: MessageState, why: str | None) -> tuple[str, str, str, dict]:
    """The trail's entry for a message's end: what it said as hashes, where it went."""
    body = {
        "account_id": row.account_id,
        "reason": row.reason,
        "channel": row.channel,
        "state": state.value,
        "templates": row.templates,
        "subject_sha256": sha256(row.subject.encode()),
        "body_sha256": sha256(row.body.encode()),
        "to_sha256": sha256(row.to_address.encode()),
    }
    if why:
        body["why"] = why
    return (f"message {state.value}", "messages", row.key, body)
