"""The numbers of a small portfolio worked out by hand: promises and plans judged instalment by
instalment (partly kept ones for what was paid, replaced ones never broken), and the share of
door visits with a GPS fix and within the policy's distance of the address.

Mette works on DAY, every outcome saved with the position the test gives:

    DK-1  plan, 400.00 DKK in 4 weekly parts from DAY+7   fix at the door        (measured, near)
    CN-1  promise, 500.00 CNY by DAY+5                    fix 3 km away          (measured, far)
    CN-1  a call, no answer                               fix, but not a visit   (not counted)
    EN-1  promise, 80.00 GBP by DAY+3                     fix; no coordinates    (not measured)
    EN-1  promise, 80.00 GBP by DAY+3, replacing it       no fix

The bank's file then brings DK-1 100.00 on DAY+6 and 50.00 on DAY+13, CN-1 200.00 on DAY+2
and EN-1 80.00 on DAY+3. Judged on DAY+25:

    DK-1  part 1 kept (100.00), part 2 partly kept (50.00 of 100.00: the 100.00 went to
          part 1), part 3 broken (nothing left by DAY+21), part 4 open (due DAY+28)
    CN-1  partly kept, 200.00 of 500.00
    EN-1  the first replaced (not broken), the second kept
"""

from __future__ import annotations

import json
import math
import re
from datetime import timedelta
from pathlib import Path

import pytest

from fieldapp.recording import record_outcome
from fieldapp.syncing import sync_once
from fieldcore.location import EARTH_RADIUS_M, Fix, FixResult
from headoffice.oversight.numbers import breakdown
from headoffice.work.payments import import_payments
from headoffice.work.supervisors import add_supervisor
from tests.conftest import DAY
from tests.console_office import console_for, drive, settle, table_rows
from tests.helpers import HEADER, cli, three_borrowers, write_portfolio

DOOR = (55.6761, 12.5683)
FAR = (DOOR[0] + math.degrees(3000 / EARTH_RADIUS_M), DOOR[1])  # 3 km north
LATER = DAY + timedelta(days=25)
BANK = (
    "account_id,amount,currency,paid_on,reference\n"
    f"DK-1,100.00,DKK,{DAY + timedelta(days=6)},B-1\n"
    f"DK-1,50.00,DKK,{DAY + timedelta(days=13)},B-2\n"
    f"CN-1,200.00,CNY,{DAY + timedelta(days=2)},B-3\n"
    f"EN-1,80.00,GBP,{DAY + timedelta(days=3)},B-4\n"
)
# Mette's figures judged on LATER, worked out above.
JUDGED = {
    "visits": 5,
    "contacts": 4,
    "door_visits": 4,
    "visits_with_fix": 3,
    "visits_measured": 2,
    "visits_within_distance": 1,
    "promises_taken": 3,
    "promises_kept": 1,
    "promises_partly_kept": 1,
    "promises_broken": 0,
    "plans_taken": 1,
    "instalments_due": 5,
    "instalments_kept": 2,
    "instalments_partly_kept": 2,
    "instalments_broken": 1,
    "instalments_open": 1,
    "instalments_replaced": 1,
    "amount_due": {"CNY": 50000, "DKK": 30000, "GBP": 8000},
    "amount_kept": {"CNY": 20000, "DKK": 15000, "GBP": 8000},
    "amount_open": {"DKK": 10000},
}


def at(spot: tuple[float, float]):
    """A receiver that answers with a fix at `spot`, as gpsd would."""
    return lambda now: FixResult.fixed(Fix(lat=spot[0], lon=spot[1], fixed_at=now, mode=3))


@pytest.fixture
def portfolio_file(tmp_path: Path) -> Path:
    where = {"lat": str(DOOR[0]), "lon": str(DOOR[1])}
    rows = three_borrowers(**{"DK-1": where, "CN-1": where})
    return write_portfolio(tmp_path / "portfolio.csv", rows, [*HEADER, "lat", "lon"])


@pytest.fixture
def worked(store, laptop, engine, monkeypatch):
    """The portfolio's day in the field synced, and the bank's file read on LATER."""
    due = {days: (DAY + timedelta(days=days)).isoformat() for days in (3, 5, 7)}
    nowhere = lambda now: FixResult.without("no_fix", "no satellites in view")  # noqa: E731
    for account, fields, locate in (
        ("DK-1", {"outcome": "plan", "amount": "400.00", "instalments": "4", "every": "week",
                  "first_date": due[7]}, at(DOOR)),
        ("CN-1", {"outcome": "promise", "amount": "500.00", "promise_date": due[5]}, at(FAR)),
        ("CN-1", {"outcome": "no_answer", "channel": "phone"}, at(FAR)),
        ("EN-1", {"outcome": "promise", "amount": "80.00", "promise_date": due[3]}, at(FAR)),
        ("EN-1", {"outcome": "promise", "amount": "80.00", "promise_date": due[3]}, nowhere),
    ):  # fmt: skip
        record_outcome(store, store.visit_for_account(account), fields, locate=locate)
    assert sync_once(laptop).refused == 0
    # The server keeps DAY; this process reads the file as head office does on LATER.
    monkeypatch.setenv("HEADOFFICE_TODAY", LATER.isoformat())
    assert import_payments(engine, BANK).new == 4


