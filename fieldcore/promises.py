"""Whether a promise to pay was kept: a payment of at least its amount arrived by its date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class PromiseState(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


def judge_promise(promised_minor: int, paid_minor: int, due: date, today: date) -> PromiseState:
    """Kept once payments reach the amount; broken when the date passed without; else open."""
    if paid_minor >= promised_minor:
        return PromiseState.KEPT
    return PromiseState.BROKEN if today > due else PromiseState.OPEN
