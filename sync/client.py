"""The laptop's end of sync: enroll, push the outbox, pull pages after the cursor.

The local database is a port (`LocalOutbox`), so this module knows no app.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

import certifi
import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from sync.pinning import PinError, fingerprint, pinned_context, presented_certificate, spaced
from sync.protocol import (
    CURSOR_RESET,
    MAX_MUTATIONS_PER_PUSH,
    EnrollRequest,
    EnrollResponse,
    Mutation,
    MutationResult,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    scope_checksum,
)

M = TypeVar("M", bound=BaseModel)
_MUTATION: TypeAdapter[Mutation] = TypeAdapter(Mutation)

# Connect fast so an offline laptop knows at once; allow time for big pages.
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle costs about 20 ms: once per process, not once per sync.
    return ssl.create_default_context(cafile=certifi.where())


class LocalOutbox(Protocol):
    """What the sync client needs from the laptop's database."""

    def pending_mutations(self, limit: int) -> list[dict]: ...

    def settle(self, results: Iterable[MutationResult]) -> None: ...

    def audit_to_send(self, limit: int) -> list[dict]: ...

    def audit_delivered(self, seq: int) -> None: ...

    def cursor(self) -> str: ...

    def apply_page(self, page: PullResponse) -> None: ...

    def reset_scope(self) -> None: ...

    def visit_ids(self) -> list[str]: ...

    def mark_synced(self) -> None: ...


# A sync pulls at most this many pages: a route of 5,000 stops takes three, so a
# server that goes on and on is broken, and the laptop stops instead of looping.
MAX_PULL_PAGES = 200
# An answer larger than this is refused as it arrives, before it fills memory.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class SyncError(Exception):
    """A sync that did not finish; the message is one line a collector can read."""


class ServerUnreachable(SyncError):
    """No answer from head office (offline, server down, timeout, 5xx): try again later."""


class CertificateRefused(SyncError):
    """Head office's TLS certificate is not the pinned one, or not trusted: sending stops.

    Retrying cannot help and must not happen quietly: someone may be in the middle.
    """


class SyncRejected(SyncError):
    """Head office answered and said no (revoked laptop, too old, bad request)."""

    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        self.status = status
        self.code = code
        super().__init__(detail)


@dataclass
class SyncReport:
    """What one sync moved."""

    pushed: int = 0
    refused: int = 0
    flagged: int = 0
    visits_received: int = 0
    accounts_updated: int = 0
    visits_removed: int = 0
    pages: int = 0
    # For a progress bar: changes still to come, as the server last estimated.
    remaining: int = 0
    rebuilt: bool = False

    def summary(self) -> str:
        return (
            f"sent {self.pushed} change(s) ({self.refused} refused), "
            f"received {self.visits_received} visit(s), {self.accounts_updated} account update(s), "
            f"{self.visits_removed} visit(s) removed"
        )


