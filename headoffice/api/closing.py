"""The supervisor API's closing of an account: off the field for good, retention running."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy.engine import Engine

from fieldcore.text import Line
from headoffice.api.errors import Refused, documented
from headoffice.wire.closing import ClosedAccount, CloseRequest
from headoffice.work import closing, supervisors

_WRITE = (400, 401, 403, 404, 413, 415, 422)
AccountPath = Annotated[Line, Path(min_length=1, max_length=64)]


def closing_router(engine: Engine, who: Callable[..., supervisors.Supervisor]) -> APIRouter:
    """/accounts/{id}/close; the supervisor router includes it behind its token check, and
    `who` names the supervisor who closes."""
    router = APIRouter()
    Supervisor = Annotated[supervisors.Supervisor, Depends(who)]

    @router.post(
        "/accounts/{account_id}/close",
        summary="Close an account: it leaves every route and cannot be assigned again",
        responses=documented(*_WRITE, 409),
    )
    def close(account_id: AccountPath, body: CloseRequest, sup: Supervisor) -> ClosedAccount:
        try:
            done = closing.close_account(engine, account_id, body.reason, body.note, sup.name)
        except closing.CloseError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return ClosedAccount(
            account_id=done.account_id,
            reason=done.reason,
            closed_on=done.closed_on,
            closed_by=done.closed_by,
            visits_recalled=done.recalled,
        )

    return router
