"""The numbers that say what works, one view at a time: `headoffice numbers --view NAME`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine

from headoffice.oversight.collector_figures import collector_figures
from headoffice.oversight.promise_figures import promise_figures
from headoffice.oversight.recovery import recovery
from headoffice.oversight.rolls import rolls
from headoffice.oversight.script_figures import script_figures
from headoffice.wire.views import VIEW_BY, VIEWS, ViewWire

# The views counted by calendar month: their default period is six months, not two weeks.
MONTHLY = ("rolls", "recovery", "promises")


class ViewError(ValueError):
    """A view asked for in a way it cannot answer: its message says what to ask instead;
    `field` names the part asked wrongly (name, by, since)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def default_since(name: str, until: date) -> date:
    """The first day a view counts from when none is given: the first of the month five
    months before `until`'s for the monthly views (six months), else 13 days before."""
    if name not in MONTHLY:
        return until - timedelta(days=13)
    index = until.year * 12 + until.month - 1 - 5
    return date(index // 12, index % 12 + 1, 1)


def view(
    engine: Engine, name: str, by: str | None, since: date, until: date, today: date
) -> ViewWire:
    """The view `name` over the period, broken down `by` where it can be (docs/NUMBERS.md)."""
    if name not in VIEWS:
        raise ViewError(f"view one of {', '.join(VIEWS)}, not {name!r}", "name")
    choices = VIEW_BY[name]
    if by is not None and by not in choices:
        allowed = f"by {', '.join(choices)}" if choices else "no --by"
        raise ViewError(f"the {name} view takes {allowed}, not {by!r}", "by")
    if until < since:
        raise ViewError(f"the period ends ({until}) before it starts ({since})", "since")
    by = by or (choices[0] if choices else None)
    comparisons = []
    if name == "rolls":
        rows = rolls(engine, since, until, today)
    elif name == "recovery":
        rows = recovery(engine, by, since, until, today)
    elif name == "promises":
        rows = promise_figures(engine, by, since, until, today)
    elif name == "collectors":
        rows = collector_figures(engine, since, until, today)
    else:
        rows, comparisons = script_figures(engine, since, until, today)
    return ViewWire(view=name, by=by, since=since, until=until, rows=rows, comparisons=comparisons)
