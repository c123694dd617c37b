"""What a policy asks head office to send by itself: the `[messages]` section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fieldcore.messaging import MessageChannel


class StageNotice(BaseModel):
    """When an account enters `stage`, a notice of `kind` goes out by the first of `channels`
    the borrower can be reached on; a collection warning gives `days_to_pay` to pay."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Literal["early", "middle", "late"]
    kind: Literal["collection_warning", "reminder"]
    channels: list[MessageChannel] = Field([MessageChannel.LETTER], min_length=1)
    days_to_pay: int = Field(0, ge=0, le=90)
    source: str = ""

    @model_validator(mode="after")
    def _warning_gives_time(self) -> StageNotice:
        if self.kind == "collection_warning" and self.days_to_pay < 1:
            raise ValueError("a collection warning gives the borrower days_to_pay, at least 1")
        return self


class MessageRules(BaseModel):
    """The `[messages]` section of a policy: head office's alone, never sent to laptops.

    Messages go only within the policy's phone window in the borrower's time zone and
    never on its closed days: a text or an e-mail is contact, like a call.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A promise or instalment is reminded this many days before it falls due, and followed
    # up this many days after it was missed.
    reminder_days_before: int = Field(1, ge=1, le=14)
    broken_days_after: int = Field(1, ge=1, le=14)
    # Reminders, follow-ups and receipts: the first of these the borrower has and has not
    # opted out of.
    channels: list[MessageChannel] = Field([MessageChannel.SMS, MessageChannel.EMAIL], min_length=1)
    stage_notices: list[StageNotice] = []
    # A planned home visit's written notice, where the policy has `[visit_notice]`.
    visit_notice_channels: list[MessageChannel] = Field([MessageChannel.LETTER], min_length=1)
    source: str = ""
