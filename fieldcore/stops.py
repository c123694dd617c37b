"""A stop on the day's route, as the route screen and `fieldapp route` show it (no pydantic:
the first screen should not wait for model building)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from fieldcore.stages import Stage


@dataclass(frozen=True, slots=True)
class RouteStop:
    """One line of the day's route."""

    visit_id: str
    account_id: str
    visit_date: date
    sequence: int
    borrower_name: str
    address: str
    overdue_amount: str
    overdue_minor: int
    currency: str
    days_past_due: int
    stage: Stage
    status: str  # "to do", "done" once an outcome is recorded, or "skipped"
    phone: str | None = None
    promise_due_today: bool = False
    on_hold: bool = False  # a dispute was recorded: no collection until review
    country: str | None = None
    timezone: str | None = None
    # A stop made by a callback: the borrower's time to call back at, "HH:MM".
    callback_at: str | None = None
    # What follows up here: "callback", "due" (a promise or instalment due today) or
    # "broken" (a promise or instalment missed, in full or in part).
    follow_up: str | None = None

    def as_json(self) -> dict:
        """Plain JSON values, for `fieldapp route --json`."""
        found = asdict(self)
        found["visit_date"] = self.visit_date.isoformat()
        found["stage"] = self.stage.value
        return found


@dataclass(frozen=True, slots=True)
class VisitMark:
    """May a stop be visited now: the rules that block it (none: it may), and when a
    visit is next allowed, in the borrower's time (None: not by waiting)."""

    blocks: tuple[str, ...] = ()
    visit_from: datetime | None = None

    def open_on(self, day: date) -> bool:
        """May be visited now, or later on `day`; False when that day is closed to it."""
        if not self.blocks:
            return True
        return self.visit_from is not None and self.visit_from.date() == day

    def as_json(self) -> dict:
        """Plain JSON values, beside the stop's in `fieldapp route --json`."""
        return {
            "may_visit_now": not self.blocks,
            "blocks": list(self.blocks),
            "visit_from": self.visit_from.isoformat() if self.visit_from else None,
        }


def callback_visit_id(outcome_id: str) -> str:
    """The stop a callback makes, named by the outcome, so the laptop that recorded it
    and head office make the same stop without asking each other."""
    return f"cb-{outcome_id}"
