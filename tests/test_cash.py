"""Cash that reaches the bank: deposits from the laptop set against the cash receipted, and
what head office says of a deposit short of it or cash held too long."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.syncing import sync_once
from fieldcore.deposits import cash_held, working_days
from tests.conftest import DAY, sqlite_only
from tests.helpers import cli

# Plain reads and writes: SQLite alone keeps the suite inside its minutes.
db_url = pytest.fixture(sqlite_only, name="db_url")


def run(home, *args: str):
    return CliRunner().invoke(fieldapp, ["--home", str(home), *args])


def test_working_days_skip_the_weekend():
    monday = DAY  # 2026-11-23
    assert working_days(monday, monday) == 0
    assert working_days(monday, monday.replace(day=26)) == 3  # Thursday
    assert working_days(monday.replace(day=27), monday.replace(day=30)) == 1  # Fri -> Mon


def test_a_short_deposit_and_cash_held_too_long_reach_the_review_queue(
    laptop, engine, boss, monkeypatch
):
    sync_once(laptop)
    for account, amount in (("DK-1", "500.00"), ("CN-1", "300.00")):
        done = run(laptop, "record", account, "--outcome", "paid", "--amount", amount,
                   "--method", "cash")  # fmt: skip
        assert done.exit_code == 0, done.output
    wrong = run(laptop, "deposit", "--amount", "four hundred", "--currency", "DKK", "--slip", "1")
    assert wrong.exit_code == 1 and "--amount:" in wrong.output and "not saved" in wrong.output
    later = "2026-11-23T16:00:00+00:00"
    done = run(laptop, "deposit", "--amount", "400.00", "--currency", "dkk", "--slip",
               "NB-1", "--at", later)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "DKK" in done.output and "NB-1" in done.output
    assert sync_once(laptop).refused == 0

    monkeypatch.setenv("HEADOFFICE_TODAY", "2026-11-26")  # three working days on
    url = engine.url.render_as_string(hide_password=False)
    rows = json.loads(cli("headoffice", "cash", "--db", url, "--format", "json").stdout)
    found = {r["currency"]: r for r in rows}
    assert (found["DKK"]["receipted_minor"], found["DKK"]["deposited_minor"]) == (50000, 40000)
    assert (found["DKK"]["held_minor"], found["DKK"]["shortfall_minor"]) == (10000, 10000)
    assert found["CNY"]["held_minor"] == 30000 and found["CNY"]["age_working_days"] == 3
    assert found["CNY"]["too_old"] and found["DKK"]["too_old"]
    table = cli("headoffice", "cash", "--db", url).stdout
    assert "over 2 working days" in table and "short by" in table

    answer = boss.get("/supervisor/review")
    assert answer.status_code == 200, answer.text
    queue = [i for i in answer.json() if i["kind"] == "cash"]
    # The server's day is the test's DAY: the deposit's shortfall shows at once ...
    assert [i["summary"].replace("\xa0", " ") for i in queue] == [
        "the deposit of 23 Nov 2026 fell short of the cash taken before it by DKK 100.00"
    ]
    # ... and three working days on, the cash still held too.
    later = cli("headoffice", "review", "--db", url).stdout
    assert "in cash still held, the oldest taken 23 Nov 2026 (3 working days ago)" in later
    short = next(i for i in queue if i["facts"]["short"])
    done = boss.post(f"/supervisor/review/cash/{short['ref']}", json={"note": "slip found"})
    assert done.status_code == 200, done.text
    left = [i for i in boss.get("/supervisor/review").json() if i["kind"] == "cash"]
    assert left == []


def test_a_deposit_covers_the_oldest_cash_first():
    from datetime import UTC, datetime

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=UTC)

    held = cash_held([(at(23, 9), 100), (at(23, 11), 200), (at(24, 9), 50)], [(at(23, 17), 250)])
    assert (held.receipted_minor, held.deposited_minor, held.held_minor) == (350, 250, 100)
    # 50 of the 23rd's cash is still out: the oldest held is from the 23rd, short by 50.
    assert held.oldest_held == at(23, 0).date() and held.shortfall_minor == 50
