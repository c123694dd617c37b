"""The head-office HTTP API (FastAPI): the laptops' sync routes and the supervisor router."""

# No `from __future__ import annotations` here: FastAPI resolves the route
# signatures at runtime, and the dependencies are closures.

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from fieldcore import __version__
from headoffice.api.edges import BodyLimit, MediaType
from headoffice.api.errors import documented, install_error_handlers
from headoffice.api.supervisor import FILE_LIMIT, supervisor_router
from headoffice.api.syncstore import SqlSyncStorage
from headoffice.api.throttle import Throttle, client_address, configured_limit
from sync.protocol import (
    EVIDENCE_PROTOCOL,
    FOLLOW_UP_PROTOCOL,
    MAX_BODY_BYTES,
    MESSAGES_PROTOCOL,
    PROTOCOL_VERSION,
    EnrollRequest,
    EnrollResponse,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import (
    Device,
    SyncRefused,
    SyncServer,
    before_evidence,
    before_follow_ups,
    before_messages,
)

_device_token = HTTPBearer(
    auto_error=False,
    scheme_name="DeviceToken",
    description="A laptop's own token, from `POST /sync/enroll`.",
)
_SYNC = (400, 401, 409, 413, 415, 422, 426)

DESCRIPTION = """\
Head office's API. Laptops sync under `/sync` with their device token;
supervisors and core banking use `/supervisor` with a supervisor token
(`headoffice supervisor add NAME` prints one). Send the token as
`Authorization: Bearer TOKEN`. Every refusal answers with the same body:
`code`, a `detail` sentence, and `field` or `line` when there is a where.
See docs/API.md for a walk through each operation.
"""


def create_app(engine: Engine) -> FastAPI:
    """The API over one database engine."""
    # A body without a Content-Type is read as JSON (as the document says); one
    # with another type never reaches a route (MediaType answers 415).
    app = FastAPI(
        title="fieldapp head office",
        version=__version__,
        description=DESCRIPTION,
        strict_content_type=False,
    )
    server = SyncServer(SqlSyncStorage(engine))
    throttle = Throttle(engine, configured_limit())
    app.state.engine = engine
    # Each middleware added wraps the ones before: BodyLimit, added last, is the
    # outermost, so the size is judged before the media type.
    app.add_middleware(MediaType)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES, file_limit=FILE_LIMIT)
    app.include_router(supervisor_router(engine, throttle))
    install_error_handlers(app)

    def device(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_device_token)],
    ) -> Device:
        address = client_address(request)
        throttle.check(address)
        try:
            return server.authenticate(credentials.credentials if credentials else None)
        except SyncRefused:
            if credentials is not None:  # a wrong token, not a missing one
                throttle.failed(address)
            raise

    @app.get("/health", tags=["server"], responses=documented())
    def health() -> dict:
        """Is the server up, and which protocol does it speak (no token needed)."""
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "version": __version__}

    @app.post(
        "/sync/enroll", tags=["sync"], responses=documented(400, 403, 413, 415, 422, 426, 429)
    )
    def enroll(request: EnrollRequest, http: Request) -> EnrollResponse:
        """Trade a one-time enrollment token for this laptop's own device token."""
        address = client_address(http)
        throttle.check(address)
        try:
            return server.enroll(request)
        except SyncRefused as refused:
            if refused.status == 403:  # a token never issued, or already used
                throttle.failed(address)
            raise

    @app.post("/sync/push", tags=["sync"], responses=documented(*_SYNC))
    def push(request: PushRequest, who: Annotated[Device, Depends(device)]) -> PushResponse:
        """Apply the laptop's waiting changes, each exactly once; each is applied or refused."""
        return server.push(who, request)

    @app.post("/sync/pull", tags=["sync"], responses=documented(*_SYNC, 410))
    def pull(request: PullRequest, who: Annotated[Device, Depends(device)]) -> PullResponse:
        """A page of what changed for this collector after the cursor."""
        page = server.pull(who, request)
        if request.protocol < MESSAGES_PROTOCOL:
            older = before_messages(page)
            if request.protocol < EVIDENCE_PROTOCOL:
                older = before_evidence(older)
            if request.protocol < FOLLOW_UP_PROTOCOL:
                older = before_follow_ups(older)
            return JSONResponse(older)
        return page

    return app
