"""The supervisor API over the real server: roles, portfolio, assignment, payments, numbers."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.store.tables import auth_failures, devices
from headoffice.work import roster, supervisors
from tests.conftest import DAY
from tests.helpers import HEADER, account_row, csv_text, three_borrowers

ENDPOINTS = [
    ("GET", "/supervisor/me", None),
    ("GET", "/supervisor/collectors", None),
    ("POST", "/supervisor/portfolio", "csv"),
    ("POST", "/supervisor/payments", "csv"),
    (
        "POST",
        "/supervisor/assignments",
        {"collector": "Mette", "date": "2026-11-24", "account_ids": ["DK-1"]},
    ),
    ("POST", "/supervisor/recall", {"date": "2026-11-24", "account_ids": ["DK-1"]}),
    (
        "POST",
        "/supervisor/reassign",
        {"from_collector": "Mette", "to_collector": "Lars", "date": "2026-11-24"},
    ),
    ("POST", "/supervisor/revoke", {"collector": "Mette", "wipe": True}),
    ("GET", "/supervisor/board", None),
    ("GET", "/supervisor/team", None),
    ("POST", "/supervisor/publish", None),
    ("GET", "/supervisor/review", None),
    ("POST", "/supervisor/review/dispute/x", {"note": "n"}),
    ("GET", "/supervisor/numbers", None),
]


def call(server_url: str, method: str, path: str, body, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body == "csv":
        return httpx.request(method, server_url + path, content="account_id\n", headers=headers)
    return httpx.request(method, server_url + path, json=body, headers=headers)


def test_only_a_supervisor_token_opens_the_supervisor_api(server, engine, laptop):
    # `laptop` enrolled Mette's laptop: its device token is a real, working one.
    device_token = Store(laptop).setting("device_token")
    enrollment = roster.new_enrollment(engine, "Mette")
    supervisors.add_supervisor(engine, "Former")
    gone = supervisors.add_supervisor(engine, "Gone")
    supervisors.revoke_supervisor(engine, "Gone")
    for method, path, body in ENDPOINTS:
        # Each endpoint's answer to each token, not the block twenty wrong ones make
        # (tests/test_throttle.py): the count starts again for each endpoint.
        with engine.begin() as conn:
            conn.execute(auth_failures.delete())
        for token, status in [
            (None, 401),
            ("not-a-token", 401),
            (enrollment, 401),
            (gone, 401),
            (device_token, 403),
        ]:
            answer = call(server.url, method, path, body, token)
            assert answer.status_code == status, (path, token, answer.text)
            assert answer.json()["detail"]
    # None of them changed anything, and the laptop's token works where it belongs.
    assert sync_once(laptop).visits_received == 3


def test_me_and_collectors(boss, laptop):
    assert boss.get("/supervisor/me").json() == {"name": "Anna", "today": str(DAY)}
    assert boss.get("/supervisor/collectors").json() == [
        {"name": "Mette", "language": "da", "timezone": "Europe/Copenhagen", "laptops": 1}
    ]


def test_revoking_a_collectors_laptops_says_how_many_and_whether_they_wipe(
    boss, engine, laptop, server
):
    store = Store(laptop)
    device_token = store.setting("device_token")
    store.close()
    nobody = boss.post("/supervisor/revoke", json={"collector": "Nobody", "wipe": True})
    assert nobody.status_code == 404, nobody.text
    assert nobody.json()["detail"] == "no collector called 'Nobody'"
    assert nobody.json()["field"] == "collector"
    loose = boss.post("/supervisor/revoke", json={"collector": "Mette", "wipe": "yes"})
    assert loose.status_code == 422 and loose.json()["field"] == "wipe"
    # Neither refusal touched the laptop: it still syncs.
    assert sync_once(laptop).visits_received == 3
    done = boss.post("/supervisor/revoke", json={"collector": "Mette"})
    assert done.json() == {"collector": "Mette", "revoked": 1, "wipe_ordered": False}
    assert boss.get("/supervisor/collectors").json()[0]["laptops"] == 0
    # Revoked without a wipe order: unknown, as a token never issued.
    pull = httpx.post(
        f"{server.url}/sync/pull",
        json={"cursor": "", "protocol": 5},
        headers={"Authorization": f"Bearer {device_token}"},
    )
    assert pull.status_code == 401, pull.text
    # Reported lost after its revocation: a wipe asked for now reaches the revoked laptop,
    # whose next contact is answered with the order; asked again, there is nothing to order.
    again = boss.post("/supervisor/revoke", json={"collector": "Mette", "wipe": True})
    assert again.json() == {"collector": "Mette", "revoked": 0, "wipe_ordered": True}
    with engine.connect() as conn:
        [row] = conn.execute(sa.select(devices.c.revoked_at, devices.c.wipe_ordered_at)).all()
    assert row.revoked_at is not None and row.wipe_ordered_at is not None
    pull = httpx.post(
        f"{server.url}/sync/pull",
        json={"cursor": "", "protocol": 5},
        headers={"Authorization": f"Bearer {device_token}"},
    )
    assert pull.status_code == 410 and pull.json()["code"] == "wipe", pull.text
    third = boss.post("/supervisor/revoke", json={"collector": "Mette", "wipe": True})
    assert third.json() == {"collector": "Mette", "revoked": 0, "wipe_ordered": False}


def test_portfolio_import_summarises_and_refuses_whole(boss):
    rows = three_borrowers()
    first = boss.post("/supervisor/portfolio", content=csv_text(rows))
    assert first.json() == {"new": 3, "updated": 0, "unchanged": 0}
    rows[0]["overdue_amount"] = "1600.00"
    again = boss.post("/supervisor/portfolio", content=csv_text(rows))
    assert again.json() == {"new": 0, "updated": 1, "unchanged": 2}
    bad = [*rows, account_row("X-1", currency="DKX"), account_row("X-2", oldest_due_date="soon")]
    refused = boss.post("/supervisor/portfolio", content=csv_text(bad))
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert any(p.startswith("line 5, column currency") for p in problems), problems
    assert any(p.startswith("line 6, column oldest_due_date") for p in problems), problems
    # Nothing of the refused file landed, not even its good rows' changes.
    board = boss.get("/supervisor/board").json()
    assert board["routes"] == []


def test_bad_bodies_get_a_sentence_naming_the_field(boss):
    answer = boss.post("/supervisor/assignments", json={"collector": "Mette", "date": "someday"})
    assert answer.status_code == 422
    assert "date" in answer.json()["detail"]
    answer = boss.post("/supervisor/assignments", json={"collector": "Mette", "date": "2026-11-24"})
    assert answer.status_code == 422
    assert "say which accounts" in answer.json()["detail"]
    answer = boss.post("/supervisor/portfolio", content=b"\xff\xfe\x00bad")
    assert answer.status_code == 400 and "UTF-8" in answer.json()["detail"]
    answer = boss.get("/supervisor/numbers", params={"since": "2026-11-30", "until": "2026-11-01"})
    # Two well-formed days in the wrong order: a conflict the schema cannot express.
    assert answer.status_code == 409 and "before it starts" in answer.json()["detail"]
    assert answer.json()["field"] == "since"


def regional_portfolio(today: date) -> list[dict]:
    """Six accounts on a line of longitude in two regions, at three stages, out of order."""
    rows = []
    for n, (lat, region, postal, days) in enumerate(
        [
            (55.60, "Zealand", "2100", 10),
            (55.90, "Zealand", "2150", 45),
            (55.70, "Zealand", "2200", 120),
            (56.10, "Jutland", "8000", 10),
            (55.80, "Zealand", "2100", 45),
            (56.00, "Jutland", "8200", 120),
        ]
    ):
        rows.append(
            account_row(
                f"R-{n}",
                lat=str(lat),
                lon="12.0",
                region=region,
                postal_code=postal,
                oldest_due_date=(today - timedelta(days=days)).isoformat(),
            )
        )
    return rows


REGION_HEADER = [*HEADER, "lat", "lon", "region", "postal_code"]


def test_bulk_assignment_by_region_postal_code_and_stage(boss, engine, laptop, today):
    boss.post("/supervisor/portfolio", content=csv_text(regional_portfolio(today), REGION_HEADER))
    day = today.isoformat()

    def assign(**how) -> dict:
        answer = boss.post(
            "/supervisor/assignments", json={"collector": "Mette", "date": day} | how
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert assign(region="jutland")["account_ids"] == ["R-3", "R-5"]
    assert assign(postal_code="21")["account_ids"] == ["R-0", "R-4", "R-1"]
    assert assign(stage="late")["account_ids"] == ["R-2", "R-5"]
    optimised = assign(region="Zealand", optimise=True, start_lat=55.5, start_lon=12.0)
    assert optimised["account_ids"] == ["R-0", "R-2", "R-4", "R-1"]
    assert optimised["km"] == pytest.approx(44.5, abs=0.5)
    nothing = boss.post(
        "/supervisor/assignments", json={"collector": "Mette", "date": day, "region": "Funen"}
    )
    assert nothing.status_code == 404 and "no account matches" in nothing.json()["detail"]
    # A planned day leaves out who may not be visited that day: a hold, a Sunday.
    held = boss.post("/supervisor/accounts/R-2/holds", json={"reason": "bankruptcy"})
    assert held.status_code == 201, held.text
    planned = assign(region="Zealand", optimise=True, start_lat=55.5, start_lon=12.0)
    assert planned["account_ids"] == ["R-0", "R-4", "R-1"]
    assert planned["not_visitable"] == {"R-2": ["hold.bankruptcy"]}
    sunday = (today + timedelta(days=(6 - today.weekday()) % 7)).isoformat()
    closed = boss.post(
        "/supervisor/assignments",
        json={"collector": "Mette", "date": sunday, "region": "Zealand", "optimise": True},
    )
    assert closed.status_code == 409, closed.text
    assert "none of the 4 selected account(s) may be visited" in closed.json()["detail"]


def test_assign_reassign_and_recall_reach_the_laptops(boss, engine, laptop, server, today):
    lars_token = roster.add_collector(engine, "Lars", "da", "Europe/Copenhagen")
    from fieldapp.syncing import enroll_laptop

    lars = laptop.parent / "lars"
    enroll_laptop(lars, server.url, lars_token, "Lars's laptop")
    day = today.isoformat()
    moved = boss.post(
        "/supervisor/assignments", json={"collector": "Lars", "date": day, "account_ids": ["CN-1"]}
    )
    assert moved.status_code == 200
    assert boss.post("/supervisor/recall", json={"date": day, "account_ids": ["EN-1"]}).json() == {
        "recalled": 1
    }
    for home in (laptop, lars):
        sync_once(home)
    assert [s.account_id for s in Store(laptop).route(today)] == ["DK-1"]
    assert [s.account_id for s in Store(lars).route(today)] == ["CN-1"]
    board = {
        r["collector"]: r["stops"]
        for r in boss.get("/supervisor/board", params={"date": day}).json()["routes"]
    }
    assert [s["account_id"] for s in board["Mette"]] == ["DK-1"]
    assert [s["account_id"] for s in board["Lars"]] == ["CN-1"]
    team = boss.get("/supervisor/team", params={"date": day}).json()
    assert [(t["collector"], t["visits"], t["done"]) for t in team] == [
        ("Lars", 1, 0),
        ("Mette", 1, 0),
    ]
    lars = boss.get("/supervisor/board", params={"date": day, "collector": "Lars"}).json()
    assert [r["collector"] for r in lars["routes"]] == ["Lars"]
    nobody = boss.get("/supervisor/board", params={"date": day, "collector": "Nobody"})
    assert nobody.status_code == 404 and "Nobody" in nobody.json()["detail"]
    again = boss.post("/supervisor/recall", json={"date": day, "account_ids": ["EN-1"]})
    assert again.status_code == 404 and "EN-1" in again.json()["detail"]


def test_publish_sends_new_content_once(boss, laptop):
    first = boss.post("/supervisor/publish").json()["published"]
    assert any(item.startswith("scripts/") for item in first)
    assert boss.post("/supervisor/publish").json() == {"published": []}
    sync_once(laptop)
    assert Store(laptop).published_content()


def test_payment_files_are_checked_and_loaded_once(boss, laptop):
    good = "account_id,amount,currency,paid_on,reference\nDK-1,100.00,DKK,2026-11-20,B-1\n"
    assert boss.post("/supervisor/payments", content=good).json() == {"new": 1, "already_known": 0}
    assert boss.post("/supervisor/payments", content=good).json() == {"new": 0, "already_known": 1}
    bad = (
        "account_id,amount,currency,paid_on,reference\n"
        "DK-1,100.00,CNY,2026-11-20,B-2\n"
        "NOPE,1.00,DKK,2026-11-20,B-3\n"
        "DK-1,-5,DKK,2026-11-20,B-4\n"
        "DK-1,5.00,DKK,2026-11-20,B-4\n"
    )
    answer = boss.post("/supervisor/payments", content=bad)
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        "line 2, column currency: the account is in DKK, not CNY",
        "line 3, column account_id: no account 'NOPE' in the portfolio",
        "line 4, column amount: an amount cannot be negative",
    ]
    missing = boss.post("/supervisor/payments", content="account_id,amount\n")
    assert "column currency is missing" in " ".join(missing.json()["problems"])


def test_numbers_by_collector_stage_and_day(boss, engine, store, laptop, today):
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {
            "outcome": "promise",
            "amount": "300.00",
            "promise_date": (today + timedelta(days=5)).isoformat(),
        },
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "paid", "amount": "150.00", "method": "cash"},
    )
    record_outcome(store, store.visit_for_account("EN-1"), {"outcome": "not_home"})
    sync_once(laptop)
    by_collector = boss.get("/supervisor/numbers").json()
    [mette] = by_collector["rows"]
    assert mette["key"] == "Mette"
    assert (mette["visits"], mette["contacts"], mette["promises_taken"]) == (3, 2, 1)
    assert mette["contact_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert mette["promises_kept"] == 0
    assert mette["collected"] == {"CNY": 15000}
    # A payment file brings DK-1's promise in: kept.
    recorded = store.outcomes_for_account("DK-1")[0].recorded_at.date()
    pay = f"account_id,amount,currency,paid_on,reference\nDK-1,300.00,DKK,{recorded},T-1\n"
    boss.post("/supervisor/payments", content=pay)
    assert boss.get("/supervisor/numbers").json()["total"]["promises_kept"] == 1
    stages = boss.get("/supervisor/numbers", params={"by": "stage"}).json()["rows"]
    assert {r["key"]: r["visits"] for r in stages} == {
        "current": 0,
        "early": 0,
        "middle": 3,
        "late": 0,
    }
    days = boss.get("/supervisor/numbers", params={"by": "day"}).json()["rows"]
    assert [r["visits"] for r in days] == [3]
    assert boss.get("/supervisor/numbers", params={"by": "mood"}).status_code == 422


def test_reassigning_moves_only_the_unvisited_stops(boss, engine, store, laptop, server, today):
    from fieldapp.syncing import enroll_laptop

    lars = laptop.parent / "lars"
    enroll_laptop(lars, server.url, roster.add_collector(engine, "Lars", "da", "UTC"), "Lars")
    record_outcome(store, store.visit_for_account("DK-1"), {"outcome": "not_home"})
    sync_once(laptop)
    body = {"from_collector": "Mette", "to_collector": "Lars", "date": today.isoformat()}
    answer = boss.post("/supervisor/reassign", json=body)
    assert answer.json() == {"moved": ["CN-1", "EN-1"]}
    for home in (laptop, lars):
        sync_once(home)
    assert [s.account_id for s in Store(laptop).route(today)] == ["DK-1"]
    assert [s.account_id for s in Store(lars).route(today)] == ["CN-1", "EN-1"]
    again = boss.post("/supervisor/reassign", json=body)
    assert again.status_code == 409 and "no unvisited stops" in again.json()["detail"]
    same = boss.post("/supervisor/reassign", json=body | {"to_collector": "Mette"})
    assert same.status_code == 409


BAD_BODIES = [
    b"",
    b"not json",
    b"[]",
    b'{"collector": 5}',
    b'{"date": "2026-02-30", "account_ids": "DK-1"}',
    b'{"note": ' + b'"x' * 3000 + b'"}',
    b'{"from_collector": null, "to_collector": [], "date": 1}',
    b"\xff\xfe",
]


def test_no_malformed_body_gets_a_server_error(boss):
    """Every POST answers a bad body with a 4xx and a sentence, never a 500 or a change."""
    before = boss.get("/supervisor/board").json()
    # Publishing takes no body: it publishes the library head office ships.
    posts = [path for method, path, _ in ENDPOINTS if method == "POST" and "publish" not in path]
    for path in posts:
        for body in BAD_BODIES:
            answer = boss.post(path, content=body, headers={"Content-Type": "application/json"})
            assert 400 <= answer.status_code < 500, (path, body[:40], answer.text)
            assert answer.json()["detail"], (path, body[:40])
    assert boss.get("/supervisor/board").json() == before
