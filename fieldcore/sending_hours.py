"""The first moment a message may reach a borrower: the policy's phone window, its closed days."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fieldcore.contact import decide
from fieldcore.policy import Channel, ContactPolicy


def first_moment(policy: ContactPolicy, at: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment from `at` (aware) on when a message may go, in UTC; None when the
    policy allows none in the days searched.

    A text or an e-mail is contact like a call: it goes within the phone window in the
    borrower's own time, and never on a day the policy closes to phone calls.
    """
    decision = decide(policy, Channel.PHONE, "borrower", at, zone)
    if decision.allowed:
        return at.astimezone(UTC)
    if decision.next_allowed is None:
        return None
    return decision.next_allowed.astimezone(UTC)
