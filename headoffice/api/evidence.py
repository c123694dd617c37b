"""The supervisor API's evidence: an account's pack, and referrals to court or an agency."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse
from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask

from fieldcore.text import Line
from headoffice.api.errors import Refused, documented
from headoffice.evidence.pack import NoSuchAccount, make_pack
from headoffice.wire.referrals import ReferralInfo, ReferralRequest, WithdrawRequest
from headoffice.work import referrals, supervisors

_WRITE = (400, 401, 403, 404, 413, 415, 422)
AccountPath = Annotated[Line, Path(min_length=1, max_length=64)]


def evidence_router(engine: Engine, who: Callable[..., supervisors.Supervisor]) -> APIRouter:
    """/accounts/{id}/evidence and the referrals; behind the supervisor router's token check."""
    router = APIRouter()
    Supervisor = Annotated[supervisors.Supervisor, Depends(who)]

    @router.get(
        "/accounts/{account_id}/evidence",
        summary="The account's evidence pack: evidence.json, evidence.pdf and manifest.sha256",
        response_class=FileResponse,
        responses={
            200: {"content": {"application/zip": {}}, "description": "The pack, a zip file."},
            **documented(401, 403, 404, 422),
        },
    )
    def evidence(account_id: AccountPath) -> FileResponse:
        # Made into a temporary file and sent from it: memory stays flat however long the
        # account's history; the file goes once it is sent.
        handle, path = tempfile.mkstemp(prefix="fieldapp-evidence-", suffix=".zip")
        try:
            with os.fdopen(handle, "wb") as out:
                make_pack(engine, account_id, out)
        except NoSuchAccount as missing:
            os.unlink(path)
            raise Refused(404, str(missing), field="path.account_id") from None
        except BaseException:
            os.unlink(path)  # a pack cut short is never left behind
            raise
        return FileResponse(
            path,
            media_type="application/zip",
            filename=f"evidence-{account_id}.zip",
            background=BackgroundTask(os.unlink, path),
        )

    @router.post(
        "/accounts/{account_id}/referral",
        status_code=201,
        summary="Refer the account to court or an agency: off every route, its pack kept",
        responses=documented(*_WRITE, 409),
    )
    def refer(account_id: AccountPath, body: ReferralRequest, sup: Supervisor) -> ReferralInfo:
        try:
            made = referrals.refer(engine, account_id, body.destination, body.note, sup.name)
        except referrals.ReferralError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return ReferralInfo(**asdict(made))

    @router.post(
        "/accounts/{account_id}/referral/withdraw",
        summary="Withdraw the account's referral: it may go back on routes",
        responses=documented(*_WRITE),
    )
    def withdraw(
        account_id: AccountPath, body: WithdrawRequest, sup: Supervisor
    ) -> list[ReferralInfo]:
        try:
            referrals.withdraw(engine, account_id, body.note, sup.name)
        except referrals.ReferralError as error:
            raise Refused(error.status, str(error), field="path.account_id") from None
        return [
            ReferralInfo(**asdict(r))
            for r in referrals.every_referral(engine)
            if r.account_id == account_id
        ]

    @router.get(
        "/referrals",
        summary="Referrals to court or an agency, newest first",
        responses=documented(401, 403, 422),
    )
    def every_referral(
        state: Annotated[Literal["referred", "withdrawn"] | None, Query()] = None,
    ) -> list[ReferralInfo]:
        return [ReferralInfo(**asdict(r)) for r in referrals.every_referral(engine, state)]

    return router
