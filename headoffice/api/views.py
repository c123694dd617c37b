"""The supervisor API's views of what works: roll rates, recovery, promises, collectors, scripts."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from sqlalchemy.engine import Engine

from fieldcore.moments import FIRST_DAY, Day
from headoffice.api.errors import Refused, documented
from headoffice.clock import today
from headoffice.oversight.views import ViewError, default_since, view
from headoffice.wire.views import View, ViewWire


def views_router(engine: Engine) -> APIRouter:
    """/numbers/{view}; the supervisor router includes it behind its token check."""
    router = APIRouter()

    @router.get(
        "/numbers/{name}",
        summary="What works: roll rates, recovery, promises, collectors or scripts",
        description="docs/NUMBERS.md defines each figure and the SQL behind it. `by`: "
        "recovery by stage (default), product, region or collector; promises by collector "
        "(default) or stage; the other views take none. The monthly views (rolls, "
        "recovery, promises) count from the first of the month five months back unless "
        "`since` says otherwise; collectors and scripts, the 14 days to `until`.",
        responses=documented(401, 403, 409, 413, 422),
    )
    def get_view(
        name: Annotated[View, Path()],
        by: Literal["collector", "stage", "product", "region"] | None = None,
        since: Day | None = None,
        until: Day | None = None,
    ) -> ViewWire:
        until = until or today()
        since = since or max(default_since(name, until), FIRST_DAY)
        try:
            return view(engine, name, by, since, until, today())
        except ViewError as error:
            # A period or breakdown the schema cannot refuse: each part is well formed.
            raise Refused(409, str(error), field=error.field) from None

    return router
