"""Days and moments as they may cross an edge: ISO text only, within the years 2000-2099.

Lax parsing would read `0` as 1970-01-01 and `1e9` as a moment; a date in
the year 9999 overflows arithmetic further in. So a day is `YYYY-MM-DD` and a
moment `YYYY-MM-DDTHH:MM:SS[.ffffff]` with `Z` or an offset, and the schema
says exactly that (a pattern every valid day matches and no invalid one does),
so a client generated from the document cannot send what the server refuses.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, GetJsonSchemaHandler
from pydantic_core import CoreSchema

FIRST_YEAR, LAST_YEAR = 2000, 2099
FIRST_DAY = date(FIRST_YEAR, 1, 1)

# Years 2000-2099; each month's own days; 29 February in leap years only
# (every fourth year in this range, 2000 included).
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = r"20(?:[02468][048]|[13579][26])-02-29"
DAY_PATTERN = rf"(?:20[0-9]{{2}}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_OFFSET = r"(?:Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)"
_DAY = re.compile(rf"^{DAY_PATTERN}$")
_MOMENT = re.compile(rf"^{DAY_PATTERN}{_TIME}{_OFFSET}$")
_WALL_CLOCK = re.compile(rf"^{DAY_PATTERN}{_TIME}$")


def _in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def read_day(value: Any) -> date:
    """A day from ISO text (or a date, from Python callers); anything else raises ValueError."""
    if isinstance(value, date) and not isinstance(value, datetime):
        if not _in_range(value.year):
            raise ValueError(f"is not between the years {FIRST_YEAR} and {LAST_YEAR}")
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError(
            f"is not a day written YYYY-MM-DD between the years {FIRST_YEAR} and {LAST_YEAR}"
        )
    return date.fromisoformat(value)


def _read_time(value: Any, pattern: re.Pattern[str], aware: bool, written: str) -> datetime:
    years = f"between the years {FIRST_YEAR} and {LAST_YEAR}"
    if isinstance(value, datetime):
        if (value.utcoffset() is not None) != aware or not _in_range(value.year):
            zone = "with a time zone" if aware else "without a time zone"
            raise ValueError(f"is not a time {zone} {years}")
        return value
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"is not {written}, {years}")
    return datetime.fromisoformat(value)


def read_moment(value: Any) -> datetime:
    """A moment with its offset from ISO text (or an aware datetime); else ValueError."""
    written = "a moment written YYYY-MM-DDTHH:MM:SS with Z or an offset like +01:00"
    return _read_time(value, _MOMENT, True, written)


def read_wall_clock(value: Any) -> datetime:
    """A time on the borrower's wall clock (no offset) from ISO text or a naive datetime."""
    written = "a local time written YYYY-MM-DDTHH:MM:SS (no offset)"
    return _read_time(value, _WALL_CLOCK, False, written)


def read_cell_day(value: Any) -> date:
    """A day from a file's cell: as read_day, once the spaces a spreadsheet pads with are gone."""
    return read_day(value.strip() if isinstance(value, str) else value)


class _Schema:
    """The JSON schema of an ISO string with its format and exact pattern."""

    def __init__(self, fmt: str | None, pattern: str, example: str) -> None:
        self.fmt, self.pattern, self.example = fmt, pattern, example

    def __get_pydantic_json_schema__(
        self, _schema: CoreSchema, _handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {
            "type": "string",
            **({"format": self.fmt} if self.fmt else {}),
            "pattern": self.pattern,
            "examples": [self.example],
        }


Day = Annotated[date, BeforeValidator(read_day), _Schema("date", _DAY.pattern, "2026-11-23")]
Moment = Annotated[
    datetime,
    BeforeValidator(read_moment),
    _Schema("date-time", _MOMENT.pattern, "2026-11-23T09:30:00+01:00"),
]
# A callback's time is the borrower's: wall-clock, judged in their zone.
WallClock = Annotated[
    datetime,
    BeforeValidator(read_wall_clock),
    _Schema(None, _WALL_CLOCK.pattern, "2026-11-24T17:30:00"),
]
# A day in an imported file's cell (portfolio, payments): padded cells are trimmed.
CellDay = Annotated[date, BeforeValidator(read_cell_day)]
