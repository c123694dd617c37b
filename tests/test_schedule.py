"""When the app tries the next automatic sync."""

import random

from sync.schedule import SyncSchedule


def test_backoff_grows_with_full_jitter_up_to_a_cap():
    schedule = SyncSchedule(first_retry=5, longest_wait=300, rng=random.Random(7))
    waits = [schedule.failed() for _ in range(12)]
    caps = [min(300, 5 * 2**i) for i in range(12)]
    assert all(1 <= wait <= cap for wait, cap in zip(waits, caps, strict=True))
    assert max(waits[8:]) <= 300 and max(waits) > 60


def test_jitter_spreads_a_fleet_coming_back_together():
    firsts = {round(SyncSchedule(rng=random.Random(seed)).failed(), 3) for seed in range(20)}
    assert len(firsts) > 15


def test_success_resets_the_backoff_and_polls_for_new_work():
    schedule = SyncSchedule(poll_every=120)
    for _ in range(5):
        schedule.failed()
    assert schedule.succeeded() == 120
    assert schedule.failures == 0
    assert schedule.failed() <= 5
