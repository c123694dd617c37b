"""Importing the core-banking export: all or nothing, every refusal by line and column."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from headoffice.cli import main as headoffice
from headoffice.oversight import exports
from headoffice.store import tables
from headoffice.work.portfolio import ImportRefused, import_accounts, read_portfolio
from tests.helpers import HEADER, account_row, write_portfolio


def problems(path: Path) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read_portfolio(path)
    return caught.value.problems


def count_accounts(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tables.accounts)).scalar_one()


def test_utf8_names_and_addresses_survive_intact(engine, portfolio_file):
    import_accounts(engine, read_portfolio(portfolio_file))
    rows = {r["account_id"]: r for r in exports.account_rows(engine)}
    assert rows["DK-1"]["borrower_name"] == "Søren Ærø"
    assert rows["DK-1"]["address"] == "Østergade 5, København"
    assert rows["CN-1"]["borrower_name"] == "王小明"
    assert rows["CN-1"]["address"] == "北京市朝阳区建国路88号"
    assert rows["EN-1"]["outstanding"] == "800.00"


def test_importing_the_same_file_twice_changes_nothing(engine, portfolio_file):
    first = import_accounts(engine, read_portfolio(portfolio_file))
    second = import_accounts(engine, read_portfolio(portfolio_file))
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3)


def test_a_newer_file_updates_balances(engine, tmp_path):
    write_portfolio(tmp_path / "a.csv", [account_row("A1"), account_row("A2")])
    import_accounts(engine, read_portfolio(tmp_path / "a.csv"))
    write_portfolio(
        tmp_path / "b.csv", [account_row("A1", outstanding="9000.00"), account_row("A2")]
    )
    summary = import_accounts(engine, read_portfolio(tmp_path / "b.csv"))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    rows = {r["account_id"]: r for r in exports.account_rows(engine)}
    assert rows["A1"]["outstanding"] == "9000.00"


def test_missing_column_is_refused_at_line_1(tmp_path):
    header = [c for c in HEADER if c != "oldest_due_date"]
    path = write_portfolio(tmp_path / "p.csv", [account_row("A1")], header)
    assert problems(path) == ["line 1: missing column oldest_due_date"]


def test_unknown_column_is_refused_rather_than_dropped(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(",".join([*HEADER, "phne"]) + "\n", encoding="utf-8")
    assert any("unknown column 'phne'" in p for p in problems(path))


def test_bad_amount_names_line_and_column(tmp_path):
    rows = [account_row("A1"), account_row("A2", outstanding="12,50")]
    path = write_portfolio(tmp_path / "p.csv", rows)
    assert problems(path) == [
        "line 3, column outstanding: '12,50' is not an amount (write it like 1234.50)"
    ]


def test_bad_date_names_line_and_column(tmp_path):
    path = write_portfolio(tmp_path / "p.csv", [account_row("A1", oldest_due_date="31/12/2025")])
    [problem] = problems(path)
    assert problem.startswith("line 2, column oldest_due_date:")


def test_unknown_currency(tmp_path):
    path = write_portfolio(tmp_path / "p.csv", [account_row("A1", currency="KRX")])
    assert problems(path) == [
        "line 2, column currency: unknown currency 'KRX' (expected an ISO 4217 code such as DKK)"
    ]


def test_duplicate_account_in_one_file(tmp_path):
    path = write_portfolio(
        tmp_path / "p.csv", [account_row("A1"), account_row("A2"), account_row("A1")]
    )
    assert problems(path) == ["line 4, column account_id: 'A1' is already on line 2"]


def test_every_bad_row_is_reported_not_just_the_first(tmp_path):
    rows = [
        account_row("A1", outstanding="x"),
        account_row("A2"),
        account_row("A3", currency="ZZZ", oldest_due_date="yesterday"),
    ]
    found = problems(write_portfolio(tmp_path / "p.csv", rows))
    assert [p.split(":")[0] for p in found] == [
        "line 2, column outstanding",
        "line 4, column currency",
        "line 4, column oldest_due_date",
    ]


def test_overdue_more_than_outstanding_and_half_coordinates(tmp_path):
    rows = [account_row("A1", overdue_amount="20000.00")]
    assert "more than the outstanding" in problems(write_portfolio(tmp_path / "p.csv", rows))[0]
    header = [*HEADER, "lat", "lon"]
    rows = [account_row("A1", lat="55.6", lon="")]
    assert "come together" in problems(write_portfolio(tmp_path / "q.csv", rows, header))[0]


def test_ragged_row_and_empty_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(",".join(HEADER) + "\nA1,Name,Addr\n", encoding="utf-8")
    assert problems(path) == ["line 2: has 3 fields, the header has 11"]
    empty = tmp_path / "e.csv"
    empty.write_text("", encoding="utf-8")
    assert problems(empty) == ["line 1: the file is empty; expected a header row"]


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes((",".join(HEADER) + "\nA1,S\xf8ren").encode("latin-1"))
    assert "not UTF-8" in problems(path)[0]


def test_excel_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "p.csv"
    write_portfolio(path, [account_row("A1")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [a.account_id for a in read_portfolio(path)] == ["A1"]


def test_cli_refuses_the_whole_file_with_exit_status_and_no_traceback(tmp_path, db_url, engine):
    rows = [account_row("A1"), account_row("A2", currency="KRX"), account_row("A3")]
    path = write_portfolio(tmp_path / "p.csv", rows)
    result = CliRunner().invoke(headoffice, ["import-portfolio", str(path), "--db", db_url])
    assert result.exit_code != 0
    assert "line 3, column currency" in result.output
    assert "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert count_accounts(engine) == 0


def test_cli_import_then_export_json(tmp_path, db_url, portfolio_file):
    runner = CliRunner()
    result = runner.invoke(headoffice, ["import-portfolio", str(portfolio_file), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "3 new, 0 updated, 0 unchanged" in result.output
    out = runner.invoke(headoffice, ["export", "accounts", "--format", "json", "--db", db_url])
    names = {a["borrower_name"] for a in json.loads(out.output)}
    assert names == {"Søren Ærø", "王小明", "Sally [Sarah] Mitchell"}
