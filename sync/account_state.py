"""An account's state beside its visits in a pull: holds, notices, and promises and plans."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fieldcore.arrangements import MOST_INSTALMENTS, ArrangementState
from fieldcore.contact import HoldReason, NoticeKind
from fieldcore.messaging import MessageChannel, MessageReason

# Notices per account a pull carries, the newest: more than any rule counts.
MAX_NOTICES = 50
# A plan's instalments and the promises beside it, per account (older ones stay at head office).
MAX_INSTALMENTS_DOWN = 200
# Messages head office sent the borrower, per account a pull carries: the newest.
MAX_MESSAGES_DOWN = 20


class Wire(BaseModel):
    """As sync.protocol's: unknown fields are refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class HoldWire(Wire):
    """A hold head office put on an account: no contact until it is released."""

    reason: HoldReason
    since: date
    note: str = Field("", max_length=2000)


class NoticeWire(Wire):
    """A written notice sent to the borrower, as head office recorded it."""

    kind: NoticeKind
    sent_on: date


class MessageWire(Wire):
    """A message head office sent the borrower by itself (a reminder, a notice, a receipt)."""

    reason: MessageReason
    channel: MessageChannel
    sent_at: AwareDatetime
    # The e-mail's subject, else the text's first words: enough to say it at the door.
    summary: str = Field(max_length=300)


class InstalmentWire(Wire):
    """One instalment of a promise (one part) or plan, as head office judged it at the pull."""

    arrangement_id: str = Field(max_length=80)
    kind: Literal["promise", "plan"]
    number: int = Field(ge=1, le=MOST_INSTALMENTS)
    count: int = Field(ge=1, le=MOST_INSTALMENTS)
    due: date
    currency: str = Field(max_length=3)
    amount_minor: int
    on_time_minor: int
    paid_minor: int
    state: ArrangementState


class ContactStateWire(Wire):
    """An account's holds in force, its notices, and the instalments of its promises and plans
    still in force: all of them, replacing what the laptop had."""

    account_id: str = Field(max_length=64)
    holds: list[HoldWire] = Field([], max_length=len(HoldReason))
    notices: list[NoticeWire] = Field([], max_length=MAX_NOTICES)
    instalments: list[InstalmentWire] = Field([], max_length=MAX_INSTALMENTS_DOWN)
    # Since protocol 7 (MESSAGES_PROTOCOL): left out for a laptop of an earlier one.
    messages: list[MessageWire] = Field([], max_length=MAX_MESSAGES_DOWN)
