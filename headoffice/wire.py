"""The supervisor API's messages (pydantic): what the console and scripts send and receive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fieldcore.stages import Stage


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Problem(BaseModel):
    """A refusal: the sentence, and for a refused file every bad row as `line N, column C`."""

    detail: str
    problems: list[str] = Field(default_factory=list)


class Me(BaseModel):
    """Who the token belongs to, and head office's today (the console's default day)."""

    name: str
    today: date


class CollectorInfo(BaseModel):
    name: str
    language: str
    timezone: str
    laptops: int


class ImportResult(BaseModel):
    new: int
    updated: int
    unchanged: int


class PaymentsResult(BaseModel):
    new: int
    already_known: int


class AssignRequest(_Strict):
    """Whom, which day, which accounts (by id or by what they share), and in what order."""

    collector: str = Field(min_length=1, max_length=100)
    date: date
    account_ids: list[str] = Field(default_factory=list, max_length=5000)
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    stage: Stage | None = None
    optimise: bool = False
    start_lat: float | None = Field(None, ge=-90, le=90)
    start_lon: float | None = Field(None, ge=-180, le=180)

    @model_validator(mode="after")
    def _start_point(self) -> AssignRequest:
        if (self.start_lat is None) != (self.start_lon is None):
            raise ValueError("start_lat and start_lon come together or not at all")
        if not (self.account_ids or self.region or self.postal_code or self.stage):
            raise ValueError("say which accounts: account_ids, region, postal_code or stage")
        return self


class AssignResult(BaseModel):
    assigned: int
    account_ids: list[str]
    km: float | None
    without_coordinates: list[str]


class ReassignRequest(_Strict):
    """Move one collector's unvisited stops of a day to another."""

    from_collector: str = Field(min_length=1, max_length=100)
    to_collector: str = Field(min_length=1, max_length=100)
    date: date


class ReassignResult(BaseModel):
    moved: list[str]


class RecallRequest(_Strict):
    date: date
    account_ids: list[str] = Field(min_length=1, max_length=5000)


class RecallResult(BaseModel):
    recalled: int


class Stop(BaseModel):
    """One visit on the board, with what came back from it."""

    account_id: str
    borrower_name: str
    postal_code: str | None
    region: str | None
    stage: Stage
    sequence: int
    outcome: str | None


class CollectorRoute(BaseModel):
    collector: str
    stops: list[Stop]


class Board(BaseModel):
    date: date
    routes: list[CollectorRoute]


class TeamRow(BaseModel):
    """A collector's day in one line, for the board's team view."""

    collector: str
    visits: int
    done: int
    regions: list[str]


class PublishResult(BaseModel):
    published: list[str]


class ResolutionWire(BaseModel):
    note: str
    resolved_by: str
    resolved_at: datetime


class ReviewItemWire(BaseModel):
    kind: Literal["dispute", "hardship", "late", "conflict", "legal"]
    ref: str
    account_id: str
    borrower_name: str
    collector: str
    at: datetime | None
    summary: str
    resolution: ResolutionWire | None


class ResolveRequest(_Strict):
    note: str = Field(min_length=1, max_length=2000)


class FiguresWire(BaseModel):
    key: str
    visits: int
    contacts: int
    contact_rate: float
    promises_taken: int
    promises_kept: int
    promises_broken: int
    collected: dict[str, int]


class NumbersWire(BaseModel):
    by: Literal["collector", "stage", "day"]
    since: date
    until: date
    rows: list[FiguresWire]
    total: FiguresWire
    # Always by day as well, for the console's plot.
    days: list[FiguresWire]
