"""The review queue's messages: an item, its facts, and the supervisor's resolution."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldcore.affordability import Statement
from fieldcore.moments import Day
from fieldcore.text import Said
from sync.protocol import Wire as _Strict

# What lands in the queue (headoffice.oversight.review says each in a sentence).
ReviewKind = Literal[
    "dispute",
    "hardship",
    "moved",
    "deceased",
    "late",
    "conflict",
    "legal",
    "policy",
    "location",
    "cash",
    "limitation",
    "message",
]


class ResolutionWire(BaseModel):
    note: str
    resolved_by: str
    resolved_at: datetime
    # accepted / rejected for the kinds a decision acts on; null when only noted.
    decision: Literal["accepted", "rejected"] | None = None


class ReviewFacts(BaseModel):
    """What a review item is about, as facts a console says in its own language.

    Each kind fills its own: a dispute its `reason`; a hardship request the
    `instalment_minor` and `term_months` asked for; a late outcome its `outcome`;
    a conflict the `field` and its three values; a legal referral the days past
    due, the amount overdue, the broken promises and instalments (nothing paid by
    their date) and the last one's day. The borrower's and collector's own words
    (`reason`, `note`) stay as they wrote them.
    """

    reason: str | None = None
    note: str | None = None
    outcome: str | None = None
    currency: str | None = None
    instalment_minor: int | None = None
    term_months: int | None = None
    # A hardship request's income and spending as the borrower said them at the door,
    # what it leaves each month, and the monthly instalment it leaves room for (null:
    # nothing to pay from).
    statement: Statement | None = None
    surplus_minor: int | None = None
    affordable_minor: int | None = None
    new_address: str | None = None
    distance_m: int | None = None
    # Cash: what is still with the collector (or short of a deposit), since when.
    cash_minor: int | None = None
    since: date | None = None
    short: bool | None = None
    field: str | None = None
    value: str | None = None
    server_value: str | None = None
    base_value: str | None = None
    days_past_due: int | None = None
    overdue_minor: int | None = None
    broken_promises: int | None = None
    last_due: date | None = None
    # A contact against the policy: the rules broken, how, and the collector's reason.
    rules: list[str] | None = None
    channel: str | None = None
    override: str | None = None
    # A claim near its limitation date: the day it expires, the days left, the statute.
    expires_on: date | None = None
    days_left: int | None = None
    source: str | None = None
    # A message that could not be delivered: why it was sent (reminder, receipt...); the
    # channel's words are in `note`, the channel in `channel`.
    message: str | None = None


class ReviewItemWire(BaseModel):
    """One item of the review queue; `summary` says its facts in English for scripts and logs."""

    kind: ReviewKind
    ref: str
    account_id: str
    borrower_name: str
    collector: str
    at: datetime | None
    summary: str
    facts: ReviewFacts = ReviewFacts()
    resolution: ResolutionWire | None


class ResolveRequest(_Strict):
    """What the supervisor decided; the note is kept with the item."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"note": "Called the borrower; payment confirmed."},
                {"note": "Payslips seen.", "decision": "accepted", "first_date": "2026-12-15"},
            ]
        }
    )

    note: Annotated[Said, Field(min_length=1, max_length=2000)]
    # For a dispute, hardship request, move, death or legal referral: what the decision
    # does (a dispute's hold lifts either way; an accepted hardship request becomes a
    # plan; an accepted legal referral sends the account to court, headoffice refer).
    decision: Literal["accepted", "rejected"] | None = None
    # An accepted hardship request's first instalment [default: a month from today].
    first_date: Day | None = None
