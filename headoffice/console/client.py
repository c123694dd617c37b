"""The console's client for the supervisor API: typed answers, and one sentence when it fails."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from headoffice.wire import (
    AssignRequest,
    AssignResult,
    Board,
    CollectorInfo,
    HeldAccount,
    HoldInfo,
    Me,
    NumbersWire,
    PublishResult,
    RecallResult,
    ReviewItemWire,
    RevokeResult,
    TeamRow,
)
from headoffice.wire.views import ViewWire

T = TypeVar("T")


class ConsoleError(Exception):
    """What went wrong, as a sentence for the status line (and row problems, if any)."""

    def __init__(
        self, message: str, problems: list[str] | None = None, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.problems = problems or []
        # True when head office did not answer at all: trying again may help.
        self.unreachable = unreachable


class SupervisorClient:
    """Blocking calls; the console makes them from worker threads, never the UI thread."""

    def __init__(
        self, url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(20.0, connect=5.0),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, answer: type[T] | Any, method: str, path: str, **options: Any) -> T:
        try:
            response = self._http.request(method, path, **options)
        except httpx.TransportError as error:
            raise ConsoleError(
                f"head office at {self.url} cannot be reached ({error})", unreachable=True
            ) from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            detail = body.get("detail") or f"head office answered {response.status_code}"
            raise ConsoleError(str(detail), body.get("problems"))
        return TypeAdapter(answer).validate_python(response.json())

    def me(self) -> Me:
        return self._call(Me, "GET", "/supervisor/me")

    def collectors(self) -> list[CollectorInfo]:
        return self._call(list[CollectorInfo], "GET", "/supervisor/collectors")

    def board(self, day: date, collector: str) -> Board:
        params = {"date": day.isoformat(), "collector": collector}
        return self._call(Board, "GET", "/supervisor/board", params=params)

    def team(self, day: date) -> list[TeamRow]:
        return self._call(
            list[TeamRow], "GET", "/supervisor/team", params={"date": day.isoformat()}
        )

    def assign(self, request: AssignRequest) -> AssignResult:
        return self._call(AssignResult, "POST", "/supervisor/assignments", json=_json(request))

    def recall(self, day: date, account_ids: list[str]) -> RecallResult:
        body = {"date": day.isoformat(), "account_ids": account_ids}
        return self._call(RecallResult, "POST", "/supervisor/recall", json=body)

    def revoke(self, collector: str, wipe: bool) -> RevokeResult:
        body = {"collector": collector, "wipe": wipe}
        return self._call(RevokeResult, "POST", "/supervisor/revoke", json=body)

    def publish(self) -> PublishResult:
        return self._call(PublishResult, "POST", "/supervisor/publish")

    def review(self, include_resolved: bool = False) -> list[ReviewItemWire]:
        params = {"all": "true" if include_resolved else "false"}
        return self._call(list[ReviewItemWire], "GET", "/supervisor/review", params=params)

    def resolve(
        self, kind: str, ref: str, note: str, decision: str | None = None
    ) -> ReviewItemWire:
        path = f"/supervisor/review/{kind}/{ref}"
        body = {"note": note} | ({"decision": decision} if decision else {})
        return self._call(ReviewItemWire, "POST", path, json=body)

    def numbers(self, by: str, since: date | None = None, until: date | None = None) -> NumbersWire:
        params = {"by": by} | {
            k: v.isoformat() for k, v in (("since", since), ("until", until)) if v
        }
        return self._call(NumbersWire, "GET", "/supervisor/numbers", params=params)

    def view(self, name: str, by: str | None = None) -> ViewWire:
        """One view of what works, over its default period (docs/NUMBERS.md)."""
        params = {"by": by} if by else {}
        return self._call(ViewWire, "GET", f"/supervisor/numbers/{name}", params=params)

    def holds(self) -> list[HeldAccount]:
        return self._call(list[HeldAccount], "GET", "/supervisor/holds")

    def hold(self, account_id: str, reason: str, note: str) -> list[HoldInfo]:
        path = f"/supervisor/accounts/{quote(account_id, safe='')}/holds"
        return self._call(list[HoldInfo], "POST", path, json={"reason": reason, "note": note})

    def release(self, account_id: str, reason: str, note: str) -> list[HoldInfo]:
        path = f"/supervisor/accounts/{quote(account_id, safe='')}/holds/{reason}/release"
        return self._call(list[HoldInfo], "POST", path, json={"note": note})


def _json(model: BaseModel) -> dict:
    return model.model_dump(mode="json", exclude_none=True)
