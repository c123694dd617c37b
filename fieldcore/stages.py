"""Stages of delinquency by days past due: early (1-30), middle (31-90), late (90+)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Stage(StrEnum):
    """Where an account stands; each stage has its own talking points and allowed steps."""

    CURRENT = "current"
    EARLY = "early"
    MIDDLE = "middle"
    LATE = "late"


def stage_for(days_past_due: int) -> Stage:
    """The stage for a number of days past due."""
    if days_past_due <= 0:
        return Stage.CURRENT
    if days_past_due <= 30:
        return Stage.EARLY
    if days_past_due <= 90:
        return Stage.MIDDLE
    return Stage.LATE


def zone_of(*names: str | None) -> ZoneInfo:
    """The first of these time zones that exists (the borrower's, then the collector's); UTC."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_today(timezone: str | None, now: datetime | None = None) -> date:
    """Today's date where the borrower lives (UTC when the zone is unknown)."""
    return (now or datetime.now(UTC)).astimezone(zone_of(timezone)).date()


def days_past_due(oldest_due_date: date, today: date) -> int:
    """Whole days since the oldest unpaid instalment fell due; 0 if not yet due."""
    return max(0, (today - oldest_due_date).days)
