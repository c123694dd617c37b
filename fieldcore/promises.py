"""Whether a promise to pay was kept: a payment of at least its amount arrived by its date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from fieldcore.route import OutcomeRecord


class PromiseState(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


def promise_state(
    promise: OutcomeRecord, history: list[OutcomeRecord], today: date
) -> PromiseState:
    """Kept when payments recorded from the promise up to its date add up to its amount."""
    assert promise.promise_date is not None and promise.amount_minor is not None
    paid = sum(
        o.amount_minor or 0
        for o in history
        if o.outcome == "paid"
        and o.currency == promise.currency
        and promise.recorded_at <= o.recorded_at
        and o.recorded_at.date() <= promise.promise_date
    )
    return judge_promise(promise.amount_minor, paid, promise.promise_date, today)


def judge_promise(promised_minor: int, paid_minor: int, due: date, today: date) -> PromiseState:
    """Kept once payments reach the amount; broken when the date passed without; else open."""
    if paid_minor >= promised_minor:
        return PromiseState.KEPT
    return PromiseState.BROKEN if today > due else PromiseState.OPEN


def promises_with_state(
    history: list[OutcomeRecord], today: date
) -> list[tuple[OutcomeRecord, PromiseState]]:
    """Every promise in the history with its state, newest first."""
    return [
        (o, promise_state(o, history, today))
        for o in history
        if o.outcome == "promise" and o.promise_date is not None and o.amount_minor is not None
    ]
