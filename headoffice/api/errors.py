"""One error body for every refusal: the handlers that write it, the statuses routes document."""

# No `from __future__ import annotations`: FastAPI reads handler signatures at runtime.

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from headoffice.api.throttle import TooManyFailures
from headoffice.store.db import SafeTracebacks
from sync.protocol import ErrorBody, error_body
from sync.server import SyncRefused

log = logging.getLogger("headoffice")
# A refusal for want of a token says how to give one (RFC 6750).
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

_MEANING = {
    400: "The body is not JSON (or not UTF-8 text), or the request cannot be read.",
    401: "No token, or a token that is not known (never issued or revoked).",
    403: "A token of the wrong kind for this operation, or an enrollment token not accepted.",
    404: "Something the request names does not exist (a collector, an account, an item).",
    409: "The request conflicts with what head office holds now; nothing was changed.",
    413: "The body is over the size limit.",
    415: "The body is not of the media type this operation takes.",
    422: "The request does not match this document; `field` or `line` says where.",
    410: "This laptop was revoked and ordered wiped (`code` is `wipe`): erase its data.",
    426: "This laptop's fieldapp is too old for the server: update it.",
    429: "Too many wrong tokens from this address: wait the seconds Retry-After says.",
    500: "The server hit an unexpected error; nothing was changed. Retry later.",
}


def documented(*statuses: int) -> dict[int | str, dict]:
    """The `responses` of an operation: the ErrorBody under each status it can answer.

    Whatever reads a token (401) may also answer 429: wrong tokens are counted.
    """
    if 401 in statuses:
        statuses = (*statuses, 429)
    return {
        status: {"model": ErrorBody, "description": _MEANING[status]} for status in (*statuses, 500)
    }


class Refused(HTTPException):
    """A request that changed nothing, with its reason (and, for a file, every bad line)."""

    def __init__(
        self,
        status: int,
        detail: str,
        problems: list[str] | None = None,
        *,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=detail)
        self.problems = problems or []
        self.field = field
        self.line = line


def _allowed(request: Request) -> list[str]:
    """Every method some route of the app takes on this request's path."""
    methods: set[str] = set()
    for route in request.app.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route.methods)
    return sorted(methods)


def _where(loc: tuple) -> str | None:
    # FastAPI prefixes the part of the request: body, query, path or header.
    parts = [str(p) for p in loc[1:]] if loc and loc[0] == "body" else [str(p) for p in loc]
    return ".".join(parts) or None


def install_error_handlers(app: FastAPI) -> None:
    """Every refusal the app can make answers with an ErrorBody; logs keep no row values."""
    # The database's and pydantic's messages quote values: tracebacks reach the
    # log without them (once per logger, however many apps a process makes).
    for logger in (log, logging.getLogger("uvicorn.error")):
        if not any(isinstance(f, SafeTracebacks) for f in logger.filters):
            logger.addFilter(SafeTracebacks())

    @app.exception_handler(Refused)
    async def _refused(_request: Request, error: Refused) -> JSONResponse:
        body = error_body(
            error.status_code,
            str(error.detail),
            field=error.field,
            line=error.line,
            problems=error.problems,
        )
        headers = _CHALLENGE if error.status_code == 401 else None
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(TooManyFailures)
    async def _too_many(_request: Request, error: TooManyFailures) -> JSONResponse:
        return JSONResponse(
            error_body(429, str(error)),
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(SyncRefused)
    async def _sync_refused(_request: Request, error: SyncRefused) -> JSONResponse:
        body = error_body(error.status, error.detail, code=error.code)
        headers = _CHALLENGE if error.status == 401 else None
        return JSONResponse(body, status_code=error.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Unknown paths (404) and methods (405) from the router itself.
        detail = error.detail if isinstance(error.detail, str) else "refused"
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            # Starlette names the methods of the first route on the path only; a path
            # with one route per method (GET and POST) allows them all.
            headers["Allow"] = ", ".join(_allowed(request))
        return JSONResponse(
            error_body(error.status_code, detail), status_code=error.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        items = list(error.errors())
        if any(item.get("type") == "json_invalid" for item in items):
            reason = next(i for i in items if i.get("type") == "json_invalid")
            message = (reason.get("ctx") or {}).get("error", "invalid JSON")
            return JSONResponse(
                error_body(400, f"the body is not valid JSON ({message})"), status_code=400
            )
        problems = []
        for item in items[:20]:
            problems.append(
                f"{_where(item.get('loc', ())) or 'body'}: {item.get('msg', 'invalid')}"
            )
        first = _where(items[0].get("loc", ())) if items else None
        return JSONResponse(error_body(422, "; ".join(problems), field=first), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # Logged for the operator with its route (the template: no ids in it); the
        # mark lets SafeTracebacks drop uvicorn's second copy. The caller retries later.
        route = getattr(request.scope.get("route"), "path", request.url.path)
        log.error(
            "unexpected %s on %s %s", type(error).__name__, request.method, route, exc_info=error
        )
        error.logged_safely = True
        return JSONResponse(error_body(500, "the server hit an unexpected error"), status_code=500)
