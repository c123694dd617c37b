"""A stop on the day's route, as the route screen and `fieldapp route` show it (no pydantic:
the first screen should not wait for model building)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

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

    def as_json(self) -> dict:
        """Plain JSON values, for `fieldapp route --json`."""
        found = asdict(self)
        found["visit_date"] = self.visit_date.isoformat()
        found["stage"] = self.stage.value
        return found
