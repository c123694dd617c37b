"""Payment files from core banking: plain decimals, no future dates, one-line cells; all or none."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from headoffice.store import tables
from headoffice.work import portfolio
from headoffice.work.payments import PAYMENT_COLUMNS, import_payments
from tests.helpers import account_row, csv_text, run, three_borrowers
from tests.test_text_edges import HOSTILE_TEXTS

TODAY = "2026-11-23"
BAD_AMOUNTS = [
    "1e3",
    "1_000",
    " 12",
    "12 ",
    "+5",
    "0x10",
    "Infinity",
    "NaN",
    "\u0661\u0662",  # Arabic-Indic 12
    "\uff11\uff12",  # full-width 12
    "1,000.00",
    ".50",
    "12.",
]


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    monkeypatch.setenv("HEADOFFICE_TODAY", TODAY)


@pytest.fixture
def accounts(engine):
    """DK-1 (DKK), CN-1 (CNY), EN-1 (GBP) in the portfolio."""
    portfolio.import_accounts(engine, portfolio.parse_portfolio(csv_text(three_borrowers())))
    return engine


def payment(reference: str, /, **overrides: str) -> dict:
    return {
        "account_id": "DK-1",
        "amount": "1234.50",
        "currency": "DKK",
        "paid_on": TODAY,
        "reference": reference,
    } | overrides


def payment_file(*rows: dict) -> str:
    return csv_text(list(rows), list(PAYMENT_COLUMNS))


def refused(engine, *rows: dict) -> list[str]:
    with pytest.raises(portfolio.ImportRefused) as caught:
        import_payments(engine, payment_file(payment("GOOD-1"), *rows))
    assert stored(engine) == []  # all or nothing: the good first line is not in either
    return caught.value.problems


def stored(engine) -> list[tuple[str, int]]:
    query = sa.select(tables.payments.c.reference, tables.payments.c.amount_minor)
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(query))


def test_plain_decimals_up_to_today_are_loaded_exactly(accounts):
    summary = import_payments(
        accounts,
        payment_file(
            payment("B-1"),
            payment("B-2", account_id="CN-1", currency="CNY", amount="7", paid_on="2026-11-01"),
        ),
    )
    assert (summary.new, summary.already_known) == (2, 0)
    assert stored(accounts) == [("B-1", 123450), ("B-2", 700)]


def test_anything_but_a_plain_decimal_is_refused_by_line_and_column(accounts):
    rows = [payment(f"B-{n}", amount=amount) for n, amount in enumerate(BAD_AMOUNTS)]
    problems = refused(accounts, *rows)
    assert [p.split(":")[0] for p in problems] == [
        f"line {n}, column amount" for n in range(3, 3 + len(BAD_AMOUNTS))
    ]
    assert all("is not an amount (write it like 1234.50)" in p for p in problems)


def test_zero_negative_and_too_many_decimals_are_refused(accounts):
    problems = refused(
        accounts,
        payment("B-1", amount="0.00"),
        payment("B-2", amount="-5"),
        payment("B-3", amount="12.345"),
        payment("B-4", account_id="EN-1", currency="GBP", amount="0.001"),
    )
    assert problems == [
        "line 3, column amount: the amount must be more than zero",
        "line 4, column amount: an amount cannot be negative",
        "line 5, column amount: '12.345' has more decimals than DKK allows (2)",
        "line 6, column amount: '0.001' has more decimals than GBP allows (2)",
    ]


def test_a_payment_after_head_offices_today_is_refused(accounts):
    problems = refused(
        accounts,
        payment("B-1", paid_on="2026-11-24"),
        payment("B-2", paid_on="0"),
        payment("B-3", paid_on="2026-11-23T00:00:00"),
    )
    assert problems == [
        "line 3, column paid_on: 2026-11-24 is after head office's today (2026-11-23): "
        "not paid yet",
        "line 4, column paid_on: is not a day written YYYY-MM-DD between the years 2000 and 2099",
        "line 5, column paid_on: is not a day written YYYY-MM-DD between the years 2000 and 2099",
    ]


@pytest.mark.parametrize("column", ["account_id", "amount", "currency", "reference"])
def test_controls_and_bidi_overrides_are_refused_in_every_cell(accounts, column):
    hostile = [*HOSTILE_TEXTS, "left\u2066right", "\u202a1\u202c"]
    rows = [payment(f"B-{n}", **{column: text}) for n, text in enumerate(hostile)]
    problems = refused(accounts, *rows)
    assert [p.split(":")[0] for p in problems] == [
        f"line {n}, column {column}" for n in range(3, 3 + len(hostile))
    ]


def test_the_portfolio_reads_amounts_by_the_same_rule(tmp_path):
    written = ["1e5", "+10000", "10_000"]
    rows = [
        account_row("A1"),
        *(account_row(f"A{n}", outstanding=a) for n, a in enumerate(written)),
    ]
    rows.append(account_row("A9", overdue_amount=" 12"))
    with pytest.raises(portfolio.ImportRefused) as caught:
        portfolio.parse_portfolio(csv_text(rows))
    assert caught.value.problems == [
        "line 3, column outstanding: '1e5' is not an amount (write it like 1234.50)",
        "line 4, column outstanding: '+10000' is not an amount (write it like 1234.50)",
        "line 5, column outstanding: '10_000' is not an amount (write it like 1234.50)",
        "line 6, column overdue_amount: ' 12' is not an amount (write it like 1234.50)",
    ]


def test_the_command_refuses_the_whole_file_and_prints_no_control(accounts, db_url, tmp_path):
    path = tmp_path / "payments.csv"
    path.write_text(
        payment_file(payment("B-1"), payment("B-2\x1b[2J", amount="1e3")), encoding="utf-8"
    )
    result = run("headoffice", "import-payments", str(path), "--db", db_url, check=False)
    assert result.returncode == 1
    assert f"{path}: line 3, column amount: '1e3' is not an amount" in result.stderr
    assert f"{path}: line 3, column reference: holds a character" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert stored(accounts) == []
    path.write_text(payment_file(payment("B-1")), encoding="utf-8")
    loaded = run("headoffice", "import-payments", str(path), "--db", db_url)
    assert "1 new payment(s), 0 already loaded" in loaded.stdout
    assert stored(accounts) == [("B-1", 123450)]
