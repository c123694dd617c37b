"""The head-office HTTP API (FastAPI): the laptops' sync routes and the supervisor router."""

# No `from __future__ import annotations` here: FastAPI resolves the route
# signatures at runtime, and the dependencies are closures.

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcore import __version__
from headoffice.api.supervisor import FILE_LIMIT, Refused, supervisor_router
from headoffice.api.syncstore import SqlSyncStorage
from sync.protocol import (
    MAX_BODY_BYTES,
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import Device, SyncRefused, SyncServer

log = logging.getLogger("headoffice")
_bearer = HTTPBearer(auto_error=False)
_ERRORS = {
    400: {"model": ErrorBody},
    401: {"model": ErrorBody},
    413: {"model": ErrorBody},
    422: {"model": ErrorBody},
    409: {"model": ErrorBody},
    426: {"model": ErrorBody},
}


FILE_PATHS = frozenset({"/supervisor/portfolio", "/supervisor/payments"})


class BodyLimit:
    """Refuse bodies over the limit before they are read into memory (413).

    File uploads to the supervisor API (portfolio, payments) get `file_limit`.
    """

    def __init__(self, app: ASGIApp, limit: int, file_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.file_limit = file_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.file_limit if scope["path"] in FILE_PATHS else self.limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(limit)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": f"request body over the {limit} byte limit"}, status_code=413)


def create_app(engine: Engine) -> FastAPI:
    """The API over one database engine."""
    app = FastAPI(
        title="fieldapp head office",
        version=__version__,
        description="Sync API for collectors' laptops. Every refusal carries a `detail` sentence.",
    )
    server = SyncServer(SqlSyncStorage(engine))
    app.state.engine = engine
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES, file_limit=FILE_LIMIT)
    app.include_router(supervisor_router(engine))

    @app.exception_handler(Refused)
    async def _supervisor_refused(_request: Request, error: Refused) -> JSONResponse:
        body = {"detail": error.detail} | ({"problems": error.problems} if error.problems else {})
        return JSONResponse(body, status_code=error.status_code)

    @app.exception_handler(SyncRefused)
    async def _refused(_request: Request, error: SyncRefused) -> JSONResponse:
        body = {"detail": error.detail} | ({"code": error.code} if error.code else {})
        return JSONResponse(body, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = []
        for item in error.errors()[:20]:
            where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return JSONResponse({"detail": "; ".join(problems)}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        # Logged in full for the operator; the laptop gets a sentence and retries later.
        log.exception("unexpected error", exc_info=error)
        return JSONResponse({"detail": "the server hit an unexpected error"}, status_code=500)

    def device(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Device:
        return server.authenticate(credentials.credentials if credentials else None)

    @app.get("/health", summary="Is the server up, and which protocol does it speak")
    def health() -> dict:
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "version": __version__}

    @app.post("/sync/enroll", responses=_ERRORS | {403: {"model": ErrorBody}})
    def enroll(request: EnrollRequest) -> EnrollResponse:
        """Trade a one-time enrollment token for this laptop's own device token."""
        return server.enroll(request)

    @app.post("/sync/push", responses=_ERRORS)
    def push(request: PushRequest, who: Annotated[Device, Depends(device)]) -> PushResponse:
        """Apply the laptop's waiting changes, each exactly once."""
        return server.push(who, request)

    @app.post("/sync/pull", responses=_ERRORS)
    def pull(request: PullRequest, who: Annotated[Device, Depends(device)]) -> PullResponse:
        """A page of what changed for this collector after the cursor."""
        return server.pull(who, request)

    return app
