"""The lender head office names: set on the command line or the API, synced, said on screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import httpx
import sqlalchemy as sa

from fieldapp.content import lender
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldapp.tui.receipt import ReceiptScreen
from headoffice.demo.borrowers import DEMO_LENDER
from headoffice.store import db
from headoffice.store.tables import content
from headoffice.wire import SettingKey
from headoffice.work.settings import KNOWN, set_setting
from tests.helpers import cli
from tests.ui import drive, text_of

KEYS = "the settings are lender.name, lender.address, lender.phone"


def test_the_known_settings_are_the_ones_the_document_lists():
    assert list(KNOWN) == list(get_args(SettingKey))


def test_settings_on_the_command_line(db_url):
    def settings(*args: str, check: bool = True):
        return cli("headoffice", "settings", *args, "--db", db_url, check=check)

    assert [line.split(maxsplit=1) for line in settings("show").stdout.splitlines()] == [
        [key, "(not set)"] for key in ("lender.name", "lender.address", "lender.phone")
    ]
    said = settings("set", "lender.name", "  Nordbank A/S ").stdout
    assert said == 'lender.name is now "Nordbank A/S"; laptops get it at their next sync\n'
    again = settings("set", "lender.name", "Nordbank A/S").stdout
    assert again == 'lender.name is already "Nordbank A/S"; nothing changed\n'
    settings("set", "lender.phone", "+45 70 12 34 56")
    for args, reason in (
        (("set", "lender.fax", "+45 1"), f"there is no setting 'lender.fax'; {KEYS}"),
        (("unset", "lender.fax"), f"there is no setting 'lender.fax'; {KEYS}"),
        (("set", "lender.phone", "call us"), "lender.phone: takes digits, spaces and a + at"),
        (("set", "lender.address", "Havnegade 1\x1b[2J"), "does not belong in one line of text"),
        (("set", "lender.name", "N" * 101), "lender.name: String should have at most 100"),
        (("set", "lender.address", "   "), "lender.address: is empty (to clear a setting"),
    ):
        refused = settings(*args, check=False)
        assert refused.returncode == 2, (args, refused.stderr)
        assert reason in refused.stderr.replace("\n", " "), (args, refused.stderr)
        assert "Traceback" not in refused.stderr
    shown = settings("show").stdout.splitlines()
    assert shown == [
        "lender.name     Nordbank A/S",
        "lender.address  (not set)",
        "lender.phone    +45 70 12 34 56",
    ]
    said = settings("unset", "lender.phone").stdout
    assert said == "lender.phone is no longer set; laptops get the change at their next sync\n"
    assert settings("unset", "lender.phone").stdout == "lender.phone was not set; nothing changed\n"
    # Published as it changed: set the name, set the phone, unset the phone.
    engine = db.connect(db_url)
    with engine.connect() as conn:
        row = conn.execute(sa.select(content).where(content.c.key == "lender")).one()
    engine.dispose()
    assert (row.kind, row.version) == ("lender", 3)
    assert json.loads(row.body) == {"name": "Nordbank A/S", "address": None, "phone": None}


def test_supervisors_read_and_set_the_lender_over_the_api(server, boss):
    assert [(s["key"], s["value"]) for s in boss.get("/supervisor/settings").json()] == [
        ("lender.name", None),
        ("lender.address", None),
        ("lender.phone", None),
    ]
    put = boss.put("/supervisor/settings/lender.name", json={"value": "Nordbank A/S"})
    assert put.status_code == 200, put.text
    assert put.json()["value"] == "Nordbank A/S" and put.json()["updated_at"]
    for key, body, field, reason in (
        ("lender.phone", {"value": "call us"}, "value", "lender.phone: takes digits"),
        ("lender.name", {"value": " "}, "value", "lender.name: is empty"),
        ("lender.fax", {"value": "1"}, "path.key", "'lender.name', 'lender.address' or"),
        ("lender.name", {"value": "x", "by": "Anna"}, "by", "Extra inputs are not permitted"),
        ("lender.name", {}, "value", "required"),
        ("lender.name", {"value": "a\x00b"}, "value", "U+0000"),
    ):
        refused = boss.put(f"/supervisor/settings/{key}", json=body)
        assert refused.status_code == 422, (key, body, refused.text)
        assert refused.json()["field"] == field and reason in refused.json()["detail"], refused.text
    cleared = boss.put("/supervisor/settings/lender.name", json={"value": None})
    assert cleared.status_code == 200 and cleared.json()["value"] is None
    assert boss.get("/supervisor/settings").json()[0]["value"] is None
    anonymous = httpx.get(f"{server.url}/supervisor/settings")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"


async def _script_receipt_summary(app, pilot) -> tuple[str, str, str]:
    """The first stop's script opening, the receipt of a cash payment, the day's summary."""
    await pilot.press("enter", "p")
    await pilot.pause()
    script = text_of(app, "#script-intro")
    await pilot.press("escape", "o")
    await pilot.pause()
    form = app.screen
    form.query_one("#outcome").value = "paid"
    await pilot.pause()
    form.query_one("#amount").value = "100"
    form.query_one("#method").value = "cash"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ReceiptScreen)
    receipt = text_of(app, "#receipt")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("escape", "d")
    await pilot.pause()
    return script, receipt, text_of(app, "#summary-cash")


def test_the_lender_set_at_head_office_is_on_the_laptop_after_a_sync(
    laptop, engine, today, monkeypatch
):
    monkeypatch.setenv("FIELDAPP_TODAY", f"{today.isoformat()}T10:00")
    sync_once(laptop)  # before head office named a lender: nothing to say yet
    set_setting(engine, "lender.name", "Nordbank A/S")
    set_setting(engine, "lender.address", "Havnegade 1 [b]2. sal")
    set_setting(engine, "lender.phone", "+45 70 12 34 56")
    sync_once(laptop)

    script, receipt, summary = drive(laptop, _script_receipt_summary, language="en")
    assert "Nordbank A/S" in script and "{lender}" not in script
    assert "Issued by   Nordbank A/S" in receipt
    # Head office's text as typed, never read as markup.
    assert "Address   Havnegade 1 [b]2. sal" in receipt
    assert "Phone   +45 70 12 34 56" in receipt
    assert "Collected: what to deposit with Nordbank A/S" in summary

    set_setting(engine, "lender.name", None)
    sync_once(laptop)
    store = Store(laptop)
    try:
        found = lender(store.published_content("lender"))
    finally:
        store.close()
    assert found.name is None and found.phone == "+45 70 12 34 56"


def test_a_laptop_without_a_lender_says_it_neutrally(home: Path):
    store = Store(home)
    assert lender(store.published_content("lender")).name == DEMO_LENDER["lender.name"]
    # As a laptop that synced before head office had settings has it.
    store.db.execute("DELETE FROM content WHERE kind = 'lender'")
    store.close()

    script, receipt, summary = drive(home, _script_receipt_summary, language="en")
    # The first stop's script is Danish, and says it in Danish on an English screen.
    assert "kommer fra långiveren" in script and "{lender}" not in script
    assert "Issued by   the lender named in your loan agreement" in receipt
    assert "Address" not in receipt and "Phone" not in receipt
    assert "Collected: what to deposit" in summary and "with" not in summary


def test_a_lender_the_laptop_cannot_read_is_no_lender():
    unreadable = [{"key": "lender", "kind": "lender", "version": 9, "body": '{"name": 7}'}]
    assert lender(unreadable).name is None
    assert lender([]).name is None


def test_a_laptop_of_the_previous_protocol_keeps_syncing_without_the_lender(server, world, engine):
    """Protocol 2 laptops refuse a content kind they do not know: they are not sent it."""
    set_setting(engine, "lender.name", "Nordbank A/S")

    def kinds(protocol: int) -> set[str]:
        answer = httpx.post(
            f"{server.url}/sync/pull",
            json={"protocol": protocol, "cursor": ""},
            headers={"Authorization": f"Bearer {world['Mette']}"},
        )
        assert answer.status_code == 200, answer.text
        return {item["kind"] for item in answer.json()["content"]}

    assert "lender" in kinds(3)
    assert "lender" not in kinds(2)
