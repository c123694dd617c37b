"""The outcome rules the form and `fieldapp record` share."""

from datetime import date, timedelta

import pytest

from fieldapp.domain.errors import FieldErrors
from fieldapp.domain.outcomes import OutcomeCode, check_outcome

TODAY = date(2026, 11, 23)


def check(**raw):
    return check_outcome(raw, currency="DKK", outstanding_minor=1_000_000, today=TODAY)


def refused(**raw) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        check(**raw)
    return caught.value.errors


def test_promise_with_amount_and_date():
    got = check(outcome="promise", amount="500.00", promise_date="2026-12-01")
    assert got.outcome is OutcomeCode.PROMISE
    assert (got.amount_minor, got.currency, got.promise_date) == (50000, "DKK", date(2026, 12, 1))


def test_promise_needs_amount_and_date():
    assert refused(outcome="promise") == {
        "amount": "is required for promise",
        "promise_date": "is required for a promise",
    }


def test_promise_date_must_be_ahead_and_within_the_window():
    assert refused(outcome="promise", amount="1", promise_date="2026-11-22") == {
        "promise_date": "is in the past"
    }
    far = (TODAY + timedelta(days=31)).isoformat()
    assert "days away" in refused(outcome="promise", amount="1", promise_date=far)["promise_date"]


def test_amount_cannot_exceed_the_balance():
    assert refused(outcome="paid", amount="10000.01", method="cash") == {
        "amount": "is more than the outstanding balance"
    }


def test_payment_needs_a_method():
    assert "required for a payment" in refused(outcome="paid", amount="10")["method"]
    assert check(outcome="paid", amount="10", method="transfer").method == "transfer"


def test_fields_that_do_not_apply_are_refused_not_ignored():
    errors = refused(outcome="not_home", amount="5", method="cash", promise_date="2026-12-01")
    assert set(errors) == {"amount", "method", "promise_date"}


def test_dispute_and_third_party_need_a_note():
    assert "required for dispute" in refused(outcome="dispute")["note"]
    assert check(outcome="third_party", note="neighbour says moved to Odense").note


def test_unknown_code_and_bad_date_are_named():
    assert "outcome" in refused(outcome="vanished")
    assert "promise_date" in refused(outcome="promise", amount="1", promise_date="01/12/2026")


def test_blank_strings_mean_not_given():
    assert check(outcome="not_home", amount="", method=None, note="  ").note == ""
