"""Holds and notices: placed at head office (API and CLI), they reach the laptop at its next
sync and decide there, offline; a dispute from the field holds its account at once."""

from __future__ import annotations

import json

import httpx
from click.testing import CliRunner

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.cli import main as headoffice
from headoffice.compliance.holds import holds_in_force
from sync.protocol import PROTOCOL_VERSION
from tests.conftest import DAY
from tests.test_check_contact import check, countries  # noqa: F401 (a fixture)

MONDAY_10 = "2026-11-30T10:00"


def test_a_hold_reaches_the_laptop_and_a_release_lifts_it(countries, boss):  # noqa: F811
    assert check(countries, "EN-1", "--channel", "phone", "--at", MONDAY_10)[0] == 0
    placed = boss.post(
        "/supervisor/accounts/EN-1/holds", json={"reason": "cease", "note": "letter of 20 Nov"}
    )
    assert placed.status_code == 201, placed.text
    assert [(h["reason"], h["placed_by"]) for h in placed.json()] == [("cease", "Anna")]
    # Offline until the next sync: the laptop decides by what it last pulled.
    assert check(countries, "EN-1", "--channel", "phone", "--at", MONDAY_10)[0] == 0
    sync_once(countries)
    code, out = check(countries, "EN-1", "--channel", "phone", "--at", MONDAY_10)
    assert code == 3 and out.startswith("blocked: hold.cease: the borrower asked for contact")
    assert "next allowed" not in out
    released = boss.post("/supervisor/accounts/EN-1/holds/cease/release", json={"note": "ok"})
    assert released.status_code == 200 and released.json() == []
    sync_once(countries)
    assert check(countries, "EN-1", "--channel", "phone", "--at", MONDAY_10)[0] == 0


def test_a_visit_notice_opens_a_danish_door(countries, boss):  # noqa: F811
    monday = f"{DAY}T10:00"
    code, out = check(countries, "DK-1", "--channel", "visit", "--at", monday)
    assert code == 3 and "notice.missing" in out
    sent = boss.post(
        "/supervisor/accounts/DK-1/notices", json={"kind": "visit_notice", "sent_on": "2026-11-21"}
    )
    assert sent.status_code == 201, sent.text
    sync_once(countries)
    code, out = check(countries, "DK-1", "--channel", "visit", "--at", monday, "--json")
    answer = json.loads(out)
    assert [b["rule"] for b in answer["blocks"]] == ["notice.recent"]
    assert answer["next_allowed"] == "2026-11-24T08:00:00+01:00"
    assert check(countries, "DK-1", "--channel", "visit", "--at", "2026-11-24T10:00")[0] == 0


def test_a_dispute_from_the_field_holds_the_account_at_head_office(countries, engine):  # noqa: F811
    store = Store(countries)
    try:
        visit = store.visit_for_account("CN-1")
        record_outcome(store, visit, {"outcome": "dispute", "dispute_reason": "never borrowed"})
    finally:
        store.close()
    # Held on the laptop at once, before any sync.
    assert check(countries, "CN-1", "--channel", "phone")[1].startswith("blocked: hold.dispute")
    sync_once(countries)
    [held] = holds_in_force(engine, "CN-1")
    assert (held["reason"], held["note"], held["placed_by"]) == (
        "dispute",
        "never borrowed",
        "Mette",
    )
    # And on the laptop from head office now, as pulled.
    store = Store(countries)
    try:
        assert store.contact_state("CN-1")[0][0]["reason"] == "dispute"
    finally:
        store.close()


def test_refusals_say_what_and_change_nothing(countries, boss, engine):  # noqa: F811
    def post(path: str, body: dict) -> httpx.Response:
        return boss.post(f"/supervisor/accounts/{path}", json=body)

    assert post("NOPE/holds", {"reason": "cease"}).status_code == 404
    assert post("DK-1/holds", {"reason": "tired"}).status_code == 422
    assert post("DK-1/holds", {"reason": "attorney"}).status_code == 201
    again = post("DK-1/holds", {"reason": "attorney"})
    assert again.status_code == 409 and "already on hold (attorney)" in again.json()["detail"]
    none = post("DK-1/holds/cease/release", {})
    assert none.status_code == 404 and "not on hold (cease)" in none.json()["detail"]
    future = post("DK-1/notices", {"kind": "visit_notice", "sent_on": "2099-01-01"})
    assert future.status_code == 409 and future.json()["field"] == "sent_on"
    assert post("DK-1/notices", {"kind": "fax", "sent_on": "2026-11-01"}).status_code == 422
    assert [h["reason"] for h in holds_in_force(engine, "DK-1")] == ["attorney"]


def test_the_commands_hold_release_and_record_a_notice(countries, db_url):  # noqa: F811
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(headoffice, [*args, "--db", db_url])
        return result.exit_code, result.output

    assert run("hold", "EN-1", "--reason", "vulnerable", "--note", "bereaved") == (
        0,
        "EN-1 is on hold (vulnerable); laptops get it at their next sync\n",
    )
    code, out = run("hold", "EN-1", "--reason", "vulnerable")
    assert code == 1 and "EN-1 is already on hold (vulnerable)" in out
    assert run("release", "EN-1", "--reason", "vulnerable", "--note", "family says call")[0] == 0
    code, out = run("release", "EN-1", "--reason", "vulnerable")
    assert code == 1 and "not on hold" in out
    code, out = run("notice", "record", "DK-1", "--kind", "visit_notice", "--sent-on", "2026-11-20")
    assert (code, out) == (0, "visit_notice sent on 2026-11-20 recorded for DK-1\n")
    code, out = run("notice", "record", "DK-1", "--kind", "visit_notice", "--sent-on", "someday")
    assert code == 2 and "--sent-on" in out
    sync_once(countries)
    assert check(countries, "DK-1", "--channel", "visit", "--at", MONDAY_10)[0] == 0


def test_an_older_laptop_gets_no_holds_it_could_not_read(countries, server, engine):  # noqa: F811
    from headoffice.work.holds import place_hold

    place_hold(engine, "DK-1", "cease", "", "Anna")
    store = Store(countries)
    token = store.setting("device_token")
    store.close()
    pages = {}
    for protocol in (3, PROTOCOL_VERSION):
        answer = httpx.post(
            f"{server.url}/sync/pull",
            json={"protocol": protocol, "cursor": "", "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        pages[protocol] = answer.json()
    assert "contact" not in pages[3] or pages[3]["contact"] == []
    held = {c["account_id"]: c["holds"] for c in pages[PROTOCOL_VERSION]["contact"]}
    assert [h["reason"] for h in held["DK-1"]] == ["cease"]
