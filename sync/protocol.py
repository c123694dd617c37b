"""Wire models of the sync protocol (pydantic), versioned; see docs/ARCHITECTURE.md."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from fieldcore.accounts import Account
from fieldcore.outcomes import OutcomeCode, OutcomeDetails, PaymentMethod
from fieldcore.text import Line, Lines

PROTOCOL_VERSION = 2
# The oldest client protocol this build still understands: version 1 laptops
# could not read the history and content a pull now carries.
OLDEST_PROTOCOL = 2
# Larger bodies are refused before they are parsed: a push of 500 outcomes with
# full notes stays well under this.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_MUTATIONS_PER_PUSH = 500
MAX_PAGE = 2000
DEFAULT_PAGE = 1000
# A visit carries at most this many earlier outcomes of its account.
MAX_HISTORY = 50
# A published script library or policy, as JSON.
MAX_CONTENT_CHARS = 1_000_000
MAX_CONTENT_ITEMS = 50


# What a laptop may say happened when: anything outside these years is a broken clock or worse.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _moment_in_range(moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError("is not between the years 2000 and 2099")
    return moment


def _day_in_range(day: date) -> date:
    if not EARLIEST.date() <= day < LATEST.date():
        raise ValueError("is not between the years 2000 and 2099")
    return day


Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
Day = Annotated[date, AfterValidator(_day_in_range)]


class Wire(BaseModel):
    """A message on the wire: unknown fields are refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EnrollRequest(Wire):
    """A laptop presents the one-time token a supervisor gave its collector."""

    protocol: int = PROTOCOL_VERSION
    token: Line = Field(min_length=8, max_length=200)
    device_name: Line = Field("laptop", min_length=1, max_length=100)


class EnrollResponse(Wire):
    """The laptop's identity: its own secret token and a short code for receipt numbers."""

    protocol: int = PROTOCOL_VERSION
    device_id: str
    device_token: str
    device_code: str
    collector: str
    language: str
    timezone: str


class OutcomePayload(Wire):
    """An outcome recorded on the laptop: an event, never edited after it is made."""

    id: Line = Field(min_length=1, max_length=64)
    visit_id: Line = Field(min_length=1, max_length=64)
    account_id: Line = Field(min_length=1, max_length=64)
    outcome: OutcomeCode
    amount_minor: int | None = Field(None, ge=1, le=10**15)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    promise_date: Day | None = None
    method: PaymentMethod | None = None
    note: Lines = Field("", max_length=2000)
    # The laptop's device code and counter, e.g. K7Q2M-000042.
    receipt_no: str | None = Field(None, max_length=40, pattern=r"^[A-Z0-9]{1,12}-[0-9]{1,12}$")
    recorded_at: Moment
    details: OutcomeDetails = OutcomeDetails()


class HistoryWire(Wire):
    """An earlier outcome of an account, as head office has it."""

    id: str = Field(max_length=64)
    account_id: str = Field(max_length=64)
    collector: str = Field(max_length=100)
    outcome: OutcomeCode
    amount_minor: int | None = None
    currency: str | None = Field(None, max_length=3)
    promise_date: date | None = None
    method: PaymentMethod | None = None
    note: str = Field("", max_length=2000)
    receipt_no: str | None = Field(None, max_length=40)
    recorded_at: AwareDatetime
    details: OutcomeDetails = OutcomeDetails()


class ContentWire(Wire):
    """A published script library or contact policy; `body` is its JSON."""

    key: str = Field(max_length=100)
    kind: Literal["scripts", "policy"]
    version: int
    body: str = Field(max_length=MAX_CONTENT_CHARS)


CONTACT_FIELDS = ("phone", "address", "email")


class CorrectionPayload(Wire):
    """A collector's correction of a contact detail, with the value it was based on.

    It never overwrites head office's value: where head office's value is no
    longer `base_value`, both are kept and the conflict goes to a supervisor.
    """

    id: Line = Field(min_length=1, max_length=64)
    account_id: Line = Field(min_length=1, max_length=64)
    field: Literal["phone", "address", "email"]
    value: Line = Field(min_length=1, max_length=500)
    # The value the laptop showed when the collector corrected it: the field's
    # version as far as a conflict is concerned.
    base_value: str | None = Field(None, max_length=500)
    recorded_at: Moment


class RecordOutcome(Wire):
    """One outcome, with a mutation id made on the laptop so a retry is recognised."""

    id: Line = Field(min_length=1, max_length=64)
    kind: Literal["record_outcome"]
    payload: OutcomePayload


class CorrectContact(Wire):
    """One contact correction, with its own mutation id."""

    id: Line = Field(min_length=1, max_length=64)
    kind: Literal["correct_contact"]
    payload: CorrectionPayload


Mutation = Annotated[RecordOutcome | CorrectContact, Field(discriminator="kind")]


class PushRequest(Wire):
    """The laptop's waiting changes, oldest first."""

    protocol: int = PROTOCOL_VERSION
    mutations: list[Mutation] = Field(max_length=MAX_MUTATIONS_PER_PUSH)


MutationStatus = Literal["applied", "refused"]


class MutationResult(Wire):
    """What became of one mutation; a retry of the same id gets the same answer."""

    id: str
    status: MutationStatus
    message: str | None = None
    flagged: bool = False


class PushResponse(Wire):
    """One result per mutation, in the order they were sent."""

    protocol: int = PROTOCOL_VERSION
    results: list[MutationResult]


class PullRequest(Wire):
    """Ask for what changed after `cursor` (empty for everything)."""

    protocol: int = PROTOCOL_VERSION
    cursor: str = Field("", max_length=40)
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE)


class VisitWire(Wire):
    """An assigned stop on a collector's route, with the account it is about."""

    visit_id: str = Field(max_length=64)
    account_id: str = Field(max_length=64)
    visit_date: date
    sequence: int
    account: Account
    history: list[HistoryWire] = Field([], max_length=MAX_HISTORY)


class PullResponse(Wire):
    """A page of changes in server order; `more` says whether to ask again at once.

    `remaining` estimates the changes still to come (for a progress bar); the
    last page (`more` false) carries `scope_visits`, how many visits the laptop
    should now hold, and `scope_checksum` of their ids, so drift is noticed and
    repaired.
    """

    protocol: int = PROTOCOL_VERSION
    cursor: str = Field(max_length=40)
    more: bool
    remaining: int = 0
    scope_visits: int | None = None
    scope_checksum: str | None = Field(None, max_length=64)
    visits: list[VisitWire] = Field([], max_length=MAX_PAGE)
    accounts: list[Account] = Field([], max_length=MAX_PAGE)
    removed_visits: list[Annotated[str, Field(max_length=64)]] = Field([], max_length=MAX_PAGE)
    content: list[ContentWire] = Field([], max_length=MAX_CONTENT_ITEMS)


CURSOR_RESET = "cursor_reset"


def scope_checksum(visit_ids: Iterable[str]) -> str:
    """What both ends compute over the visits a laptop should hold, to detect drift."""
    digest = hashlib.sha256()
    for visit_id in sorted(visit_ids):
        digest.update(visit_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


class ErrorBody(Wire):
    """Every refusal carries a sentence that says what was wrong, and maybe a code."""

    detail: str
    code: str | None = None
