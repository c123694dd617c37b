"""What a collector sees of a stop on the route and of a visit, as plain values."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from fieldcore.accounts import Account
from fieldcore.outcomes import OutcomeDetails
from fieldcore.stops import RouteStop


class OutcomeRecord(BaseModel):
    """An outcome as the laptop keeps it: an append-only event."""

    model_config = ConfigDict(frozen=True)

    id: str
    visit_id: str
    account_id: str
    outcome: str
    amount_minor: int | None
    currency: str | None
    promise_date: date | None
    method: str | None
    note: str
    receipt_no: str | None
    recorded_at: datetime
    synced: bool
    details: OutcomeDetails = OutcomeDetails()
    collector: str | None = None  # set on history from head office
    from_head_office: bool = False


class VisitDetail(BaseModel):
    """Everything the collector needs at the door."""

    model_config = ConfigDict(frozen=True)

    stop: RouteStop
    account: Account
    outcomes: list[OutcomeRecord]  # this laptop's and head office's, newest first


class DaySummary(BaseModel):
    """The end of the day: what was done, what was promised, what cash to deposit."""

    model_config = ConfigDict(frozen=True)

    day: date
    done: int
    left: int
    skipped: int
    promises: int
    promised: dict[str, int]  # currency -> minor units
    collected: dict[str, dict[str, int]]  # method -> currency -> minor units
    waiting: int
