"""Shared fixtures: a head-office database, a live server, an enrolled laptop, a supervisor."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from fieldapp.demo import run_demo
from fieldapp.store import Store
from fieldapp.syncing import enroll_laptop, sync_once
from headoffice.store import db
from headoffice.work import portfolio, roster, supervisors
from tests.console_office import office, own_settings, seeded  # noqa: F401  (fixtures)
from tests.helpers import LiveServer, three_borrowers, write_portfolio
from tests.postgres import PG_URL, scratch_database
from tests.sms_gateway import sms_gateway_fixture  # noqa: F401  (the fixture sms_gateway)
from tests.smtp_server import mail_server_fixture  # noqa: F401  (the fixture mail_server)

# Every laptop the tests make is locked by this PIN and unlocked by it, as a script's
# would be (FIELDAPP_PIN, docs/SECURITY.md); subprocesses inherit it. Their keys are
# stretched with tiny Argon2 costs: a thousand laptops at 0.35 s each would add minutes.
# The tests of the PIN itself clear FIELDAPP_PIN, and the unlock benchmark measures
# the real costs.
TEST_PIN = "246810"
os.environ["FIELDAPP_PIN"] = TEST_PIN
os.environ["FIELDAPP_INSECURE_FAST_KDF"] = "1"


@pytest.fixture(scope="session")
def migrated(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A database of each kind at this version's schema, made once: tests start from a copy
    (a copy takes a tenth of the time the migrations take). Tests of the migrations
    themselves are marked `empty_database` and start from nothing."""
    sqlite = tmp_path_factory.mktemp("migrated") / "headoffice.db"
    db.connect(f"sqlite:///{sqlite}").dispose()
    found = {"sqlite": str(sqlite)}
    if not PG_URL:
        yield found
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with scratch_database(f"template_{worker}") as url:
        db.connect(url).dispose()  # no connection may stay open on a template
        yield found | {"postgresql": url.rpartition("/")[2]}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path, migrated: dict[str, str]):
    """Every server test runs on the embedded SQLite file and on PostgreSQL."""
    empty = request.node.get_closest_marker("empty_database") is not None
    if request.param == "sqlite":
        path = tmp_path / "headoffice.db"
        if not empty:
            shutil.copyfile(migrated["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    template = None if empty else migrated.get("postgresql")
    with scratch_database(request.node.name, template) as url:
        yield url


def sqlite_only(tmp_path: Path) -> str:
    """For tests of the laptop, whose behaviour does not depend on head office's database:
    `db_url = pytest.fixture(sqlite_only, name="db_url")` in the module. The server's
    own tests run on both."""
    return f"sqlite:///{tmp_path / 'headoffice.db'}"


@pytest.fixture
def engine(db_url: str):
    engine = db.connect(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def server(db_url: str, tmp_path: Path):
    live = LiveServer(db_url, tmp_path / "server.log").start()
    yield live
    live.stop()


# The day every test runs on, and the collector's wall clock when it starts: a Monday
# morning, inside every shipped policy's contact window. Contact rules depend on the
# hour, so no test may take the machine's.
DAY = date(2026, 11, 23)
PINNED = f"{DAY.isoformat()}T10:00"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch) -> str:
    """Both ends on DAY; the laptop's clock starts at 10:00 (Copenhagen) and runs on."""
    monkeypatch.setenv("FIELDAPP_TODAY", PINNED)
    monkeypatch.setenv("HEADOFFICE_TODAY", DAY.isoformat())
    return PINNED


@pytest.fixture(autouse=True)
def in_english():
    """Each test starts in English: the UI language is the process's, and a CLI command
    (which takes the laptop's language) or a screen may leave a worker in Danish."""
    from fieldcore.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def today() -> date:
    # The route date is the collector's local date (pinned), not the test machine's.
    return DAY


@pytest.fixture
def portfolio_file(tmp_path: Path) -> Path:
    rows = three_borrowers()
    return write_portfolio(tmp_path / "portfolio.csv", rows)


@pytest.fixture
def laptop(tmp_path: Path, engine, server, portfolio_file: Path, today: date) -> Path:
    """A laptop home enrolled for collector Mette, with DK-1, CN-1, EN-1 on today's route."""
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    token = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", today, ["DK-1", "CN-1", "EN-1"])
    home = tmp_path / "laptop"
    enroll_laptop(home, server.url, token, "test laptop")
    return home


@pytest.fixture
def store(laptop):
    """Mette's laptop store after its first sync (`laptop`'s route on it)."""
    sync_once(laptop)
    store = Store(laptop)
    yield store
    store.close()


# The demo laptop for UI tests is made on DAY, so stages, titles and snapshots hold still.


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """The demo laptop, made once: 36 borrowers in three languages, a colleague's history."""
    return run_demo(tmp_path_factory.mktemp("demo") / "laptop", open_app=False, today=DAY)


@pytest.fixture
def home(demo_home, tmp_path, monkeypatch) -> Path:
    copy = tmp_path / "laptop"
    shutil.copytree(demo_home, copy)
    # The first sync's clock time would show in every status line; each test's clock
    # starts at the pinned moment.
    store = Store(copy)
    store.db.execute("DELETE FROM settings WHERE key IN ('last_sync_at', 'pinned_clock')")
    store.close()
    return copy


@pytest.fixture
def boss(server, engine):
    """Anna, a supervisor, talking to the live server with her own token."""
    token = supervisors.add_supervisor(engine, "Anna")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def world(engine, server, portfolio_file, today):
    """Two collectors with a device each; Mette has DK-1 and CN-1, Lars has EN-1."""
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    devices = {}
    for name, accounts in (("Mette", ["DK-1", "CN-1"]), ("Lars", ["EN-1"])):
        token = roster.add_collector(engine, name)
        roster.assign(engine, name, today, accounts)
        response = httpx.post(
            f"{server.url}/sync/enroll", json={"token": token, "device_name": name}
        )
        assert response.status_code == 200, response.text
        devices[name] = response.json()["device_token"]
    return devices
