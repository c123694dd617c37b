"""The calendar months a period touches, each with the day its figures are read at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Month:
    """A month: its first day, its last, and the day its end is judged on (today, for the
    month in progress; the next month's first day once it is over)."""

    first: date
    last: date
    end: date
    complete: bool

    @property
    def label(self) -> str:
        """YYYY-MM."""
        return f"{self.first:%Y-%m}"


def months(since: date, until: date, today: date) -> list[Month]:
    """Each month from `since`'s to `until`'s, none that starts after `today`."""
    found: list[Month] = []
    first = since.replace(day=1)
    while first <= until and first <= today:
        following = _next(first)
        last = date.fromordinal(following.toordinal() - 1)
        complete = following <= today
        found.append(Month(first, last, following if complete else today, complete))
        first = following
    return found


def _next(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
