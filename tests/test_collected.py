"""Money collected, as supervisors read it: in the field, by bank, and both, per currency.

A field cash payment and a bank payment from a payment file on the same day show
apart and added up in the API, the `headoffice numbers` command and the console.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import enroll_laptop, sync_once
from headoffice.work import portfolio, roster, supervisors
from tests.console_office import console_for, drive, settle, table_rows
from tests.helpers import run, three_borrowers, write_portfolio

DAY = date(2026, 11, 23)
# Paid at the door: DK-1 in cash, CN-1 in cash.
FIELD = {"DK-1": "120.50", "CN-1": "150.00"}
# Core banking's file: DK-1 and CN-1 the same day, EN-1 the day before anyone had it.
BANK = (
    "account_id,amount,currency,paid_on,reference\n"
    f"DK-1,300.00,DKK,{DAY},B-1\n"
    f"CN-1,88.00,CNY,{DAY},B-2\n"
    f"EN-1,20.00,GBP,{DAY - timedelta(days=1)},B-3\n"
)
METTE = {
    "collected_field": {"CNY": 15000, "DKK": 12050},
    "collected_bank": {"CNY": 8800, "DKK": 30000},
    "collected": {"CNY": 23800, "DKK": 42050},
}
UNASSIGNED = {"collected_field": {}, "collected_bank": {"GBP": 2000}, "collected": {"GBP": 2000}}
TOTAL = {
    "collected_field": {"CNY": 15000, "DKK": 12050},
    "collected_bank": {"CNY": 8800, "DKK": 30000, "GBP": 2000},
    "collected": {"CNY": 23800, "DKK": 42050, "GBP": 2000},
}


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    """The laptop, head office and the commands all live on DAY (set before the server starts)."""
    monkeypatch.setenv("FIELDAPP_TODAY", f"{DAY.isoformat()}T10:00")
    monkeypatch.setenv("HEADOFFICE_TODAY", DAY.isoformat())


@pytest.fixture
def paid(tmp_path, engine, server, boss):
    """Mette's field payments synced and the bank's file loaded; Mette works in UTC, so her
    day is head office's at any hour. 45 days past due on DAY: every account is middle."""
    due = (DAY - timedelta(days=45)).isoformat()
    rows = three_borrowers(**{a: {"oldest_due_date": due} for a in ("DK-1", "CN-1", "EN-1")})
    accounts = portfolio.read_portfolio(write_portfolio(tmp_path / "portfolio.csv", rows))
    portfolio.import_accounts(engine, accounts)
    token = roster.add_collector(engine, "Mette", "da", "UTC")
    roster.assign(engine, "Mette", DAY, ["DK-1", "CN-1", "EN-1"])
    home = tmp_path / "laptop"
    enroll_laptop(home, server.url, token, "Mette's laptop")
    sync_once(home)
    store = Store(home)
    for account, amount in FIELD.items():
        fields = {"outcome": "paid", "amount": amount, "method": "cash"}
        record_outcome(store, store.visit_for_account(account, DAY), fields)
    store.close()
    sync_once(home)
    assert boss.post("/supervisor/payments", content=BANK).json() == {"new": 3, "already_known": 0}


def money(figures: dict) -> dict:
    return {key: figures[key] for key in ("collected_field", "collected_bank", "collected")}


@pytest.mark.usefixtures("paid")
def test_the_api_shows_field_and_bank_money_apart_and_added_up(boss):
    by_collector = boss.get("/supervisor/numbers").json()
    # A bank payment counts for the collector whose route had the account by the day it
    # was paid; EN-1's came the day before it was on anyone's route.
    assert [(r["key"], money(r)) for r in by_collector["rows"]] == [
        ("Mette", METTE),
        ("unassigned", UNASSIGNED),
    ]
    assert money(by_collector["total"]) == TOTAL
    stages = boss.get("/supervisor/numbers", params={"by": "stage"}).json()
    [middle] = [r for r in stages["rows"] if r["collected"]]
    assert (middle["key"], money(middle)) == ("middle", TOTAL)
    days = boss.get("/supervisor/numbers", params={"by": "day"}).json()
    assert [(r["key"], r["visits"], money(r)) for r in days["rows"]] == [
        ((DAY - timedelta(days=1)).isoformat(), 0, UNASSIGNED),
        (DAY.isoformat(), 2, METTE),
    ]
    # A period from DAY leaves out the bank payment of the day before.
    later = boss.get("/supervisor/numbers", params={"since": DAY.isoformat()}).json()
    assert money(later["total"]) == METTE


@pytest.mark.usefixtures("paid")
def test_the_numbers_command_labels_each_column(db_url):
    lines = run("headoffice", "numbers", "--db", db_url).stdout.splitlines()
    # The last three columns: field, bank, and the two added up.
    cells = {line.split()[0]: re.split(r"\s{2,}", line.strip())[-3:] for line in lines}
    assert cells["collector"] == ["field", "bank", "collected"]
    assert cells["Mette"] == [
        "CN¥150.00, DKK\xa0120.50",
        "CN¥88.00, DKK\xa0300.00",
        "CN¥238.00, DKK\xa0420.50",
    ]
    assert cells["unassigned"] == ["-", "£20.00", "£20.00"]
    assert cells["total"] == [
        "CN¥150.00, DKK\xa0120.50",
        "CN¥88.00, DKK\xa0300.00, £20.00",
        "CN¥238.00, DKK\xa0420.50, £20.00",
    ]


@pytest.mark.usefixtures("paid", "own_settings")
def test_the_console_shows_field_bank_and_total_a_currency_a_line(server, engine):
    token = supervisors.add_supervisor(engine, "Bo")

    async def steps(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        return table_rows(app, "#numbers-table")

    rows = drive(console_for((server, token, engine)), steps)
    # Collector, visits, contact rate, then the money: field, bank, total.
    assert {row[0]: row[3:6] for row in rows} == {
        "Mette": [
            "CN¥150.00\nDKK\xa0120.50",
            "CN¥88.00\nDKK\xa0300.00",
            "CN¥238.00\nDKK\xa0420.50",
        ],
        "unassigned": ["–", "£20.00", "£20.00"],
        # Field + bank = total on each currency's line; "–" where a part has none of it.
        "Total": [
            "CN¥150.00\nDKK\xa0120.50\n–",
            "CN¥88.00\nDKK\xa0300.00\n£20.00",
            "CN¥238.00\nDKK\xa0420.50\n£20.00",
        ],
    }
