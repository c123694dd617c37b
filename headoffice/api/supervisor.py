"""The supervisor API: portfolio, assignments, publishing, review queue and numbers.

Separate from the laptops' sync API: it takes supervisor tokens only.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from headoffice.clock import today
from headoffice.oversight import board, numbers, review
from headoffice.wire import (
    AssignRequest,
    AssignResult,
    Board,
    CollectorInfo,
    FiguresWire,
    ImportResult,
    Me,
    NumbersWire,
    PaymentsResult,
    Problem,
    PublishResult,
    ReassignRequest,
    ReassignResult,
    RecallRequest,
    RecallResult,
    ResolveRequest,
    ReviewItemWire,
    TeamRow,
)
from headoffice.work import assignment, payments, portfolio, roster, supervisors
from headoffice.work.publishing import PublishRefused, publish

_bearer = HTTPBearer(auto_error=False)
_ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 413, 422)}
# Portfolio and payment files are bigger than any laptop's push.
FILE_LIMIT = 64 * 1024 * 1024


class Refused(HTTPException):
    """A supervisor request that changed nothing, with its reason (and row problems)."""

    def __init__(self, status: int, detail: str, problems: list[str] | None = None) -> None:
        super().__init__(status_code=status, detail=detail)
        self.problems = problems or []


def supervisor_router(engine: Engine) -> APIRouter:
    """The /supervisor routes over one engine."""

    def who(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> supervisors.Supervisor:
        if credentials is None:
            raise Refused(401, "a supervisor token is needed (headoffice supervisor add NAME)")
        found = supervisors.supervisor_for(engine, credentials.credentials)
        if found is not None:
            return found
        if supervisors.is_device_token(engine, credentials.credentials):
            raise Refused(
                403, "this is a laptop's token; the supervisor API takes supervisor tokens"
            )
        raise Refused(401, "this supervisor token is not known or was revoked")

    router = APIRouter(
        prefix="/supervisor",
        tags=["supervisor"],
        responses=_ERRORS,
        dependencies=[Depends(who)],
    )
    Supervisor = Annotated[supervisors.Supervisor, Depends(who)]

    @router.get("/me", summary="Who this token belongs to")
    def me(sup: Supervisor) -> Me:
        return Me(name=sup.name, today=today())

    @router.get("/collectors", summary="Collectors and how many laptops each has")
    def list_collectors() -> list[CollectorInfo]:
        return [CollectorInfo(**row) for row in roster.collector_list(engine)]

    @router.post("/portfolio", summary="Import a portfolio CSV (all rows or none)")
    async def import_portfolio(request: Request) -> ImportResult:
        text = await _csv_text(request)
        try:
            found = portfolio.parse_portfolio(text)
        except portfolio.ImportRefused as refused:
            raise Refused(422, "nothing was imported", refused.problems) from None
        summary = portfolio.import_accounts(engine, found)
        return ImportResult(new=summary.new, updated=summary.updated, unchanged=summary.unchanged)

    @router.post("/payments", summary="Import a payment CSV (all rows or none)")
    async def import_payments(request: Request) -> PaymentsResult:
        text = await _csv_text(request)
        try:
            summary = payments.import_payments(engine, text)
        except portfolio.ImportRefused as refused:
            raise Refused(422, "nothing was imported", refused.problems) from None
        return PaymentsResult(new=summary.new, already_known=summary.already_known)

    @router.post("/assignments", summary="Put accounts on a collector's route")
    def assign(body: AssignRequest) -> AssignResult:
        start = (body.start_lat, body.start_lon) if body.start_lat is not None else None
        selection = assignment.Selection(
            tuple(body.account_ids), body.region, body.postal_code, body.stage
        )
        try:
            done = assignment.assign(
                engine, body.collector, body.date, selection, today(), body.optimise, start
            )
        except roster.RosterError as error:
            raise Refused(422, str(error)) from None
        return AssignResult(
            assigned=len(done.account_ids),
            account_ids=done.account_ids,
            km=None if done.km is None else round(done.km, 2),
            without_coordinates=done.without_coordinates,
        )

    @router.post("/reassign", summary="Move a collector's unvisited stops to another")
    def reassign(body: ReassignRequest) -> ReassignResult:
        try:
            moved = roster.reassign(engine, body.from_collector, body.to_collector, body.date)
        except roster.RosterError as error:
            raise Refused(422, str(error)) from None
        return ReassignResult(moved=moved)

    @router.post("/recall", summary="Take visits back from whoever has them")
    def recall(body: RecallRequest) -> RecallResult:
        try:
            return RecallResult(recalled=roster.recall(engine, body.date, body.account_ids))
        except roster.RosterError as error:
            raise Refused(422, str(error)) from None

    @router.get("/board", summary="Every collector's route for a day, or one collector's")
    def day_board(
        day: Annotated[date | None, Query(alias="date")] = None, collector: str | None = None
    ) -> Board:
        try:
            return board.board(engine, day or today(), today(), collector)
        except LookupError as error:
            raise Refused(404, str(error.args[0])) from None

    @router.get("/team", summary="The team's day: one line per collector")
    def team_day(day: Annotated[date | None, Query(alias="date")] = None) -> list[TeamRow]:
        return board.team(engine, day or today())

    @router.post("/publish", summary="Publish the call scripts and contact policy fieldapp ships")
    def publish_content() -> PublishResult:
        from content import CONTENT_DIR

        try:
            return PublishResult(published=publish(engine, CONTENT_DIR))
        except PublishRefused as refused:
            raise Refused(409, "nothing was published", refused.problems) from None

    @router.get("/review", summary="The review queue (open items; all=true adds resolved)")
    def review_queue(all: bool = False) -> list[ReviewItemWire]:
        items = review.review_queue(engine, today(), include_resolved=all)
        return items

    @router.post("/review/{kind}/{ref}", summary="Resolve a review item with a note")
    def resolve(kind: str, ref: str, body: ResolveRequest, sup: Supervisor) -> ReviewItemWire:
        try:
            review.resolve(engine, today(), kind, ref, body.note, sup.name)
        except review.ReviewError as error:
            raise Refused(error.status, str(error)) from None
        return review.review_item(engine, today(), kind, ref)

    @router.get("/numbers", summary="Contact rate, promises and money collected")
    def get_numbers(
        by: Literal["collector", "stage", "day"] = "collector",
        since: date | None = None,
        until: date | None = None,
    ) -> NumbersWire:
        until = until or today()
        since = since or until - timedelta(days=13)
        try:
            every = numbers.breakdown(engine, since, until, today())
        except ValueError as error:
            raise Refused(422, str(error)) from None
        return NumbersWire(
            by=by,
            since=since,
            until=until,
            rows=[_figures(f) for f in every[by]],
            total=_figures(numbers.totals(every[by])),
            days=[_figures(f) for f in every["day"]],
        )

    return router


def _figures(figures: numbers.Figures) -> FiguresWire:
    return FiguresWire(
        key=figures.key,
        visits=figures.visits,
        contacts=figures.contacts,
        contact_rate=round(figures.contact_rate, 4),
        promises_taken=figures.promises_taken,
        promises_kept=figures.promises_kept,
        promises_broken=figures.promises_broken,
        collected=figures.collected,
    )


async def _csv_text(request: Request) -> str:
    body = await request.body()
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(422, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
