"""Head office's today and now: UTC, or HEADOFFICE_TODAY's day when pinned (training, tests)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    """The date head office judges promises and stages by."""
    if pinned := os.environ.get("HEADOFFICE_TODAY"):
        return date.fromisoformat(pinned)
    return datetime.now(UTC).date()


def now() -> datetime:
    """This moment in UTC; on a pinned day, that day at this time of day.

    Holds and notices are stamped with it, so they fall on the day head office
    works on, as the laptop's outcomes fall on the laptop's pinned day.
    """
    moment = datetime.now(UTC)
    if pinned := os.environ.get("HEADOFFICE_TODAY"):
        return datetime.combine(date.fromisoformat(pinned), moment.timetz())
    return moment
