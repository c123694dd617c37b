"""The kernel's arrangements: a plan's schedule, its limits, and each instalment's judgement."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldcore.arrangements import (
    ArrangementState,
    Every,
    add_months,
    judge_instalments,
    plan_problems,
    schedule,
)

MADE = date(2026, 11, 23)


def test_a_plan_splits_the_total_to_the_last_minor_unit():
    parts = schedule(100_000, 3, Every.MONTH, date(2026, 12, 1))
    assert [p.amount_minor for p in parts] == [33_333, 33_333, 33_334]
    assert [p.due for p in parts] == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert [p.number for p in parts] == [1, 2, 3]


def test_weeks_fortnights_and_the_end_of_a_short_month():
    assert [p.due.day for p in schedule(300, 3, Every.WEEK, date(2026, 12, 1))] == [1, 8, 15]
    assert [p.due for p in schedule(200, 2, Every.FORTNIGHT, date(2026, 12, 28))] == [
        date(2026, 12, 28),
        date(2027, 1, 11),
    ]
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 15), 2) == date(2028, 2, 15)


@given(
    total=st.integers(1, 10**12),
    count=st.integers(1, 120),
    every=st.sampled_from(list(Every)),
)
def test_the_parts_always_add_up_to_the_total(total, count, every):
    if total < count:
        with pytest.raises(ValueError):
            schedule(total, count, every, MADE)
        return
    parts = schedule(total, count, every, MADE)
    assert sum(p.amount_minor for p in parts) == total
    assert all(p.amount_minor >= 1 for p in parts)
    assert [p.due for p in parts] == sorted({p.due for p in parts})


def test_a_plan_is_checked_against_the_balance_the_dates_and_the_longest_term():
    ok = plan_problems(
        90_000, 3, Every.MONTH, date(2026, 12, 1), outstanding_minor=100_000, today=MADE
    )
    assert ok == {}
    wrong = plan_problems(
        200_000, 30, Every.MONTH, date(2026, 11, 1), outstanding_minor=100_000, today=MADE
    )
    assert wrong == {
        "amount": "is more than the outstanding balance",
        "first_date": "is in the past",
    }
    too_long = plan_problems(
        90_000,
        30,
        Every.MONTH,
        date(2026, 12, 1),
        outstanding_minor=100_000,
        today=MADE,
        longest_months=24,
    )
    assert too_long["instalments"].endswith("past the longest term of 24 months")


def test_kept_partly_kept_and_open():
    parts = schedule(30_000, 3, Every.MONTH, date(2026, 12, 1))
    payments = [(date(2026, 11, 30), 10_000), (date(2027, 1, 1), 5_000)]
    judged = judge_instalments(parts, payments, MADE, today=date(2027, 1, 10))
    assert [j.state for j in judged] == [
        ArrangementState.KEPT,
        ArrangementState.PARTLY_KEPT,
        ArrangementState.OPEN,
    ]
    assert [j.paid_minor for j in judged] == [10_000, 5_000, 0]


def test_money_that_comes_late_is_paid_but_does_not_make_a_missed_part_kept():
    parts = schedule(20_000, 2, Every.MONTH, date(2026, 12, 1))
    late = [(date(2026, 12, 20), 10_000)]
    judged = judge_instalments(parts, late, MADE, today=date(2027, 1, 5))
    assert [j.state for j in judged] == [ArrangementState.BROKEN, ArrangementState.BROKEN]
    assert [j.paid_minor for j in judged] == [10_000, 0]  # the oldest part short first


def test_payments_before_the_arrangement_or_after_a_newer_one_do_not_count():
    parts = schedule(20_000, 2, Every.MONTH, date(2026, 12, 1))
    payments = [(date(2026, 11, 1), 20_000), (date(2026, 12, 15), 10_000)]
    judged = judge_instalments(
        parts, payments, MADE, today=date(2027, 1, 5), replaced_on=date(2026, 12, 10)
    )
    assert [j.state for j in judged] == [ArrangementState.BROKEN, ArrangementState.REPLACED]
    assert [j.paid_minor for j in judged] == [0, 0]