def test_partly_kept_plans_and_promises_count_for_what_was_paid(worked, engine):
    found = breakdown(engine, DAY, DAY, LATER)
    [mette] = found["collector"]
    assert mette.key == "Mette"
    assert {name: getattr(mette, name) for name in JUDGED} == JUDGED
    assert mette.kept_share == {"CNY": 0.4, "DKK": 0.5, "GBP": 1.0}
    assert (mette.fix_rate, mette.within_distance_rate) == (0.75, 0.5)
    # Counted where and when they were made: 45 days past due on DAY is middle.
    [middle] = [f for f in found["stage"] if f.promises_taken]
    assert (middle.key, middle.instalments_due, middle.amount_kept) == (
        "middle",
        5,
        JUDGED["amount_kept"],
    )
    assert [(f.key, f.plans_taken) for f in found["day"]] == [(DAY.isoformat(), 1)]
    # An arrangement made before the period is not the period's, though paid in it.
    after = breakdown(engine, DAY + timedelta(days=1), LATER, LATER)["collector"]
    assert [(f.key, f.promises_taken, f.instalments_due) for f in after] == [("unassigned", 0, 0)]


def test_the_command_shows_the_judgement_as_json_csv_and_a_table(worked, db_url):
    later = {"HEADOFFICE_TODAY": LATER.isoformat()}
    period = ("--db", db_url, "--since", DAY.isoformat(), "--until", DAY.isoformat())
    shown = json.loads(cli("headoffice", "numbers", *period, "--format", "json", env=later).stdout)
    [mette] = shown["rows"]
    assert {name: mette[name] for name in JUDGED} == JUDGED
    assert mette["kept_share"] == {"CNY": 0.4, "DKK": 0.5, "GBP": 1.0}
    assert (mette["fix_rate"], mette["within_distance_rate"]) == (0.75, 0.5)
    assert shown["total"]["amount_kept"] == JUDGED["amount_kept"]
    sheet = cli("headoffice", "numbers", *period, "--format", "csv", env=later).stdout
    header, row, total = (line.split(",") for line in sheet.splitlines())
    cells = dict(zip(header, row, strict=True))
    assert (cells["collector"], cells["instalments_partly_kept"]) == ("Mette", "2")
    assert (cells["amount_kept_DKK"], cells["amount_due_CNY"], cells["kept_share_CNY"]) == (
        "150.00",
        "500.00",
        "0.4",
    )
    assert (cells["fix_rate"], cells["within_distance_rate"]) == ("0.75", "0.5")
    assert total[0] == "total"
    lines = cli("headoffice", "numbers", *period, env=later).stdout.splitlines()
    table = {line.split()[0]: line.split() for line in lines}
    heads = table["collector"]
    counts = dict(zip(heads[1:14], table["Mette"][1:14], strict=True))
    assert counts == {
        "visits": "5", "contact": "80%", "fix": "75%", "near": "50%", "promises": "3",
        "plans": "1", "due": "5", "kept": "2", "partly": "2", "broken": "1", "open": "1",
        "breaches": "0", "overrides": "0",
    }  # fmt: skip
    kept = re.split(r"\s{2,}", lines[1].strip())[-4]
    assert kept == "CN¥200.00 (40%), DKK\xa0150.00 (50%), £80.00 (100%)"


@pytest.mark.usefixtures("worked", "own_settings")
def test_the_api_and_the_console_show_the_shares_on_heads_offices_day(boss, server, engine):
    # On DAY nothing has fallen due yet, and the bank's payments are still ahead.
    [mette] = boss.get("/supervisor/numbers").json()["rows"]
    assert (mette["instalments_due"], mette["instalments_open"], mette["kept_share"]) == (0, 6, {})
    assert (mette["visits_with_fix"], mette["visits_within_distance"]) == (3, 1)
    assert (mette["fix_rate"], mette["within_distance_rate"]) == (0.75, 0.5)

    async def steps(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        return table_rows(app, "#numbers-table")

    token = add_supervisor(engine, "Bo")
    rows = {row[0]: row for row in drive(console_for((server, token, engine)), steps)}
    # Collector, visits, contact rate; field, bank and total collected, amount kept
    # (nothing due, so none to show); promises, plans, instalments due; kept, partly kept,
    # broken, open; with fix and within distance.
    mette = rows["Mette"]
    assert mette[:3] + mette[6:10] == ["Mette", "5", "80%", "–", "3", "1", "0"]
    assert mette[14:16] == ["75%", "50%"]
