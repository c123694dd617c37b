"""Recording a contact the policy judges: refused with its rules, or saved with a reason and
reviewed; head office judges every push again with what every collector did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from tests.conftest import DAY, sqlite_only
from tests.helpers import laptop_abroad

# The laptop is under test here; head office runs on SQLite (its own tests use both).
db_url = pytest.fixture(sqlite_only, name="db_url")

SUNDAY = "2026-11-22"  # the day before the pinned Monday


@pytest.fixture
def abroad(tmp_path: Path, engine, server) -> Path:
    """Mette's laptop, synced, on the pinned day: DK-1 in Denmark, CN-1 in China, EN-1 in
    Chicago."""
    return laptop_abroad(tmp_path, engine, server.url, DAY)


def record(home: Path, account: str, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(fieldapp, ["--home", str(home), "record", account, *args])
    return done.exit_code, done.output


def saved(home: Path, account: str) -> list[dict]:
    store = Store(home)
    try:
        return [
            {"outcome": o.outcome, **o.details.model_dump(exclude_none=True)}
            for o in store.outcomes_for_account(account)
            if not o.from_head_office
        ]
    finally:
        store.close()


def test_a_sunday_visit_in_denmark_is_refused_with_every_rule(abroad):
    code, out = record(abroad, "DK-1", "--outcome", "not_home", "--at", f"{SUNDAY}T11:00")
    assert code == 3
    assert "blocked: window.day: no visits on Sunday" in out
    assert "blocked: notice.missing: " in out  # no written notice either
    assert 'record it with --override "why"' in out
    assert saved(abroad, "DK-1") == []


def test_an_override_saves_what_happened_with_the_rules_it_broke(abroad):
    why = "the borrower asked me to come on Sunday"
    code, out = record(
        abroad, "DK-1", "--outcome", "not_home", "--at", f"{SUNDAY}T11:00", "--override", why
    )
    assert code == 0, out
    [outcome] = saved(abroad, "DK-1")
    assert outcome["override"] == why
    assert outcome["overridden"] == ("window.day", "notice.missing")
    assert outcome["happened_at"].isoformat() == f"{SUNDAY}T11:00:00+01:00"


def test_no_answer_is_a_phone_attempt_and_counts_toward_the_cap(abroad):
    code, out = record(abroad, "CN-1", "--outcome", "no_answer")
    assert code == 1 and "--channel: must be phone for no_answer" in out
    # Six unanswered calls in a borrower's day is China's most (17:00 in Shanghai now).
    for minute in range(6):
        at = f"{DAY}T16:{minute:02d}"
        code, out = record(
            abroad, "CN-1", "--outcome", "no_answer", "--channel", "phone", "--at", at
        )
        assert code == 0, out
    code, out = record(abroad, "CN-1", "--outcome", "no_answer", "--channel", "phone")
    assert code == 3
    assert "blocked: cap.phone.unanswered: 6 unanswered calls today (at most 6)" in out
    # A visit is another channel, with caps of its own.
    code, out = record(abroad, "CN-1", "--outcome", "not_home")
    assert code == 0, out


def test_a_us_conversation_needs_the_disclosure(abroad):
    noon = ("--at", f"{SUNDAY}T12:00")  # Sunday noon in Chicago: inside the window
    promise = ("--outcome", "promise", "--amount", "100", "--promise-date", "2026-11-30")
    code, out = record(abroad, "EN-1", *promise, *noon)
    assert code == 3 and "blocked: disclosure.missing: " in out
    code, out = record(abroad, "EN-1", *promise, *noon, "--disclosure-given")
    assert code == 0, out
    # At 03:00 in Chicago (10:00 in Copenhagen) the window is closed, disclosure or not.
    code, out = record(abroad, "EN-1", *promise, "--disclosure-given")
    assert code == 3 and "blocked: window.hours: visits only 08:00–21:00 on Monday" in out


def test_a_locate_only_person_never_hears_of_the_debt(abroad):
    # In the US a relative may be asked once where the borrower is, and no more.
    noon = ("--at", f"{SUNDAY}T12:00")
    asked = ("--outcome", "third_party", "--contact-who", "relative", "--note", "lives abroad")
    code, out = record(abroad, "EN-1", *asked, *noon)
    assert code == 0, out
    code, out = record(abroad, "EN-1", *asked, "--at", f"{SUNDAY}T13:00")
    assert code == 3 and "blocked: role.once: " in out
    code, out = record(
        abroad, "EN-1", "--outcome", "promise", "--amount", "10", "--promise-date", "2026-11-30",
        "--role", "neighbour", *noon,
    )  # fmt: skip
    assert code == 3 and "blocked: role.locate: " in out


def test_a_moment_in_the_future_or_long_ago_is_refused(abroad):
    code, out = record(abroad, "EN-1", "--outcome", "not_home", "--at", f"{DAY}T23:00+01:00")
    assert code == 1 and "--at: is in the future" in out
    code, out = record(abroad, "EN-1", "--outcome", "not_home", "--at", "2026-11-01T10:00")
    assert code == 1 and "--at: is more than 7 days ago" in out


def test_the_route_says_which_stops_may_be_visited_now(abroad):
    done = CliRunner().invoke(fieldapp, ["--home", str(abroad), "route", "--json"])
    stops = {s["account_id"]: s for s in json.loads(done.output)}
    # Denmark: no visit notice on record; Chicago: 03:00 there, open from 08:00.
    assert stops["DK-1"]["blocks"] == ["notice.missing"]
    assert stops["DK-1"]["visit_from"] is None
    assert stops["EN-1"]["blocks"] == ["window.hours"]
    assert stops["EN-1"]["visit_from"] == f"{DAY}T08:00:00-06:00"
    assert stops["CN-1"]["may_visit_now"] is True
    text = CliRunner().invoke(fieldapp, ["--home", str(abroad), "route"]).output
    assert "notice.missing" in text and "from 08:00" in text and " now " in text
