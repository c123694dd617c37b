"""The supervisor API: portfolio, assignments, laptops, publishing, review queue and numbers.

Separate from the laptops' sync API: it takes supervisor tokens only.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

import hashlib
import re
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from fieldcore.moments import FIRST_DAY, Day
from fieldcore.text import Line
from headoffice.api import resolving
from headoffice.api.closing import closing_router
from headoffice.api.errors import Refused, documented
from headoffice.api.evidence import evidence_router
from headoffice.api.holds import holds_router
from headoffice.api.settings import settings_router
from headoffice.api.throttle import Throttle, client_address
from headoffice.api.views import views_router
from headoffice.clock import today
from headoffice.oversight import board, numbers, review
from headoffice.oversight.follow_ups import due_follow_ups
from headoffice.wire import (
    AssignRequest,
    AssignResult,
    Board,
    CollectorInfo,
    ImportResult,
    Me,
    Name,
    NumbersWire,
    PaymentsResult,
    PublishResult,
    ReassignRequest,
    ReassignResult,
    RecallRequest,
    RecallResult,
    ResolveRequest,
    ReviewItemWire,
    RevokeRequest,
    RevokeResult,
    TeamRow,
)
from headoffice.work import assignment, payments, portfolio, roster, supervisors
from headoffice.work.publishing import PublishRefused, publish

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="SupervisorToken",
    description="A supervisor's token, from `headoffice supervisor add NAME`.",
)
# Every supervisor operation can answer these; each adds its own.
_READ = (401, 403, 413, 422)
_WRITE = (400, 401, 403, 413, 415, 422)
# Portfolio and payment files are bigger than any laptop's push.
FILE_LIMIT = 64 * 1024 * 1024
_CSV_EXAMPLE = {
    "portfolio": (
        "account_id,borrower_name,address,phone,currency,outstanding,overdue_amount,"
        "oldest_due_date,language\n"
        "DK-9,Jens Jensen,Nørregade 1 Aarhus,+4512345678,DKK,4500.00,1500.00,2026-09-01,da\n"
    ),
    "payments": "account_id,paid_on,amount,currency,reference\nDK-1,2026-11-20,500.00,DKK,BANK-1\n",
}


def _csv_body(kind: str) -> dict:
    """The document of a CSV upload: the body is the file's text."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"type": "string"}, "example": _CSV_EXAMPLE[kind]}
                for media in ("text/csv", "text/plain", "application/octet-stream")
            },
        }
    }


