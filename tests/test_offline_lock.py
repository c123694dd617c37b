"""A laptop that has not reached head office for longer than the policy allows (14 days)
shows no borrower, on screen or on the command line, until a sync unlocks it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.offline_lock import offline_lock
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldapp.tui.follow_ups import FollowUpsScreen
from tests.conftest import sqlite_only
from tests.ui import drive, text_of, until_marked

db_url = pytest.fixture(sqlite_only, name="db_url")


def last_synced(home, days_ago: int) -> None:
    store = Store(home)
    store.set_settings(last_sync_at=(store.now() - timedelta(days=days_ago)).isoformat())
    store.close()


def run(home, *args: str):
    return CliRunner().invoke(fieldapp, ["--home", str(home), *args])


def test_fourteen_days_offline_is_allowed_the_fifteenth_locks_until_a_sync(laptop):
    sync_once(laptop)
    last_synced(laptop, 14)
    assert run(laptop, "route").exit_code == 0
    last_synced(laptop, 15)
    recorded = run(laptop, "record", "DK-1", "--outcome", "not_home")
    for command in (["route"], ["record", "DK-1", "--outcome", "not_home"], ["follow-ups"]):
        done = run(laptop, *command)
        assert done.exit_code == 5, done.output
        said = " ".join(done.output.split())
        assert "has not reached head office for 15 days (the policy allows 14)" in said
        assert "Søren" not in done.output
    assert recorded.exit_code == 5
    # Syncing is what unlocks, and what was recorded before goes first.
    assert run(laptop, "sync").exit_code == 0
    store = Store(laptop)
    assert offline_lock(store) is None
    # Each sync keeps the strictest policy's limit, for the first screen to read cheaply.
    assert store.setting("offline_lock_days") == "14"
    store.close()
    assert "DK-1" in run(laptop, "route").output


def test_the_route_and_follow_ups_say_why_and_show_no_borrower(home):
    last_synced(home, 30)

    async def steps(app, pilot):
        await pilot.pause()
        route = app.screen
        totals = text_of(app, "#route-totals")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)
        return len(route.stops), totals, text_of(app, "#follow-ups-title"), app.screen.found

    count, totals, follow_ups, found = drive(home, steps)
    assert count == 0 and found == []
    assert "has not reached head office for 30 days" in " ".join(totals.split())
    assert "Connect to a network and sync" in " ".join(follow_ups.split())


def test_a_laptop_in_time_shows_its_route(home):
    last_synced(home, 1)

    async def steps(app, pilot):
        await until_marked(pilot)
        return len(app.screen.stops)

    assert drive(home, steps) > 0
