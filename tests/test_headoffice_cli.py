"""The supervisors' commands as a person types them: tokens, bulk assignment, review, numbers."""

from __future__ import annotations

from datetime import timedelta

from headoffice.work import supervisors
from tests.conftest import DAY
from tests.helpers import account_row, cli, write_portfolio


def test_a_supervisor_morning_on_the_command_line(db_url, tmp_path):
    today = DAY
    rows = [
        account_row("Z-1", lat="55.70", lon="12.0", region="Zealand", postal_code="2100"),
        account_row("Z-2", lat="55.60", lon="12.0", region="Zealand", postal_code="2100"),
        account_row("Z-3", lat="55.80", lon="12.0", region="Zealand", postal_code="2200"),
        account_row("J-1", region="Jutland", postal_code="8000"),
    ]
    header = [*rows[0].keys()]
    portfolio = write_portfolio(tmp_path / "p.csv", rows, header)
    db = ["--db", db_url]
    cli("headoffice", "import-portfolio", str(portfolio), *db)
    token = cli("headoffice", "supervisor", "add", "Anna", *db).stdout.splitlines()[-1]
    from headoffice.store import db as database

    assert supervisors.supervisor_for(database.connect(db_url), token).name == "Anna"
    twice = cli("headoffice", "supervisor", "add", "Anna", *db, check=False)
    assert twice.returncode == 1 and "already a supervisor called 'Anna'" in twice.stderr
    cli("headoffice", "collector", "add", "Mette", *db)

    def assign(*options: str, check: bool = True):
        day = ["--collector", "Mette", "--date", today.isoformat()]
        return cli("headoffice", "assign", *day, *options, *db, check=check)

    planned = assign("--region", "zealand", "--optimise", "--start", "55.5,12.0").stdout
    assert "assigned 3 visit(s) to Mette" in planned and "planned walk: 33.4 km" in planned
    bad_start = assign("--region", "zealand", "--optimise", "--start", "north", check=False)
    assert bad_start.returncode == 2 and "LAT,LON" in bad_start.stderr
    nothing = assign(check=False)
    assert nothing.returncode == 1 and "say which accounts" in nothing.stderr

    payments = tmp_path / "pay.csv"
    payments.write_text(
        "account_id,amount,currency,paid_on,reference\n"
        f"Z-1,100.00,DKK,{today - timedelta(days=1)},BANK-7\n",
        encoding="utf-8",
    )
    assert "1 new payment(s)" in cli("headoffice", "import-payments", str(payments), *db).stdout
    assert (
        "0 new payment(s), 1 already"
        in cli("headoffice", "import-payments", str(payments), *db).stdout
    )
    payments.write_text("account_id,amount,currency,paid_on,reference\nZ-1,ten,DKK,x,B\n")
    refused = cli("headoffice", "import-payments", str(payments), *db, check=False)
    assert refused.returncode == 1
    assert "line 2, column paid_on" in refused.stderr and "nothing was imported" in refused.stderr

    assert cli("headoffice", "review", *db).stdout.strip() == "nothing to review"
    unknown = cli("headoffice", "resolve", "dispute", "nope", "--note", "x", *db, check=False)
    assert unknown.returncode == 1 and "no dispute item 'nope'" in unknown.stderr
    numbers = cli("headoffice", "numbers", "--by", "stage", *db).stdout.splitlines()
    assert numbers[0].split()[:3] == ["stage", "visits", "contact"]
    assert [line.split()[0] for line in numbers[1:]] == [
        "current",
        "early",
        "middle",
        "late",
        "total",
    ]
