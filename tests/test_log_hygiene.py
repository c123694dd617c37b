"""The server's log and exports hold no token, and no borrower data beyond account ids."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from headoffice.cli import main as headoffice
from tests.helpers import account_row, csv_text
from tests.test_sync_api import call, outcome_mutation, pull_all

TODAY = "2026-11-23"
SECRET = {
    "borrower_name": "Secret Borrower Ingrid Holm",
    "address": "Hemmeligvej 13, Roskilde",
    "phone": "+45 99 88 77 66",
}


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    # Before `server`: the server process takes its environment when it starts.
    monkeypatch.setenv("HEADOFFICE_TODAY", TODAY)


def refuse_secret_borrowers(engine) -> str:
    """A fault in the database itself: inserting this borrower fails there, as a real
    statement with the row's values as parameters. Returns what the log should name."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # PostgreSQL's DETAIL then reads "Failing row contains (S-1, Secret ..., ...)".
            conn.exec_driver_sql(
                "ALTER TABLE accounts ADD CONSTRAINT no_secrets "
                "CHECK (left(borrower_name, 6) <> 'Secret')"
            )
            return "SQLSTATE 23514, constraint no_secrets, table accounts"
        conn.exec_driver_sql(
            "CREATE TRIGGER no_secrets BEFORE INSERT ON accounts "
            "WHEN NEW.borrower_name LIKE 'Secret%' "
            "BEGIN SELECT RAISE(ABORT, 'no secret borrowers'); END"
        )
        return "sqlite3.IntegrityError: no secret borrowers"


def test_a_database_error_is_logged_by_route_without_values_or_tokens(
    server, engine, world, boss, db_url
):
    # Every kind of token crosses the wire: the devices' and the supervisor's.
    mette = pull_all(server, world["Mette"])
    pushed = call(
        server,
        "/sync/push",
        {"mutations": [outcome_mutation(mette["visits"][0])]},
        world["Mette"],
    )
    assert pushed.status_code == 200, pushed.text
    named = refuse_secret_borrowers(engine)
    answer = boss.post(
        "/supervisor/portfolio",
        content=csv_text([account_row("S-1", **SECRET)]),
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 500
    assert answer.json()["detail"] == "the server hit an unexpected error"
    server.stop()  # everything it wrote is in the file
    log = server.log.read_text(encoding="utf-8")

    assert log.count("unexpected IntegrityError on POST /supervisor/portfolio") == 1
    assert "Traceback (most recent call last)" in log and named in log
    assert "[SQL: INSERT INTO accounts (account_id, borrower_name" in log
    assert "Exception in ASGI application" not in log  # uvicorn's raw copy is dropped
    supervisor_token = boss.headers["Authorization"].removeprefix("Bearer ")
    for secret in [*SECRET.values(), *world.values(), supervisor_token]:
        assert secret not in log
    for borrower_data in ("Holm", "Hemmeligvej", "99 88", "DETAIL", "Failing row", "parameters:"):
        assert borrower_data not in log
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM accounts")).scalar_one() == 3

    # Exports carry the field's work and the portfolio, never a token.
    for what in ("outcomes", "corrections", "accounts"):
        exported = CliRunner().invoke(headoffice, ["export", what, "--db", db_url])
        assert exported.exit_code == 0, exported.output
        assert not [t for t in [*world.values(), supervisor_token] if t in exported.output]