class SyncClient:
    """One httpx client per laptop session; explicit timeouts; swappable transport for tests."""

    def __init__(
        self,
        server_url: str,
        device_token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        pinned: bytes | None = None,
    ) -> None:
        """`pinned`: head office's certificate (DER) as enrolled; then no other is accepted."""
        headers = {"Authorization": f"Bearer {device_token}"} if device_token else {}
        self.server_url = server_url.rstrip("/")
        self.pinned = pinned
        self.http = httpx.Client(
            base_url=self.server_url,
            headers=headers,
            timeout=timeout,
            transport=transport,
            verify=pinned_context(pinned) if pinned else _tls(),
        )

    def close(self) -> None:
        self.http.close()

    def _certificate_refused(self) -> CertificateRefused:
        """What to say when the handshake refused head office's certificate, and what to do."""
        try:
            shown = spaced(fingerprint(presented_certificate(self.server_url)))
        except PinError:
            shown = "unreadable"
        if self.pinned:
            return CertificateRefused(
                f"head office at {self.server_url} showed a certificate other than the one "
                f"pinned at enrollment (SHA-256 {shown}, pinned "
                f"{spaced(fingerprint(self.pinned))}); nothing was sent. If head office has a "
                "new certificate, ask your supervisor for its fingerprint and enroll again "
                "with --pin-sha256; if not, someone may be in between: tell your supervisor"
            )
        return CertificateRefused(
            f"head office at {self.server_url} showed a certificate this laptop does not "
            f"trust (SHA-256 {shown}); nothing was sent. Ask your supervisor for the "
            "certificate's fingerprint and enroll with --pin-sha256"
        )

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def enroll(self, token: str, device_name: str) -> EnrollResponse:
        try:
            body = EnrollRequest(token=token, device_name=device_name)
        except ValidationError as error:
            where = ", ".join(str(e["loc"][-1]) for e in error.errors())
            raise SyncRejected(
                422, f"the {where} is not one head office gives; check what you were sent"
            ) from None
        return _parse(EnrollResponse, self._post("/sync/enroll", body))

    def sync(
        self, outbox: LocalOutbox, progress: Callable[[SyncReport], None] | None = None
    ) -> SyncReport:
        """Push everything waiting, then pull until the server has nothing more."""
        report = SyncReport()
        while batch := outbox.pending_mutations(MAX_MUTATIONS_PER_PUSH):
            self._push(outbox, batch, report)
            if progress:
                progress(report)
        while outbox.audit_to_send(1):  # entries beyond the changes' (an updated laptop's)
            self._push(outbox, [], report)
        self._pull(outbox, report, progress)
        outbox.mark_synced()
        return report

    def _push(self, outbox: LocalOutbox, batch: list[dict], report: SyncReport) -> None:
        sendable, broken = [], []
        for item in batch:
            try:
                sendable.append(_MUTATION.validate_python(item))
            except ValidationError as error:
                # A change this build cannot even send must not wedge the queue.
                broken.append(
                    MutationResult(id=item["id"], status="refused", message=f"unsendable: {error}")
                )
        results = list(broken)
        # The audit chain's entries go with the changes, in the same request: head office
        # keeps both or neither, and a retry sends the same entries again.
        audit = outbox.audit_to_send(MAX_MUTATIONS_PER_PUSH)
        if sendable or audit:
            request = PushRequest(mutations=sendable, audit=audit)
            response = _parse(PushResponse, self._post("/sync/push", request))
            if [r.id for r in response.results] != [m.id for m in sendable]:
                raise ServerUnreachable("head office answered a push with the wrong results")
            results += response.results
            if audit:
                outbox.audit_delivered(audit[-1]["seq"])
        outbox.settle(results)
        for result in results:
            report.pushed += 1
            report.refused += result.status == "refused"
            report.flagged += result.flagged

    def _pull(
        self,
        outbox: LocalOutbox,
        report: SyncReport,
        progress: Callable[[SyncReport], None] | None,
    ) -> None:
        pulled = 0
        while True:
            if pulled >= MAX_PULL_PAGES:
                raise ServerUnreachable(
                    f"head office sent more than {MAX_PULL_PAGES} pages in one sync; stopped "
                    "(your changes are kept): tell your supervisor"
                )
            request = PullRequest(cursor=outbox.cursor())
            try:
                page = _parse(PullResponse, self._post("/sync/pull", request))
            except SyncRejected as error:
                if error.code != CURSOR_RESET or report.rebuilt:
                    raise
                self._rebuild(outbox, report)
                continue
            pulled += 1
            if page.more and page.cursor == request.cursor:
                # Asking again would get the same page for ever.
                raise ServerUnreachable(
                    f"head office's pull did not move on from cursor {request.cursor!r}; "
                    "stopped (your changes are kept): tell your supervisor"
                )
            outbox.apply_page(page)
            report.pages += 1
            report.visits_received += len(page.visits)
            report.accounts_updated += len(page.accounts)
            report.visits_removed += len(page.removed_visits)
            report.remaining = page.remaining
            if progress:
                progress(report)
            if page.more:
                continue
            drifted = page.scope_checksum is not None and page.scope_checksum != scope_checksum(
                outbox.visit_ids()
            )
            if drifted and not report.rebuilt:
                # What the laptop holds is not what head office says it should:
                # download the scope again, once per sync.
                self._rebuild(outbox, report)
                continue
            return

    @staticmethod
    def _rebuild(outbox: LocalOutbox, report: SyncReport) -> None:
        outbox.reset_scope()
        report.rebuilt = True

    def _bounded_post(self, path: str, body: BaseModel) -> tuple[httpx.Response, bytes]:
        """POST and read the answer, refusing it once it passes MAX_RESPONSE_BYTES."""
        # Encoded by pydantic in one step (a push of 500 outcomes is a megabyte of JSON).
        content = body.model_dump_json().encode()
        headers = {"content-type": "application/json"}
        with self.http.stream("POST", path, content=content, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise _too_large(path)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise _too_large(path)
                chunks.append(chunk)
        return response, b"".join(chunks)

    def _post(self, path: str, body: BaseModel) -> dict:
        try:
            response, content = self._bounded_post(path, body)
        except httpx.TimeoutException:
            raise ServerUnreachable(
                f"head office at {self.server_url} did not answer in time"
            ) from None
        except httpx.TransportError as error:
            reason = str(error) or error.__class__.__name__
            if "CERTIFICATE_VERIFY_FAILED" in reason:
                raise self._certificate_refused() from None
            raise ServerUnreachable(
                f"cannot reach head office at {self.server_url}: {reason}"
            ) from None
        if response.status_code >= 500:
            raise ServerUnreachable(
                f"head office had a problem ({response.status_code}); will try again later"
            )
        try:
            data = json.loads(content)
        except ValueError:
            raise ServerUnreachable(f"head office sent an unreadable answer to {path}") from None
        if response.status_code >= 400:
            body = data if isinstance(data, dict) else {}
            raise SyncRejected(
                response.status_code,
                str(body.get("detail") or response.reason_phrase),
                body.get("code"),
            )
        return data


def _too_large(path: str) -> ServerUnreachable:
    return ServerUnreachable(
        f"head office's answer to {path} is larger than {MAX_RESPONSE_BYTES} bytes; "
        "refused (your changes are kept)"
    )


def _parse(model: type[M], data: dict) -> M:
    """Validate a server answer; a malformed one is a server problem, not the laptop's."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ServerUnreachable(
            f"head office sent an answer this fieldapp cannot read: {error}"
        ) from None
