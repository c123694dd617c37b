"""Head office's today and now: UTC, or HEADOFFICE_TODAY's day or moment when pinned."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

from fieldcore.days import pinned_day, pinned_moment

_VARIABLE = "HEADOFFICE_TODAY"
# When each pinned moment was first read (monotonic seconds): a pinned clock runs on from
# there, so a server left running for the day sees its minutes pass.
_first_read: dict[str, float] = {}


def today() -> date:
    """The date head office judges promises and stages by."""
    if pinned := os.environ.get(_VARIABLE):
        if len(pinned.strip()) > 10:
            return now().date()
        return pinned_day(pinned, _VARIABLE)
    return datetime.now(UTC).date()


def now() -> datetime:
    """This moment in UTC; when pinned, the pinned day at this time of day, or the pinned
    moment (HEADOFFICE_TODAY=2026-11-24T09:00, UTC without an offset) and the time since.

    Holds and notices are stamped with it, so they fall on the day head office
    works on, as the laptop's outcomes fall on the laptop's pinned day.
    """
    moment = datetime.now(UTC)
    if not (pinned := os.environ.get(_VARIABLE)):
        return moment
    start = pinned_moment(pinned, UTC, _VARIABLE)
    if start is None:
        return datetime.combine(pinned_day(pinned, _VARIABLE), moment.timetz())
    began = _first_read.setdefault(pinned, time.monotonic())
    return start.astimezone(UTC) + timedelta(seconds=time.monotonic() - began)
