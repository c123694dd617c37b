"""Dates as people type them on a command line or pin them (FIELDAPP_TODAY): ISO only."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def parse_day(text: str) -> date:
    """'2026-11-23' -> date; anything else raises ValueError saying what is expected."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-23") from None


def pinned_day(value: str, variable: str = "FIELDAPP_TODAY") -> date:
    """The day of a pinned clock (FIELDAPP_TODAY=2026-12-07 or 2026-12-07T10:30)."""
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise _not_pinned(value, variable) from None


def pinned_moment(value: str, zone: tzinfo, variable: str = "FIELDAPP_TODAY") -> datetime | None:
    """Where a pinned clock starts, or None when only the day is pinned.

    Without an offset the moment is the wall clock of `zone` (the collector's).
    """
    value = value.strip()
    if len(value) <= 10:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _not_pinned(value, variable) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _not_pinned(value: str, variable: str) -> ValueError:
    return ValueError(
        f"{variable}={value!r} is neither a day (2026-12-07) nor a moment (2026-12-07T10:30)"
    )
