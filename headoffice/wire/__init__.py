"""The supervisor API's messages (pydantic): what the console and scripts send and receive.

Requests are strict: numbers are numbers, booleans booleans, days ISO text,
and every rule the server checks on a body's shape is in its schema.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from fieldcore.contact import HoldReason, NoticeKind
from fieldcore.moments import Day
from fieldcore.stages import Stage
from fieldcore.text import Line, Said
from headoffice.wire.numbers import UNASSIGNED as UNASSIGNED
from headoffice.wire.numbers import FiguresWire as FiguresWire
from headoffice.wire.numbers import NumbersWire as NumbersWire
from headoffice.wire.numbers import PerCurrency as PerCurrency
from headoffice.wire.review import ResolutionWire as ResolutionWire
from headoffice.wire.review import ResolveRequest as ResolveRequest
from headoffice.wire.review import ReviewFacts as ReviewFacts
from headoffice.wire.review import ReviewItemWire as ReviewItemWire
from headoffice.wire.review import ReviewKind as ReviewKind
from sync.protocol import Wire as _Strict


def _unique(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("names an account twice")
    return ids


AccountId = Annotated[Line, Field(min_length=1, max_length=64)]
Name = Annotated[Line, Field(min_length=1, max_length=100)]
AccountIds = Annotated[
    list[AccountId], AfterValidator(_unique), Field(json_schema_extra={"uniqueItems": True})
]
Latitude = Annotated[float, Field(ge=-90, le=90, strict=True, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, strict=True, allow_inf_nan=False)]


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
    """Whom, which day, which accounts (by id or by what they share), and in what order.

    Name the accounts, or a region, postal code prefix or stage they share;
    `optimise` orders the stops into a short walk from the start point, if given.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["account_ids"], "properties": {"account_ids": {"minItems": 1}}},
                {"required": ["region"]},
                {"required": ["postal_code"]},
                {"required": ["stage"]},
            ],
            "dependentRequired": {"start_lat": ["start_lon"], "start_lon": ["start_lat"]},
            "examples": [
                {"collector": "Mette", "date": "2026-11-23", "account_ids": ["DK-1", "DK-2"]},
                {"collector": "Lars", "date": "2026-11-23", "region": "Aarhus", "optimise": True},
            ],
        }
    )

    collector: Name
    date: Day
    account_ids: AccountIds = Field(default_factory=list, max_length=5000)
    # Absent, never null: a null would be neither a selection nor a refusal.
    region: Name = Field(None)  # type: ignore[assignment]
    postal_code: Annotated[Line, Field(min_length=1, max_length=20)] = Field(None)  # type: ignore[assignment]
    stage: Stage = Field(None)  # type: ignore[assignment]
    optimise: StrictBool = False
    start_lat: Latitude = Field(None)  # type: ignore[assignment]
    start_lon: Longitude = Field(None)  # type: ignore[assignment]

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
    not_visitable: dict[str, list[str]] = Field(
        default_factory=dict,
        description="With `optimise`: accounts left out because nobody may visit them that "
        "day (a hold, a holiday, no visit notice yet...), each with the contact rules' ids.",
    )
    follow_ups_first: int = Field(
        0,
        description="With `optimise`: how many of the first stops are the collector's due "
        "follow-ups (a promise or instalment due that day, or missed), put first.",
    )
    notice_too_soon: dict[str, date] = Field(
        default_factory=dict,
        description="Accounts put on the route although their policy's written notice of a "
        "visit cannot have reached the borrower by that day, each with the first day it may "
        "be visited: a warning, the laptop refuses the visit until then.",
    )


class ReassignRequest(_Strict):
    """Move one collector's unvisited stops of a day to another."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"from_collector": "Mette", "to_collector": "Lars", "date": "2026-11-23"}]
        }
    )

    from_collector: Name
    to_collector: Name
    date: Day


class ReassignResult(BaseModel):
    moved: list[str]


class RecallRequest(_Strict):
    """Take these accounts' visits of a day back from whoever has them."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"date": "2026-11-23", "account_ids": ["DK-1"]}]}
    )

    date: Day
    account_ids: AccountIds = Field(min_length=1, max_length=5000)


class RecallResult(BaseModel):
    recalled: int


class RevokeRequest(_Strict):
    """Revoke every laptop of a collector (lost or stolen); `wipe` also orders them erased.

    A revoked laptop can no longer sync. One ordered wiped first delivers, at its next
    sync, what it has waiting (nothing recorded is lost); the answer to its pull is then
    the wipe order, and it erases what fieldapp keeps on it. A laptop that never reaches
    head office again is not erased.
    """

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"collector": "Mette", "wipe": True}]}
    )

    collector: Name
    wipe: StrictBool = False


class RevokeResult(BaseModel):
    collector: str
    revoked: int = Field(
        description="How many of the collector's laptops were in service and are revoked now."
    )
    wipe_ordered: bool = Field(
        description="True when at least one laptop was ordered wiped (`wipe`): one revoked "
        "now, or one revoked earlier without the order and not yet wiped."
    )


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
    # Borrowers of this collector with a promise or instalment due that day, or missed:
    # work to plan (a planned day takes them first).
    follow_ups: int = 0


class PublishResult(BaseModel):
    published: list[str]


class HoldRequest(_Strict):
    """Put an account on hold: why, and what happened."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "cease", "note": "Letter of 20 November asks us to stop."}]
        }
    )

    reason: HoldReason
    note: Annotated[Said, Field(max_length=2000)] = ""


class ReleaseRequest(_Strict):
    """Lift an account's hold: why it may be contacted again."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Debt verified; statement sent on 25 November."}]}
    )

    note: Annotated[Said, Field(max_length=2000)] = ""


class HoldInfo(BaseModel):
    """A hold in force: why, since when, who placed it."""

    reason: HoldReason
    note: str
    placed_by: str
    placed_at: datetime


class HeldAccount(HoldInfo):
    """A hold in force, with the account it holds."""

    account_id: str
    borrower_name: str


class NoticeRequest(_Strict):
    """A written notice sent to the borrower outside fieldapp."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "visit_notice", "sent_on": "2026-11-18"}]}
    )

    kind: NoticeKind
    sent_on: Day


class NoticeInfo(BaseModel):
    kind: NoticeKind
    sent_on: date


# Head office's settings; headoffice.work.settings says what each takes.
SettingKey = Literal["lender.name", "lender.address", "lender.phone"]


class SettingWire(BaseModel):
    """One setting: its value (null when unset), what it is for, when it was last set."""

    key: SettingKey
    about: str
    value: str | None
    updated_at: datetime | None


class SettingRequest(_Strict):
    """A setting's new value, or null to clear it; laptops get it at their next sync.

    What a value takes depends on its key: a name up to 100 characters, an
    address up to 200, a phone of digits, spaces and a + at the start.
    """

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"value": "Nordbank A/S"}, {"value": None}]}
    )

    value: Annotated[Line, Field(min_length=1, max_length=200)] | None
