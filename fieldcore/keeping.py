"""How long a claim lives and how long an account's personal data is kept: policy data and dates."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# The policy keys only head office reads; laptops are sent policies without them, so a
# laptop of an earlier protocol (whose policy model forbids unknown keys) reads them still.
HEAD_OFFICE_ONLY = ("limitation", "retention", "messages")


class CloseReason(StrEnum):
    """Why an account was closed: it leaves the field and its retention clock starts."""

    REPAID = "repaid"
    SETTLED = "settled"
    WRITTEN_OFF = "written_off"
    SOLD = "sold"


class Limitation(BaseModel):
    """The claim expires `years` after its start (the last payment, else the day it fell due)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: int = Field(ge=1, le=30)
    # An account this close to its date becomes a review item, so a claim is never lost
    # by waiting.
    warning_days: int = Field(90, ge=1, le=730)
    source: str = ""


class RetentionStart(StrEnum):
    CLOSED = "closed"  # the day the account was closed
    LAST_ACTIVITY = "last_activity"  # its last outcome, payment or its closing, whichever is last


class Retention(BaseModel):
    """A closed account's personal data is erased `years` after `after`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: int = Field(ge=1, le=30)
    after: RetentionStart
    source: str = ""


def years_after(start: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def limitation_on(fell_due: date, last_paid: date | None, rule: Limitation) -> date:
    """The day the claim expires.

    A payment acknowledges the debt and starts the period again (PRC Civil Code art. 195,
    forældelsesloven section 14; part payment in most US states); without one, the period
    runs from the day the oldest unpaid amount fell due.
    """
    start = max(fell_due, last_paid) if last_paid is not None else fell_due
    return years_after(start, rule.years)


def warned_from(limit: date, rule: Limitation) -> date:
    """The first day the account is shown for review before its claim expires."""
    return limit - timedelta(days=rule.warning_days)


def retention_ends(closed_on: date, last_activity: date | None, rule: Retention) -> date:
    """The day the account's personal data is due for erasure."""
    start = closed_on
    if rule.after is RetentionStart.LAST_ACTIVITY and last_activity is not None:
        start = max(closed_on, last_activity)
    return years_after(start, rule.years)
