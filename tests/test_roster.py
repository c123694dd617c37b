"""Collectors, enrollment tokens, assignment and recall on the head-office database."""

from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from headoffice.cli import main as headoffice
from headoffice.store import tables
from headoffice.work import portfolio, roster

DAY = date(2026, 11, 23)


@pytest.fixture
def loaded(engine, portfolio_file):
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    return engine


def route(engine, name: str, day: date = DAY) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(tables.visits.c.account_id)
            .join(tables.collectors)
            .where(
                tables.collectors.c.name == name,
                tables.visits.c.visit_date == day,
                tables.visits.c.status == "assigned",
            )
            .order_by(tables.visits.c.sequence)
        )
        return [r.account_id for r in rows]


def test_collector_add_prints_the_token_last(db_url):
    result = CliRunner().invoke(
        headoffice, ["collector", "add", "Mette Jensen", "--language", "da", "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 30 and " " not in token


def test_collector_names_are_unique_and_languages_checked(engine):
    roster.add_collector(engine, "Mette")
    with pytest.raises(roster.RosterError, match="already a collector"):
        roster.add_collector(engine, "Mette")
    with pytest.raises(roster.RosterError, match="not one of"):
        roster.add_collector(engine, "Lars", language="de")
    with pytest.raises(roster.RosterError, match="not a time zone"):
        roster.add_collector(engine, "Lars", timezone="Mars/Olympus")


def test_enrollment_tokens_work_once_and_are_stored_hashed(engine):
    token = roster.add_collector(engine, "Mette")
    identity = roster.enroll_device(engine, token, "laptop")
    assert identity["collector"] == "Mette"
    with pytest.raises(roster.RosterError, match="already used"):
        roster.enroll_device(engine, token, "laptop 2")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(tables.enrollments.c.token_hash)).scalars().all()
        devices = conn.execute(sa.select(tables.devices.c.token_hash)).scalars().all()
    assert token not in stored and identity["device_token"] not in devices


def test_assign_keeps_the_order_given(loaded):
    roster.add_collector(loaded, "Mette")
    roster.assign(loaded, "Mette", DAY, ["EN-1", "DK-1", "CN-1"])
    assert route(loaded, "Mette") == ["EN-1", "DK-1", "CN-1"]
    roster.assign(loaded, "Mette", DAY, ["CN-1"])
    assert route(loaded, "Mette") == ["CN-1", "EN-1", "DK-1"]


def test_assign_is_all_or_nothing(loaded):
    roster.add_collector(loaded, "Mette")
    with pytest.raises(roster.RosterError, match=r"unknown account.*NOPE"):
        roster.assign(loaded, "Mette", DAY, ["DK-1", "NOPE"])
    assert route(loaded, "Mette") == []
    with pytest.raises(roster.RosterError, match="no collector"):
        roster.assign(loaded, "Nobody", DAY, ["DK-1"])


def test_assigning_to_another_collector_takes_the_visit_away(loaded):
    roster.add_collector(loaded, "Mette")
    roster.add_collector(loaded, "Lars")
    roster.assign(loaded, "Mette", DAY, ["DK-1", "CN-1"])
    roster.assign(loaded, "Lars", DAY, ["CN-1"])
    assert route(loaded, "Mette") == ["DK-1"]
    assert route(loaded, "Lars") == ["CN-1"]


def test_recall_and_its_refusal(loaded, db_url):
    roster.add_collector(loaded, "Mette")
    roster.assign(loaded, "Mette", DAY, ["DK-1", "CN-1"])
    runner = CliRunner()
    bad = runner.invoke(headoffice, ["recall", "--date", "2026-11-23", "EN-1", "--db", db_url])
    assert bad.exit_code != 0 and "not on any route on 2026-11-23: EN-1" in bad.output
    assert route(loaded, "Mette") == ["DK-1", "CN-1"]
    ok = runner.invoke(headoffice, ["recall", "--date", "2026-11-23", "DK-1", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert route(loaded, "Mette") == ["CN-1"]


def test_cli_date_errors_are_plain(db_url):
    result = CliRunner().invoke(
        headoffice, ["assign", "--collector", "X", "--date", "23/11/2026", "A", "--db", db_url]
    )
    assert result.exit_code == 2
    assert "is not a date like 2026-11-23" in result.output
    assert "Traceback" not in result.output


def test_export_outcomes_csv_has_its_header_even_when_empty(db_url):
    result = CliRunner().invoke(
        headoffice, ["export", "outcomes", "--format", "csv", "--db", db_url]
    )
    header = result.output.splitlines()[0].split(",")
    for column in (
        "id",
        "account_id",
        "collector",
        "outcome",
        "amount",
        "currency",
        "promise_date",
        "method",
        "note",
        "recorded_at",
    ):
        assert column in header
