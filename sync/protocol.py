"""Wire models of the sync protocol (pydantic), versioned; see docs/ARCHITECTURE.md."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from fieldcore.accounts import Account
from fieldcore.moments import Day, Moment, WallClock
from fieldcore.outcomes import OutcomeCode, OutcomeDetails, PaymentMethod
from fieldcore.text import Line, Lines, check_line
from fieldcore.wholes import whole
from sync.account_state import MAX_INSTALMENTS_DOWN as MAX_INSTALMENTS_DOWN
from sync.account_state import MAX_NOTICES as MAX_NOTICES
from sync.account_state import ContactStateWire as ContactStateWire
from sync.account_state import HoldWire as HoldWire
from sync.account_state import InstalmentWire as InstalmentWire
from sync.account_state import NoticeWire as NoticeWire
from sync.audit_wire import AuditEntryWire as AuditEntryWire
from sync.deposit_wire import DepositPayload as DepositPayload
from sync.deposit_wire import RecordDeposit as RecordDeposit

PROTOCOL_VERSION = 7
# Protocol 3 added the lender's name, address and phone to the published content.
LENDER_PROTOCOL = 3
# Protocol 4 added each account's holds and written notices (`contact` in a pull).
HOLDS_PROTOCOL = 4
# Protocol 5 added plans, callback stops, proof of the visit and each account's instalments.
FOLLOW_UP_PROTOCOL = 5
# Protocol 6 added the laptop's audit chain to the push, and holds for a referral to court
# or an agency and for a legal hold.
EVIDENCE_PROTOCOL = 6
# Protocol 7 added the messages head office sent each account's borrower (`contact`).
MESSAGES_PROTOCOL = 7
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


# The schema says which protocols the server speaks; the server answers an older
# one with 426 (update fieldapp) and a newer one with 400, each with a sentence.
Protocol = Annotated[
    # Any whole number is read, so an old or new laptop is told which it is.
    whole(-(2**31), 2**31 - 1),
    Field(json_schema_extra={"minimum": OLDEST_PROTOCOL, "maximum": PROTOCOL_VERSION}),
]


class Wire(BaseModel):
    """A message on the wire: unknown fields are refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EnrollRequest(Wire):
    """A laptop presents the one-time token a supervisor gave its collector."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "protocol": 3,
                    "token": "ENROLL-TOKEN-FROM-SUPERVISOR",
                    "device_name": "Mette laptop",
                }
            ]
        }
    )

    protocol: Protocol = PROTOCOL_VERSION
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
    amount_minor: whole(1, 10**15) | None = None
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
    """A published script library, contact policy or the lender; `body` is its JSON."""

    key: str = Field(max_length=100)
    # A laptop reads a server without "lender" as before; head office publishes it
    # only once a supervisor sets the lender (`headoffice settings set`).
    kind: Literal["scripts", "policy", "lender"]
    version: int
    body: str = Field(max_length=MAX_CONTENT_CHARS)


def _phone(text: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 ]*", text):
        raise ValueError("takes digits, spaces and a + at the start, like +45 70 12 34 56")
    return text


# One line of text each; lengths are checked first, so a refusal says "at most 100 characters".
LenderName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(check_line)]
LenderAddress = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_line)]
LenderPhone = Annotated[str, Field(max_length=40), AfterValidator(_phone)]


class LenderWire(Wire):
    """The body of the `lender` content: who collectors work for, as head office set it.

    Each part may be unset; the laptop then says it neutrally ("the lender").
    """

    name: LenderName | None = None
    address: LenderAddress | None = None
    phone: LenderPhone | None = None


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
    base_value: Lines | None = Field(None, max_length=500)
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


Mutation = Annotated[RecordOutcome | CorrectContact | RecordDeposit, Field(discriminator="kind")]


class PushRequest(Wire):
    """The laptop's waiting changes, oldest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "protocol": 3,
                    "mutations": [
                        {
                            "id": "0193b4a2-7c1e-7000-8000-000000000001",
                            "kind": "record_outcome",
                            "payload": {
                                "id": "0193b4a2-7c1e-7000-8000-000000000002",
                                "visit_id": "VISIT-ID-FROM-PULL",
                                "account_id": "DK-1",
                                "outcome": "promise",
                                "amount_minor": 50000,
                                "currency": "DKK",
                                "promise_date": "2026-11-30",
                                "recorded_at": "2026-11-23T10:15:00+01:00",
                            },
                        }
                    ],
                }
            ]
        }
    )

    protocol: Protocol = PROTOCOL_VERSION
    mutations: list[Mutation] = Field(max_length=MAX_MUTATIONS_PER_PUSH)
    # The laptop's audit chain after the entries head office has acknowledged, in order.
    audit: list[AuditEntryWire] = Field(default_factory=list, max_length=MAX_MUTATIONS_PER_PUSH)


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

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"protocol": 3, "cursor": "", "limit": 1000}]}
    )

    protocol: Protocol = PROTOCOL_VERSION
    # The server's cursors are change numbers; anything else was not made by it.
    cursor: str = Field("", max_length=18, pattern=r"^[0-9]{0,18}$")
    limit: whole(1, MAX_PAGE) = DEFAULT_PAGE


class VisitWire(Wire):
    """An assigned stop on a collector's route, with the account it is about."""

    visit_id: str = Field(max_length=64)
    account_id: str = Field(max_length=64)
    visit_date: date
    sequence: int
    # A stop a callback made: the borrower's wall-clock time to call back at.
    callback_at: WallClock | None = None
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
    # For every account the page carries (with a visit or alone); since protocol 4.
    contact: list[ContactStateWire] = Field([], max_length=2 * MAX_PAGE)


CURSOR_RESET = "cursor_reset"


def scope_checksum(visit_ids: Iterable[str]) -> str:
    """What both ends compute over the visits a laptop should hold, to detect drift."""
    digest = hashlib.sha256()
    for visit_id in sorted(visit_ids):
        digest.update(visit_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


# One code per status, for clients that branch on the kind of refusal.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    426: "upgrade_required",
    429: "too_many_requests",
    500: "server_error",
}


class ErrorBody(Wire):
    """Every 4xx and 5xx answer: what kind, a sentence, and where when there is a where.

    `field` names the first field at fault, dotted
    (`mutations.0.record_outcome.payload.amount_minor`, `query.until`);
    `line` the first line of a refused file; `problems` lists every bad line of a file.
    """

    code: str = Field(examples=["invalid"])
    detail: str = Field(examples=["date: is not a day written YYYY-MM-DD"])
    field: str | None = None
    line: int | None = None
    problems: list[str] = Field(default_factory=list)


def error_body(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    field: str | None = None,
    line: int | None = None,
    problems: list[str] | None = None,
) -> dict:
    """The JSON of an ErrorBody for a status (its code unless a finer one is given)."""
    return ErrorBody(
        code=code or ERROR_CODES.get(status, "error"),
        detail=detail,
        field=field,
        line=line,
        problems=problems or [],
    ).model_dump(exclude_none=True)
