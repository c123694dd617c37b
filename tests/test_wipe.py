"""Revoked with a wipe order (the command line or the supervisor API): the laptop's next
sync delivers what waits, exactly once, then the laptop erases its borrowers' data and says
so; its token is unknown from then on."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.cli import main as headoffice
from headoffice.store.tables import devices, outcomes
from tests.conftest import sqlite_only
from tests.test_recall_leaves_nothing import found_in
from tests.ui import drive

db_url = pytest.fixture(sqlite_only, name="db_url")


def run(home, *args: str):
    return CliRunner().invoke(fieldapp, ["--home", str(home), *args])


def test_a_wiped_laptop_delivers_its_last_push_once_then_erases_everything(
    laptop, engine, db_url, server
):
    sync_once(laptop)
    assert run(laptop, "record", "DK-1", "--outcome", "not_home").exit_code == 0
    store = Store(laptop)
    token = store.setting("device_token")
    store.close()
    revoked = CliRunner().invoke(
        headoffice, ["collector", "revoke", "Mette", "--wipe", "--db", db_url]
    )
    assert "ordered wiped at their next contact" in revoked.output
    done = run(laptop, "sync")
    assert done.exit_code == 1
    said = " ".join(done.output.split())
    assert "head office revoked this laptop and ordered it wiped" in said
    assert "everything recorded on it had reached head office" in said
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outcomes)).scalar() == 1
        assert conn.execute(sa.select(devices.c.wiped_at)).scalar() is not None
    assert sorted(p.name for p in laptop.iterdir()) == []
    assert found_in(laptop) == {}
    # From now on the token is as unknown as any other: nothing more is taken from it.
    again = httpx.post(
        f"{server.url}/sync/push",
        json={"mutations": [], "protocol": 5},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 401


def test_the_app_erases_and_leaves_when_the_order_comes(laptop, engine, server):
    sync_once(laptop)
    store = Store(laptop)
    token = store.setting("device_token")
    store.close()
    from headoffice.work import roster

    roster.revoke_devices(engine, "Mette", wipe=True)

    async def steps(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()

    drive(laptop, steps, sync_on_start=True)
    assert found_in(laptop) == {} and not (laptop / "fieldapp.db").exists()
    again = httpx.post(
        f"{server.url}/sync/pull",
        json={"cursor": "", "protocol": 5},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 401


def test_a_wipe_ordered_through_the_supervisor_api_takes_the_last_push_once_then_erases(
    laptop, engine, server, boss
):
    """The supervisor API's revoke with `wipe` (what the console sends), end to end."""
    sync_once(laptop)
    assert run(laptop, "record", "DK-1", "--outcome", "not_home").exit_code == 0
    store = Store(laptop)
    token = store.setting("device_token")
    store.close()
    answer = boss.post("/supervisor/revoke", json={"collector": "Mette", "wipe": True})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"collector": "Mette", "revoked": 1, "wipe_ordered": True}
    with engine.connect() as conn:
        [ordered] = conn.execute(sa.select(devices.c.wipe_ordered_at, devices.c.wiped_at)).all()
    # Ordered, not yet delivered: the laptop has not been in touch since.
    assert ordered.wipe_ordered_at is not None and ordered.wiped_at is None
    done = run(laptop, "sync")
    assert done.exit_code == 1
    said = " ".join(done.output.split())
    assert "head office revoked this laptop and ordered it wiped" in said
    with engine.connect() as conn:
        taken = conn.execute(sa.select(outcomes.c.account_id, outcomes.c.outcome)).all()
        assert conn.execute(sa.select(devices.c.wiped_at)).scalar() is not None
    # What waited on the laptop arrived, once.
    assert [tuple(row) for row in taken] == [("DK-1", "not_home")]
    assert sorted(p.name for p in laptop.iterdir()) == []
    assert found_in(laptop) == {}
    for path in ("/sync/push", "/sync/pull"):
        body = {"mutations": []} if path == "/sync/push" else {"cursor": ""}
        again = httpx.post(
            f"{server.url}{path}",
            json=body | {"protocol": 5},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert again.status_code == 401, (path, again.text)
    # Asked again, head office has nothing left in service to order wiped.
    repeat = boss.post("/supervisor/revoke", json={"collector": "Mette", "wipe": True})
    assert repeat.json() == {"collector": "Mette", "revoked": 0, "wipe_ordered": False}
