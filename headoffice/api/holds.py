"""The supervisor API's holds and notices: stop contact with an account, lift it, note a letter."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy.engine import Engine

from fieldcore.contact import HoldReason
from fieldcore.text import Line
from headoffice.api.errors import Refused, documented
from headoffice.clock import today
from headoffice.compliance.holds import HoldError, every_hold_in_force, holds_in_force
from headoffice.wire import (
    HeldAccount,
    HoldInfo,
    HoldRequest,
    NoticeInfo,
    NoticeRequest,
    ReleaseRequest,
)
from headoffice.work import supervisors
from headoffice.work.holds import place_hold, record_notice, release_hold

_WRITE = (400, 401, 403, 404, 413, 415, 422)
AccountPath = Annotated[Line, Path(min_length=1, max_length=64)]


def holds_router(engine: Engine, who: Callable[..., supervisors.Supervisor]) -> APIRouter:
    """/accounts/{id}/holds and /notices; the supervisor router includes them behind its
    token check, and `who` names the supervisor who acts."""
    router = APIRouter()
    Supervisor = Annotated[supervisors.Supervisor, Depends(who)]

    @router.get(
        "/holds",
        summary="Every hold in force, oldest first",
        responses=documented(401, 403),
    )
    def every_hold() -> list[HeldAccount]:
        return [
            HeldAccount(**{k: row[k] for k in HeldAccount.model_fields})
            for row in every_hold_in_force(engine)
        ]

    @router.get(
        "/accounts/{account_id}/holds",
        summary="An account's holds in force",
        responses=documented(401, 403, 404, 422),
    )
    def list_holds(account_id: AccountPath) -> list[HoldInfo]:
        try:
            found = holds_in_force(engine, account_id)
        except HoldError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return [HoldInfo(**{k: row[k] for k in HoldInfo.model_fields}) for row in found]

    @router.post(
        "/accounts/{account_id}/holds",
        status_code=201,
        summary="Put an account on hold: no contact until released; laptops learn at sync",
        responses=documented(*_WRITE, 409),
    )
    def place(account_id: AccountPath, body: HoldRequest, sup: Supervisor) -> list[HoldInfo]:
        try:
            place_hold(engine, account_id, body.reason, body.note, sup.name)
        except HoldError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return list_holds(account_id)

    @router.post(
        "/accounts/{account_id}/holds/{reason}/release",
        summary="Lift an account's hold for one reason",
        responses=documented(*_WRITE),
    )
    def release(
        account_id: AccountPath,
        reason: Annotated[HoldReason, Path()],
        body: ReleaseRequest,
        sup: Supervisor,
    ) -> list[HoldInfo]:
        try:
            release_hold(engine, account_id, reason, body.note, sup.name)
        except HoldError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return list_holds(account_id)

    @router.post(
        "/accounts/{account_id}/notices",
        status_code=201,
        summary="Record a written notice sent to the borrower (a visit notice counts for visits)",
        responses=documented(*_WRITE, 409),
    )
    def notice(account_id: AccountPath, body: NoticeRequest, sup: Supervisor) -> NoticeInfo:
        try:
            record_notice(engine, account_id, body.kind, body.sent_on, sup.name, today())
        except HoldError as error:
            field = "sent_on" if error.status == 409 else "path.account_id"
            raise Refused(error.status, str(error), field=field) from None
        return NoticeInfo(kind=body.kind, sent_on=body.sent_on)

    return router
