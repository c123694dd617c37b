"""The console tests' head office: the demo team's fortnight behind a live server, and a driver."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date

import pytest
from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerCancelled

from headoffice.console.app import SupervisorConsole
from headoffice.console.client import SupervisorClient
from headoffice.demo.borrowers import seed_demo
from headoffice.demo.team import seed_team
from headoffice.store import db
from tests.helpers import LiveServer

DAY = date(2026, 11, 23)
# Shown in the title instead of the live server's random port, so snapshots hold still.
SHOWN_URL = "https://headoffice.example"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A head office with the demo team's two weeks of work, made once; (file, token)."""
    folder = tmp_path_factory.mktemp("console")
    engine = db.connect(f"sqlite:///{folder / 'seed.db'}")
    seed_demo(engine, DAY)
    token = seed_team(engine, DAY)
    engine.dispose()
    return folder / "seed.db", token


@pytest.fixture
def own_settings(tmp_path, monkeypatch):
    """Each test remembers its console choices in its own folder."""
    monkeypatch.setenv("HEADOFFICE_CONFIG", str(tmp_path / "config"))


@pytest.fixture
def office(seeded, tmp_path):
    """A live server over a fresh copy of the seeded head office, its day pinned."""
    source, token = seeded
    copy = tmp_path / "headoffice.db"
    shutil.copy(source, copy)
    url = f"sqlite:///{copy}"
    live = LiveServer(url, tmp_path / "server.log", env={"HEADOFFICE_TODAY": DAY.isoformat()})
    live.start()
    engine = db.connect(url)
    yield live, token, engine
    engine.dispose()
    live.stop()


def console_for(office, language: str = "en") -> SupervisorConsole:
    live, token, _engine = office
    client = SupervisorClient(live.url, token)
    return SupervisorConsole(SHOWN_URL, token, client=client, language=language)


async def settle(pilot) -> None:
    """Wait until every call to head office has answered and the screen is drawn."""
    for _ in range(3):
        await pilot.pause()
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            # A newer fetch of the same pane replaced an older one (exclusive workers).
            continue
    # Tables size their columns and plots their axes on the next refreshes.
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.2)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def drive(app: SupervisorConsole, steps, size=(120, 40)):
    async def scenario():
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            return await steps(app, pilot)

    return asyncio.run(scenario())


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
