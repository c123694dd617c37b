"""Dates as people type them on a command line: ISO, with a reason when not."""

from __future__ import annotations

from datetime import date


def parse_day(text: str) -> date:
    """'2026-11-23' -> date; anything else raises ValueError saying what is expected."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-23") from None
