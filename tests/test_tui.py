"""The collector's app driven with Textual's Pilot: route, visit, outcome form, offline."""

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Static

from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldapp.tui.app import FieldApp
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.route import RouteScreen
from fieldapp.tui.route_list import RouteList
from fieldapp.tui.visit import VisitScreen
from tests import ui
from tests.conftest import sqlite_only

# The laptop is under test here; head office runs on SQLite (its own tests use both).
db_url = pytest.fixture(sqlite_only, name="db_url")


def drive(home: Path, steps, size=(120, 40), sync_on_start=False):
    # Mette's laptop speaks Danish; these tests read the English screens.
    return ui.drive(home, steps, size, language="en", sync_on_start=sync_on_start)


route_rows = ui.rows


def test_route_shows_the_stops_in_order(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        assert isinstance(app.screen, RouteScreen)
        return route_rows(app)

    rows = drive(laptop, steps)
    assert [r[1] for r in rows] == ["Søren Ærø", "王小明", "Sally [Sarah] Mitchell"]
    assert rows[0][0] == "1" and rows[0][6] == "to do"


def test_enter_opens_the_visit_and_escape_goes_back(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        borrower = app.screen.sub_title
        await pilot.press("escape")
        await pilot.pause()
        return borrower, type(app.screen)

    borrower, back_on = drive(laptop, steps)
    assert borrower == "2. 王小明"
    assert back_on is RouteScreen


def test_recording_an_outcome_through_the_form(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeScreen)
        form.query_one("#outcome").value = "promise"
        form.query_one("#amount").value = "250.00"
        form.query_one("#promise_date").value = app.store.today().isoformat()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        await pilot.press("escape")
        await pilot.pause()
        return route_rows(app)

    rows = drive(laptop, steps)
    assert rows[0][6] == "done"
    store = Store(laptop)
    try:
        [saved] = store.outcomes_for_account("DK-1")
        assert (saved.outcome, saved.amount_minor, saved.currency) == ("promise", 25000, "DKK")
        assert store.pending_count() == 1
    finally:
        store.close()


def test_form_errors_show_at_the_field_and_nothing_is_saved(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "paid"
        form.query_one("#amount").value = "12,50"
        await pilot.press("ctrl+s")
        await pilot.pause()
        return (
            type(app.screen),
            str(form.query_one("#amount-error", Static).render()),
            str(form.query_one("#method-error", Static).render()),
            app.focused.id,
        )

    screen, amount_error, method_error, focused = drive(laptop, steps)
    assert screen is OutcomeScreen
    assert "is not an amount" in amount_error
    assert "is needed for “Paid (receipt given)”" in method_error
    assert focused == "amount"
    store = Store(laptop)
    try:
        assert store.pending_count() == 0
    finally:
        store.close()


def test_the_app_works_offline_and_says_so(laptop, server):
    sync_once(laptop)
    server.stop()

    async def steps(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = app.sync_status
        return status, len(route_rows(app))

    status, rows = drive(laptop, steps, sync_on_start=True)
    assert "offline" in status
    assert rows == 3


def test_fits_a_small_terminal(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        return type(app.screen)

    assert drive(laptop, steps, size=(80, 24)) is OutcomeScreen


def test_correcting_a_phone_from_the_visit(laptop):
    sync_once(laptop)

    async def steps(app, pilot):
        await pilot.press("enter", "c")
        await pilot.pause()
        await pilot.press(*"+45 70 80 90 10", "enter")
        await pilot.pause()
        box = app.screen.query_one("#corrections", Static)
        return box.display, str(box.render())

    shown, text = drive(laptop, steps)
    assert shown and "Phone: +45 70 80 90 10" in text and "waiting" in text
    store = Store(laptop)
    try:
        assert store.pending_count() == 1
    finally:
        store.close()


def test_a_revoked_laptop_says_so_and_stops_retrying(laptop, engine):
    from headoffice.work import roster

    sync_once(laptop)
    roster.revoke_devices(engine, "Mette")

    async def steps(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.sync_status, app._next_sync

    status, next_sync = drive(laptop, steps, sync_on_start=True)
    assert "head office does not know this laptop" in status
    assert next_sync is None


def test_offline_app_plans_a_retry_with_backoff(laptop, server):
    sync_once(laptop)
    server.stop()

    async def steps(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.schedule.failures, app._next_sync is not None

    failures, planned = drive(laptop, steps, sync_on_start=True)
    assert failures == 1 and planned


def test_a_long_first_sync_shows_progress(tmp_path, engine, server, today):
    from fieldapp.syncing import enroll_laptop
    from fieldapp.tui.app import SyncProgress
    from fieldcore.accounts import Account
    from headoffice.work import portfolio, roster

    accounts = [
        Account(
            account_id=f"B-{i}",
            borrower_name=f"B {i}",
            address="Vej 1",
            currency="DKK",
            outstanding_minor=100,
            overdue_minor=10,
            oldest_due_date=today,
        )
        for i in range(2500)
    ]
    portfolio.import_accounts(engine, accounts)
    token = roster.add_collector(engine, "Big", "da", "Europe/Copenhagen")
    roster.assign(engine, "Big", today, [a.account_id for a in accounts])
    home = tmp_path / "big"
    enroll_laptop(home, server.url, token, "big")
    seen = []

    async def scenario():
        app = FieldApp(home)

        def hook(message):
            if isinstance(message, SyncProgress):
                seen.append((message.done, message.remaining))

        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app.screen.query_one("#route", RouteList).row_count

    rows = asyncio.run(scenario())
    assert rows == 2500
    assert seen[0] == (1000, 1500)
