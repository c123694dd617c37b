"""`fieldapp` on the command line, as a collector runs it, against a real server."""

import json

import pytest

from tests.conftest import sqlite_only
from tests.helpers import run

# The laptop is under test here; head office runs on SQLite (its own tests use both).
db_url = pytest.fixture(sqlite_only, name="db_url")


def test_route_json_lists_the_visits_with_their_fields(laptop):
    env = {"FIELDAPP_HOME": str(laptop)}
    sync = run("fieldapp", "sync", env=env)
    assert "received 3 visit(s)" in sync.stdout
    visits = json.loads(run("fieldapp", "route", "--json", env=env).stdout)
    assert [v["account_id"] for v in visits] == ["DK-1", "CN-1", "EN-1"]
    for field in (
        "visit_id",
        "account_id",
        "sequence",
        "borrower_name",
        "address",
        "overdue_amount",
        "currency",
        "days_past_due",
        "status",
    ):
        assert field in visits[0]
    assert visits[1]["borrower_name"] == "王小明"
    table = run("fieldapp", "route", env=env).stdout
    assert "Søren Ærø" in table and "王小明" in table


def test_sync_with_the_server_down_says_so_in_one_line(laptop, server):
    server.stop()
    result = run("fieldapp", "sync", env={"FIELDAPP_HOME": str(laptop)}, check=False)
    assert result.returncode != 0
    assert "cannot reach head office" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_record_checks_like_the_form_and_saves_nothing_when_wrong(laptop):
    env = {"FIELDAPP_HOME": str(laptop)}
    run("fieldapp", "sync", env=env)
    bad = run(
        "fieldapp",
        "record",
        "DK-1",
        "--outcome",
        "promise",
        "--amount",
        "abc",
        env=env,
        check=False,
    )
    assert bad.returncode != 0
    assert "--amount: 'abc' is not an amount" in bad.stderr
    assert "--promise-date: is required for promise (YYYY-MM-DD)" in bad.stderr
    assert "nothing was changed" in bad.stderr
    visits = json.loads(run("fieldapp", "route", "--json", env=env).stdout)
    assert all(v["status"] == "to do" for v in visits)


def test_record_for_an_account_not_on_the_route(laptop):
    result = run(
        "fieldapp",
        "record",
        "XX-9",
        "--outcome",
        "not_home",
        env={"FIELDAPP_HOME": str(laptop)},
        check=False,
    )
    assert result.returncode != 0
    assert "account XX-9 is not on this laptop's route" in result.stderr


def test_enroll_with_a_wrong_token(server, tmp_path):
    result = run(
        "fieldapp",
        "enroll",
        "--server",
        server.url,
        "--token",
        "wrong-token-123",
        env={"FIELDAPP_HOME": str(tmp_path / "l")},
        check=False,
    )
    assert result.returncode != 0
    assert "enrollment token is not known" in result.stderr


def test_sync_before_enrolling(tmp_path):
    result = run("fieldapp", "sync", env={"FIELDAPP_HOME": str(tmp_path / "l")}, check=False)
    assert result.returncode != 0
    assert "not enrolled" in result.stderr


def test_help_reads_well():
    out = run("fieldapp", "--help").stdout
    for command in ("enroll", "sync", "route", "record", "demo"):
        assert command in out
    assert "import-portfolio" in run("headoffice", "--help").stdout
