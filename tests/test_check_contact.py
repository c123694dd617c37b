"""`fieldapp check`: the account's country picks its policy at head office's import, the
laptop learns it at sync, and judges a contact offline in the borrower's time."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldcore.accounts import parse_row
from fieldcore.errors import FieldErrors
from tests.conftest import sqlite_only
from tests.helpers import account_row, laptop_abroad

# The laptop is under test here; head office runs on SQLite (its own tests use both).
db_url = pytest.fixture(sqlite_only, name="db_url")

# Any week will do: the days are pinned, whatever today is.
MONDAY = date(2026, 11, 30)


@pytest.fixture
def countries(tmp_path: Path, engine, server) -> Path:
    """Mette's laptop, synced, with DK-1 in Denmark, CN-1 in China and EN-1 in Chicago."""
    return laptop_abroad(tmp_path, engine, server.url, MONDAY)


def check(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(fieldapp, ["--home", str(home), "check", *args])
    return result.exit_code, result.output


def test_the_country_reaches_the_laptop_and_picks_the_policy(countries):
    store = Store(countries)
    try:
        assert [store.account(a).country for a in ("DK-1", "CN-1", "EN-1")] == ["DK", "CN", "US"]
    finally:
        store.close()
    code, out = check(countries, "DK-1", "--channel", "visit", "--at", "2026-12-06T11:00", "--json")
    answer = json.loads(out)
    assert code == 3 and answer["policy"] == "dk"
    assert [b["rule"] for b in answer["blocks"]] == ["window.day", "notice.missing"]


def test_a_sunday_in_aarhus_is_blocked_with_its_reasons_in_the_collectors_language(countries):
    store = Store(countries)
    store.set_settings(ui_language="da")
    store.close()
    code, out = check(countries, "DK-1", "--channel", "phone", "--at", "2026-12-06T11:00")
    assert code == 3
    assert out.splitlines() == [
        "blocked: window.day: ingen opkald om søndagen",
        "next allowed: 2026-12-07 08:00 (Europe/Copenhagen)",
    ]


def test_a_call_to_shanghai_at_half_past_ten_at_night_is_blocked(countries):
    code, out = check(countries, "CN-1", "--channel", "phone", "--at", "2026-12-02T22:30")
    assert code == 3
    assert out.splitlines() == [
        "blocked: window.hours: calls only 08:00–22:00 on Wednesday",
        "next allowed: 2026-12-03 08:00 (Asia/Shanghai)",
    ]
    # The same moment from a collector's laptop in Copenhagen, written with its offset.
    code, out = check(countries, "CN-1", "--channel", "phone", "--at", "2026-12-02T15:30+01:00")
    assert code == 3 and out.startswith("blocked: window.hours")


def test_chicago_is_judged_on_chicagos_clock(countries):
    # 14:30 in Copenhagen is 07:30 in Chicago: too early there.
    code, out = check(countries, "EN-1", "--channel", "phone", "--at", "2026-12-01T14:30+01:00")
    assert code == 3 and "next allowed: 2026-12-01 08:00 (America/Chicago)" in out
    code, out = check(countries, "EN-1", "--channel", "phone", "--at", "2026-12-01T15:30+01:00")
    assert (code, out) == (0, "allowed\n")
    code, out = check(countries, "EN-1", "--channel", "phone", "--role", "spouse")
    assert code in (0, 3) and "role" not in out, "the spouse counts as the consumer in the US"


def test_a_dispute_recorded_in_the_field_holds_the_account(countries):
    store = Store(countries)
    try:
        from fieldapp.recording import record_outcome

        visit = store.visit_for_account("EN-1")
        # Sunday noon in Chicago, with the disclosure: a lawful conversation.
        said = {"outcome": "dispute", "dispute_reason": "paid in March", "disclosure": True}
        record_outcome(store, visit, said | {"happened_at": "2026-11-22T12:00"})
    finally:
        store.close()
    code, out = check(
        countries, "EN-1", "--channel", "visit", "--at", str(MONDAY + timedelta(days=1)) + "T12:00"
    )
    assert code == 3 and out.startswith("blocked: hold.dispute: ")
    assert "next allowed" not in out


def test_bad_input_gets_a_clear_error(countries):
    code, out = check(countries, "NOPE-1", "--channel", "visit")
    assert code == 1 and "NOPE-1 is not on this laptop's route" in out
    code, out = check(countries, "DK-1", "--channel", "visit", "--at", "tomorrow")
    assert code == 2 and "'tomorrow' is not a moment" in out
    code, out = check(countries, "DK-1", "--channel", "fax")
    assert code == 2 and "fax" in out


def test_a_country_that_does_not_exist_is_refused_at_import():
    row = account_row("DK-9") | {"country": "XZ"}
    with pytest.raises(FieldErrors) as refused:
        parse_row(row)
    assert refused.value.errors == {
        "country": "'XZ' is not a country code (write it like DK, US or CN)"
    }
    assert parse_row(account_row("DK-9") | {"country": " "}).country is None
