"""The laptop's end of sync: enroll, push the outbox, pull pages after the cursor.

The local database is a port (`LocalOutbox`), so this module knows no app.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

import certifi
import httpx
from pydantic import BaseModel, ValidationError

from sync.protocol import (
    MAX_MUTATIONS_PER_PUSH,
    EnrollRequest,
    EnrollResponse,
    MutationResult,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

M = TypeVar("M", bound=BaseModel)

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

    def cursor(self) -> str: ...

    def apply_page(self, page: PullResponse) -> None: ...

    def mark_synced(self) -> None: ...


class SyncError(Exception):
    """A sync that did not finish; the message is one line a collector can read."""


class ServerUnreachable(SyncError):
    """No answer from head office (offline, server down, timeout, 5xx): try again later."""


class SyncRejected(SyncError):
    """Head office answered and said no (revoked laptop, too old, bad request)."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
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
    ) -> None:
        headers = {"Authorization": f"Bearer {device_token}"} if device_token else {}
        self.server_url = server_url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.server_url,
            headers=headers,
            timeout=timeout,
            transport=transport,
            verify=_tls(),
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def enroll(self, token: str, device_name: str) -> EnrollResponse:
        body = EnrollRequest(token=token, device_name=device_name)
        return _parse(EnrollResponse, self._post("/sync/enroll", body.model_dump()))

    def sync(
        self, outbox: LocalOutbox, progress: Callable[[SyncReport], None] | None = None
    ) -> SyncReport:
        """Push everything waiting, then pull until the server has nothing more."""
        report = SyncReport()
        while batch := outbox.pending_mutations(MAX_MUTATIONS_PER_PUSH):
            request = PushRequest.model_validate({"mutations": batch})
            response = _parse(
                PushResponse, self._post("/sync/push", request.model_dump(mode="json"))
            )
            outbox.settle(response.results)
            for result in response.results:
                report.pushed += 1
                report.refused += result.status == "refused"
                report.flagged += result.flagged
            if progress:
                progress(report)
        while True:
            request = PullRequest(cursor=outbox.cursor())
            page = _parse(PullResponse, self._post("/sync/pull", request.model_dump()))
            outbox.apply_page(page)
            report.pages += 1
            report.visits_received += len(page.visits)
            report.accounts_updated += len(page.accounts)
            report.visits_removed += len(page.removed_visits)
            if progress:
                progress(report)
            if not page.more:
                break
        outbox.mark_synced()
        return report

    def _post(self, path: str, body: dict) -> dict:
        try:
            response = self.http.post(path, json=body)
        except httpx.TimeoutException:
            raise ServerUnreachable(
                f"head office at {self.server_url} did not answer in time"
            ) from None
        except httpx.TransportError as error:
            reason = str(error) or error.__class__.__name__
            raise ServerUnreachable(
                f"cannot reach head office at {self.server_url}: {reason}"
            ) from None
        if response.status_code >= 500:
            raise ServerUnreachable(
                f"head office had a problem ({response.status_code}); will try again later"
            )
        try:
            data = response.json()
        except ValueError:
            raise ServerUnreachable(f"head office sent an unreadable answer to {path}") from None
        if response.status_code >= 400:
            detail = data.get("detail") if isinstance(data, dict) else None
            raise SyncRejected(response.status_code, str(detail or response.reason_phrase))
        return data


def _parse(model: type[M], data: dict) -> M:
    """Validate a server answer; a malformed one is a server problem, not the laptop's."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ServerUnreachable(
            f"head office sent an answer this fieldapp cannot read: {error}"
        ) from None
