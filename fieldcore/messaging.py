"""What head office sends a borrower by itself: reasons, channels, states, and the key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MessageReason(StrEnum):
    """Why a message goes out."""

    REMINDER = "reminder"  # the day before a promise or instalment falls due
    BROKEN = "broken"  # the day after one was missed
    STAGE_NOTICE = "stage_notice"  # the account entered a stage whose policy asks for one
    VISIT_NOTICE = "visit_notice"  # written notice of a planned home visit
    RECEIPT = "receipt"  # a field payment, once it reached head office


class MessageChannel(StrEnum):
    """How it goes: e-mail over SMTP, SMS through a gateway, or a printed letter."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


class MessageState(StrEnum):
    """Where a message is in the outbox."""

    QUEUED = "queued"  # waiting for its moment (quiet hours, a retry's backoff)
    SENDING = "sending"  # handed to a channel; the run has not yet heard back
    PRINTED = "printed"  # a letter in a print batch, not yet marked posted
    SENT = "sent"  # the channel took it (a letter: its batch was posted)
    FAILED = "failed"  # refused for good, or out of retries: a review item
    WITHHELD = "withheld"  # a hold or an opt-out came before it could go
    EXPIRED = "expired"  # its moment passed before it could go (quiet hours, failures)


# States a message never leaves.
FINAL_STATES = frozenset(
    {MessageState.SENT, MessageState.FAILED, MessageState.WITHHELD, MessageState.EXPIRED}
)


def message_key(reason: MessageReason, account_id: str, ref: str) -> str:
    """The outbox's stable key: one message per account, reason and due date (or receipt).

    Planning the same thing twice finds the key taken; the key is also the SMS gateway's
    idempotency key and the e-mail's Message-ID, so a resend after a crash is recognised.
    """
    return f"{reason.value}:{account_id}:{ref}"


@dataclass(frozen=True)
class SentMessage:
    """A message head office sent, as a laptop shows it at the visit."""

    reason: MessageReason
    channel: MessageChannel
    sent_at: datetime  # aware
    summary: str  # the subject, or the text's first words
