"""The server end of sync: authenticate a laptop, apply its push exactly once, build its pull.

Storage is a port (`SyncStorage`) so this module knows no database; head office
implements it over SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sync.protocol import (
    CURSOR_RESET,
    HOLDS_PROTOCOL,
    LENDER_PROTOCOL,
    OLDEST_PROTOCOL,
    PROTOCOL_VERSION,
    AuditEntryWire,
    EnrollRequest,
    EnrollResponse,
    Mutation,
    MutationResult,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.tokens import token_hash


@dataclass(frozen=True)
class Device:
    """An enrolled laptop and the collector it works for."""

    device_id: str
    collector_id: int
    collector: str
    revoked: bool
    # Revoked and ordered wiped, the order not yet delivered: it may push once more.
    wipe: bool = False


WIPE_ORDER = (
    "head office revoked this laptop and ordered it wiped: what was waiting has been "
    "received; erase every borrower's data from it now"
)
UNKNOWN_TOKEN = (
    "this laptop's token is not known (never issued, or revoked): "
    "ask your supervisor for an enrollment token"
)


class SyncRefused(Exception):
    """A request the server will not serve; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        self.status = status
        self.detail = detail
        self.code = code
        super().__init__(detail)


class SyncStorage(Protocol):
    """What the sync server needs from a database."""

    def device_by_token_hash(self, hashed: str) -> Device | None: ...

    def wiped(self, device_id: str) -> None: ...

    def enroll(self, token: str, device_name: str) -> EnrollResponse: ...

    def apply_mutations(
        self, device: Device, mutations: list[Mutation], audit: list[AuditEntryWire]
    ) -> list[MutationResult]:
        """Apply in order, all in one transaction with their (device, mutation id) records."""
        ...

    def change_counter(self) -> int:
        """The newest change number handed out; no valid cursor is beyond it."""
        ...

    def changes_after(self, collector_id: int, cursor: int, limit: int) -> PullResponse: ...


class SyncServer:
    """Protocol rules that hold whatever the storage."""

    def __init__(self, storage: SyncStorage) -> None:
        self.storage = storage

    def check_protocol(self, version: int) -> None:
        """Refuse clients too old or too new, with a sentence the collector can act on."""
        if version < OLDEST_PROTOCOL:
            raise SyncRefused(
                426,
                f"this fieldapp speaks sync protocol {version}, the server needs "
                f"{OLDEST_PROTOCOL} or newer: update fieldapp (your unsent changes are kept)",
            )
        if version > PROTOCOL_VERSION:
            raise SyncRefused(
                400,
                f"this fieldapp speaks sync protocol {version}, newer than the server's "
                f"{PROTOCOL_VERSION}: the server needs updating",
            )

    def authenticate(self, bearer: str | None) -> Device:
        """The device behind a bearer token, or a 401 that says why."""
        if not bearer:
            raise SyncRefused(401, "no device token: enroll this laptop first")
        device = self.storage.device_by_token_hash(token_hash(bearer))
        # A revoked token answers exactly as a never-issued one: whoever holds a
        # lost laptop learns nothing about it from the server.
        if device is None or (device.revoked and not device.wipe):
            raise SyncRefused(401, UNKNOWN_TOKEN)
        return device

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        """Trade a one-time token for a device identity."""
        self.check_protocol(request.protocol)
        return self.storage.enroll(request.token, request.device_name)

    def push(self, device: Device, request: PushRequest) -> PushResponse:
        """Apply each mutation in order, each exactly once; a refusal does not stop the rest."""
        self.check_protocol(request.protocol)
        ids = [m.id for m in request.mutations]
        if len(set(ids)) != len(ids):
            raise SyncRefused(409, "a push names the same mutation id twice")
        if not request.mutations and not request.audit:
            return PushResponse(results=[])
        results = self.storage.apply_mutations(device, request.mutations, request.audit)
        return PushResponse(results=results)

    def pull(self, device: Device, request: PullRequest) -> PullResponse:
        """One page of this collector's changes after the cursor.

        A laptop ordered wiped gets the order instead, once its push is in (a sync
        pushes before it pulls); from then on its token is unknown.
        """
        self.check_protocol(request.protocol)
        if device.wipe:
            self.storage.wiped(device.device_id)
            raise SyncRefused(410, WIPE_ORDER, code="wipe")
        cursor = parse_cursor(request.cursor)
        if cursor > self.storage.change_counter():
            # A restored backup or a reset server: the laptop must download its
            # scope again, keeping its outbox.
            raise SyncRefused(
                409,
                "head office cannot continue from this laptop's cursor; "
                "downloading the route again",
                CURSOR_RESET,
            )
        page = self.storage.changes_after(device.collector_id, cursor, request.limit)
        if request.protocol < LENDER_PROTOCOL:
            # A protocol-2 laptop refuses a content kind it does not know: it gets
            # everything but the lender, and keeps syncing until it is updated.
            kept = [item for item in page.content if item.kind != "lender"]
            page = page.model_copy(update={"content": kept})
        if request.protocol < HOLDS_PROTOCOL:
            # An older laptop refuses a field it does not know: it gets no holds
            # (head office still judges every outcome it pushes against them).
            page = page.model_copy(update={"contact": []})
        return page


# What protocol 5 added to an outcome's details, which an older laptop would refuse.
_NEWER_DETAILS = ("instalments", "every", "first_date", "location")


def before_follow_ups(page: PullResponse | dict) -> dict:
    """The page as JSON a protocol-4 laptop reads: no plans in the history, no instalments,
    no callback times, none of protocol 5's details (head office still holds them all).
    Keys are left out, not sent empty: an older laptop refuses any field it does not know."""
    found = page if isinstance(page, dict) else page.model_dump(mode="json")
    for visit in found["visits"]:
        visit.pop("callback_at", None)
        visit["history"] = [h for h in visit["history"] if h["outcome"] != "plan"]
        for item in visit["history"]:
            for name in _NEWER_DETAILS:
                item["details"].pop(name, None)
    for state in found["contact"]:
        state.pop("instalments", None)
    return found


# The holds protocol 6 added: an older laptop refuses a reason it does not know.
_NEWER_HOLDS = frozenset(("referred", "legal_hold"))


def before_evidence(page: PullResponse | dict) -> dict:
    """The page as JSON a protocol-5 laptop reads: without the holds protocol 6 added (a
    referred account leaves the routes anyway; head office keeps the holds)."""
    found = page if isinstance(page, dict) else page.model_dump(mode="json")
    for state in found["contact"]:
        state["holds"] = [h for h in state["holds"] if h["reason"] not in _NEWER_HOLDS]
    return found


def before_messages(page: PullResponse) -> dict:
    """The page as JSON a protocol-6 laptop reads: without the messages head office sent
    (the key left out, not sent empty: an older laptop refuses a field it does not know)."""
    found = page.model_dump(mode="json")
    for state in found["contact"]:
        state.pop("messages", None)
    return found


def parse_cursor(cursor: str) -> int:
    """Cursors are opaque to clients; today they are a change number."""
    if cursor == "":
        return 0
    if not cursor.isdigit():
        raise SyncRefused(400, f"cursor {cursor!r} was not made by this server")
    return int(cursor)
