"""Text that enters the product holds no control characters where they mean nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fieldcore.errors import FieldErrors
from fieldcore.outcomes import check_outcome
from fieldcore.text import check_line, check_lines, printable
from headoffice.cli import main as headoffice
from headoffice.work import portfolio
from tests.helpers import three_borrowers, write_portfolio
from tests.test_sync_api import call, outcome_mutation, pull_all

ESCAPE = "\x1b]0;owned\x07\x1b[2J"
HOSTILE_TEXTS = ["a\x00b", ESCAPE, "left\u202eright", "two\nlines", "bell\x07", "c1\x9b"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_one_line_of_text_refuses_controls_and_overrides(text):
    with pytest.raises(ValueError, match="does not belong"):
        check_line(text)
    assert "\x1b" not in printable(text) and "\x00" not in printable(text)


def test_several_lines_keep_newlines_and_tabs_only():
    assert check_lines("first\n\tsecond") == "first\n\tsecond"
    with pytest.raises(ValueError, match="U\\+001B"):
        check_lines("note " + ESCAPE)
    assert check_line("Søren Ærø, 王小明 [brackets]") == "Søren Ærø, 王小明 [brackets]"


def test_the_form_refuses_an_escape_in_a_dispute_reason(today):
    with pytest.raises(FieldErrors) as refused:
        check_outcome(
            {"outcome": "dispute", "dispute_reason": "paid " + ESCAPE},
            currency="DKK",
            outstanding_minor=100000,
            today=today,
        )
    assert "does not belong" in refused.value.errors["dispute_reason"]


def test_the_portfolio_refuses_control_characters_by_line_and_column(tmp_path):
    rows = three_borrowers(
        **{"CN-1": {"borrower_name": "王" + ESCAPE}, "EN-1": {"address": "1 High St\nFlat 2"}}
    )
    path = write_portfolio(tmp_path / "p.csv", rows)
    with pytest.raises(portfolio.ImportRefused) as refused:
        portfolio.read_portfolio(path)
    problems = " | ".join(refused.value.problems)
    assert "line 3, column borrower_name" in problems
    assert "line 4, column address" in problems
    assert "U+001B" in problems


@pytest.mark.parametrize(
    "overrides",
    [
        {"note": "nul\x00here"},
        {"note": ESCAPE},
        {"id": "x\x00"},
        {"recorded_at": "9999-12-31T23:59:59+00:00"},
        {"recorded_at": "1970-01-01T00:00:00+00:00"},
        {"promise_date": "0001-01-01", "outcome": "promise"},
        {"receipt_no": "\x1b[2J", "outcome": "paid"},
    ],
    ids=["nul", "escape", "nul-id", "far-future", "epoch", "year-1", "escape-receipt"],
)
def test_a_push_with_hostile_text_or_moments_is_a_4xx_and_changes_nothing(
    server, world, engine, overrides
):
    visit = pull_all(server, world["Mette"])["visits"][0]
    mutation = outcome_mutation(visit)
    mutation["payload"] |= overrides
    response = call(server, "/sync/push", {"mutations": [mutation]}, world["Mette"])
    assert response.status_code == 422, response.text
    assert ESCAPE not in response.text and "\x00" not in response.text
    from headoffice.oversight.exports import outcome_rows

    assert list(outcome_rows(engine)) == []


def test_a_dispute_reason_with_an_escape_is_refused_by_head_office(server, world, engine):
    visit = pull_all(server, world["Mette"])["visits"][0]
    mutation = outcome_mutation(
        visit, outcome="dispute", details={"dispute_reason": "not mine " + ESCAPE}
    )
    # The schema's pattern says so: the body is refused whole, before any rule runs.
    answer = call(server, "/sync/push", {"mutations": [mutation]}, world["Mette"])
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "mutations.0.record_outcome.payload.details.dispute_reason"
    assert "does not belong" in answer.json()["detail"] and ESCAPE not in answer.text


def test_the_review_listing_never_prints_a_control_character(db_url, engine, server, world):
    visit = pull_all(server, world["Mette"])["visits"][0]
    # Multi-line text is allowed in a reason; the listing shows it on one line.
    mutation = outcome_mutation(
        visit, outcome="dispute", details={"dispute_reason": "paid in March\nreceipt lost"}
    )
    call(server, "/sync/push", {"mutations": [mutation]}, world["Mette"])
    result = CliRunner().invoke(headoffice, ["review", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "paid in March\\u000areceipt lost" in result.output
    assert all(ch == "\n" or ch >= " " for ch in result.output)
