"""Stages by days past due, and the borrower's own today."""

from datetime import UTC, date, datetime

import pytest

from fieldcore.stages import Stage, days_past_due, local_today, stage_for


@pytest.mark.parametrize(
    ("dpd", "stage"),
    [
        (0, Stage.CURRENT),
        (1, Stage.EARLY),
        (30, Stage.EARLY),
        (31, Stage.MIDDLE),
        (90, Stage.MIDDLE),
        (91, Stage.LATE),
        (400, Stage.LATE),
    ],
)
def test_stage_boundaries(dpd, stage):
    assert stage_for(dpd) is stage


def test_days_past_due_never_negative():
    assert days_past_due(date(2026, 11, 1), date(2026, 11, 23)) == 22
    assert days_past_due(date(2026, 12, 1), date(2026, 11, 23)) == 0


def test_today_is_the_borrowers_date():
    late_evening_utc = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    assert local_today("Asia/Shanghai", late_evening_utc) == date(2026, 11, 24)
    assert local_today("Europe/London", late_evening_utc) == date(2026, 11, 23)
    assert local_today("Not/AZone", late_evening_utc) == date(2026, 11, 23)
