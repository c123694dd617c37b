"""What a channel is handed (one message, rendered) and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message as a channel sends it: already written in the borrower's language."""

    key: str  # the outbox's stable key: the SMS idempotency key, the e-mail's Message-ID
    to: str  # an e-mail address or a phone number
    name: str  # the borrower's name, for the e-mail's To line
    subject: str  # e-mail only; SMS ignore it
    text: str
    language: str


class Answer(StrEnum):
    SENT = "sent"  # the channel took it
    RETRY = "retry"  # a fault that may pass (a 5xx, a timeout, a refused connection)
    FAILED = "failed"  # refused for good (a bad number, a mailbox that does not exist)


@dataclass(frozen=True)
class Delivery:
    """A channel's answer for one message; `detail` says what happened in a sentence."""

    answer: Answer
    detail: str = ""
    provider_ref: str | None = None  # the gateway's id, the e-mail's Message-ID


class Sender(Protocol):
    """A channel that sends one message at a time; `close` ends its connection."""

    def send(self, message: Outgoing) -> Delivery: ...

    def close(self) -> None: ...


class ChannelDown(RuntimeError):
    """The channel itself cannot be reached or refuses us (no connection, bad login).

    The message goes back to the queue with its attempt uncounted, and the run sends
    nothing more on that channel: the rest would fail the same way.
    """
