"""What the server checks before a route sees a request: body size and media type."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import error_body

# Portfolio and payment files travel as CSV text; every other body is JSON.
FILE_PATHS = frozenset({"/supervisor/portfolio", "/supervisor/payments"})
_CSV_TYPES = frozenset({"text/csv", "text/plain", "application/octet-stream"})


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
                raise _BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(limit)(scope, receive, send)


class _BodyTooLarge(HTTPException):
    """Raised while a route reads a body past the limit.

    An HTTPException, so FastAPI's body parsing lets it through (it turns any
    other error into a 400) and the app's handler answers 413 with the ErrorBody.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the {limit} byte limit")


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(error_body(413, f"request body over the {limit} byte limit"), 413)


class MediaType:
    """Refuse a body whose Content-Type is not the one its operation takes (415)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            has_body = headers.get(b"content-length", b"0") != b"0" or (
                b"transfer-encoding" in headers
            )
            given = headers.get(b"content-type", b"").decode("latin-1")
            media = given.split(";", 1)[0].strip().lower()
            wanted = _CSV_TYPES if scope["path"] in FILE_PATHS else {"application/json"}
            # No Content-Type at all is read as the operation's own type (as curl
            # --data-binary and most scripts send it); a wrong one is refused.
            if has_body and media and media not in wanted:
                sentence = f"this operation takes {' or '.join(sorted(wanted))}, not {media}"
                await JSONResponse(error_body(415, sentence), 415)(scope, receive, send)
                return
        await self.app(scope, receive, send)