def supervisor_router(engine: Engine, throttle: Throttle) -> APIRouter:
    """The /supervisor routes over one engine; `throttle` counts wrong tokens."""

    def who(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> supervisors.Supervisor:
        if credentials is None:
            raise Refused(401, "a supervisor token is needed (headoffice supervisor add NAME)")
        address = client_address(request)
        throttle.check(address)
        found = supervisors.supervisor_for(engine, credentials.credentials)
        if found is not None:
            return found
        if supervisors.is_device_token(engine, credentials.credentials):
            raise Refused(
                403, "this is a laptop's token; the supervisor API takes supervisor tokens"
            )
        throttle.failed(address)
        raise Refused(401, "this supervisor token is not known or was revoked")

    router = APIRouter(prefix="/supervisor", tags=["supervisor"], dependencies=[Depends(who)])
    Supervisor = Annotated[supervisors.Supervisor, Depends(who)]

    @router.get("/me", summary="Who this token belongs to", responses=documented(401, 403))
    def me(sup: Supervisor) -> Me:
        return Me(name=sup.name, today=today())

    @router.get(
        "/collectors",
        summary="Collectors and how many laptops each has",
        responses=documented(401, 403),
    )
    def list_collectors() -> list[CollectorInfo]:
        return [CollectorInfo(**row) for row in roster.collector_list(engine)]

    @router.post(
        "/portfolio",
        summary="Import a portfolio CSV (all rows or none)",
        responses=documented(*_WRITE),
        openapi_extra=_csv_body("portfolio"),
    )
    async def import_portfolio(request: Request) -> ImportResult:
        text = await _csv_text(request)
        try:
            found = portfolio.parse_portfolio(text)
        except portfolio.ImportRefused as refused:
            raise _file_refused(refused) from None
        summary = portfolio.import_accounts(
            engine, found, file_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
        )
        return ImportResult(new=summary.new, updated=summary.updated, unchanged=summary.unchanged)

    @router.post(
        "/payments",
        summary="Import a payment CSV (all rows or none)",
        responses=documented(*_WRITE),
        openapi_extra=_csv_body("payments"),
    )
    async def import_payments(request: Request) -> PaymentsResult:
        text = await _csv_text(request)
        try:
            summary = payments.import_payments(engine, text)
        except portfolio.ImportRefused as refused:
            raise _file_refused(refused) from None
        return PaymentsResult(new=summary.new, already_known=summary.already_known)

    @router.post(
        "/assignments",
        summary="Put accounts on a collector's route",
        responses=documented(*_WRITE, 404, 409),
    )
    def assign(body: AssignRequest) -> AssignResult:
        start = (body.start_lat, body.start_lon) if body.start_lat is not None else None
        selection = assignment.Selection(
            tuple(body.account_ids), body.region, body.postal_code, body.stage
        )
        follow_ups = None
        if body.optimise:
            with engine.connect() as conn:
                follow_ups = due_follow_ups(conn, body.collector, body.date)
        try:
            done = assignment.assign(
                engine,
                body.collector,
                body.date,
                selection,
                today(),
                body.optimise,
                start,
                follow_ups,
            )
        except roster.RosterError as error:
            raise Refused(error.status, str(error)) from None
        return AssignResult(
            assigned=len(done.account_ids),
            account_ids=done.account_ids,
            km=None if done.km is None else round(done.km, 2),
            without_coordinates=done.without_coordinates,
            not_visitable={a: list(rules) for a, rules in done.not_visitable.items()},
            follow_ups_first=done.follow_ups_first,
            notice_too_soon=done.notice_too_soon,
        )

    @router.post(
        "/reassign",
        summary="Move a collector's unvisited stops to another",
        responses=documented(*_WRITE, 404, 409),
    )
    def reassign(body: ReassignRequest) -> ReassignResult:
        try:
            moved = roster.reassign(engine, body.from_collector, body.to_collector, body.date)
        except roster.RosterError as error:
            raise Refused(error.status, str(error)) from None
        return ReassignResult(moved=moved)

    @router.post(
        "/recall",
        summary="Take visits back from whoever has them",
        responses=documented(*_WRITE, 404, 409),
    )
    def recall(body: RecallRequest) -> RecallResult:
        try:
            return RecallResult(recalled=roster.recall(engine, body.date, body.account_ids))
        except roster.RosterError as error:
            raise Refused(error.status, str(error)) from None

    @router.post(
        "/revoke",
        summary="Revoke a collector's laptops; with wipe, each erases its data after its last push",
        responses=documented(*_WRITE, 404),
    )
    def revoke(body: RevokeRequest) -> RevokeResult:
        try:
            done = roster.revoke_devices(engine, body.collector, body.wipe)
        except roster.RosterError as error:
            raise Refused(error.status, str(error), field="collector") from None
        # No laptop left to order, no order given: the answer says so rather than echo `wipe`.
        return RevokeResult(
            collector=body.collector, revoked=done.revoked, wipe_ordered=done.wipe_ordered > 0
        )

    @router.get(
        "/board",
        summary="Every collector's route for a day, or one collector's",
        responses=documented(*_READ, 404),
    )
    def day_board(
        day: Annotated[Day | None, Query(alias="date")] = None,
        collector: Annotated[Name | None, Query()] = None,
    ) -> Board:
        try:
            return board.board(engine, day or today(), today(), collector)
        except LookupError as error:
            raise Refused(404, str(error.args[0])) from None

    @router.get(
        "/team", summary="The team's day: one line per collector", responses=documented(*_READ)
    )
    def team_day(day: Annotated[Day | None, Query(alias="date")] = None) -> list[TeamRow]:
        return board.team(engine, day or today())

    @router.post(
        "/publish",
        summary="Publish the call scripts and contact policy fieldapp ships",
        responses=documented(400, 401, 403, 409, 413, 415),
    )
    def publish_content() -> PublishResult:
        from content import CONTENT_DIR

        try:
            return PublishResult(published=publish(engine, CONTENT_DIR))
        except PublishRefused as refused:
            raise Refused(409, "nothing was published", refused.problems) from None

    @router.get(
        "/review",
        summary="The review queue (open items; all=true adds resolved)",
        responses=documented(*_READ),
    )
    def review_queue(
        resolved: Annotated[Literal["true", "false"], Query(alias="all")] = "false",
    ) -> list[ReviewItemWire]:
        return review.review_queue(engine, today(), include_resolved=resolved == "true")

    @router.post(
        "/review/{kind}/{ref}",
        summary="Resolve a review item with a note",
        responses=documented(*_WRITE, 404, 409),
    )
    def resolve(
        kind: Annotated[review.Kind, Path()],
        ref: Annotated[Line, Path(min_length=1, max_length=64)],
        body: ResolveRequest,
        sup: Supervisor,
    ) -> ReviewItemWire:
        try:
            resolving.resolve(
                engine, today(), kind, ref, body.note, sup.name, body.decision, body.first_date
            )
        except review.ReviewError as error:
            raise Refused(error.status, str(error)) from None
        return review.review_item(engine, today(), kind, ref)

    @router.get(
        "/numbers",
        summary="Contact rate, proof of visit, promises and plans kept, money collected",
        responses=documented(*_READ, 409),
    )
    def get_numbers(
        by: Literal["collector", "stage", "day"] = "collector",
        since: Day | None = None,
        until: Day | None = None,
    ) -> NumbersWire:
        until = until or today()
        since = since or max(until - timedelta(days=13), FIRST_DAY)
        if until < since:
            # A period the schema cannot refuse: both days are well formed.
            raise Refused(
                409, f"the period ends ({until}) before it starts ({since})", field="since"
            )
        every = numbers.breakdown(engine, since, until, today())
        return NumbersWire(
            by=by,
            since=since,
            until=until,
            rows=[numbers.figures_wire(f) for f in every[by]],
            total=numbers.figures_wire(numbers.totals(every[by])),
            days=[numbers.figures_wire(f) for f in every["day"]],
        )

    router.include_router(settings_router(engine))
    router.include_router(views_router(engine))
    router.include_router(holds_router(engine, who))
    router.include_router(evidence_router(engine, who))
    router.include_router(closing_router(engine, who))
    return router


def _file_refused(refused: portfolio.ImportRefused) -> Refused:
    first = re.match(r"line (\d+)", refused.problems[0]) if refused.problems else None
    line = int(first.group(1)) if first else None
    return Refused(422, "nothing was imported", refused.problems, line=line)


async def _csv_text(request: Request) -> str:
    body = await request.body()
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(400, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
