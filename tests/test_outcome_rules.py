"""The outcome rules the form and `fieldapp record` share."""

from datetime import date, timedelta

import pytest

from fieldcore.errors import FieldErrors
from fieldcore.outcomes import OutcomeCode, check_outcome

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
        "promise_date": "is required for promise (YYYY-MM-DD)",
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
    assert refused(outcome="paid", amount="10")["method"] == (
        "is required for paid (cash, card, transfer, cheque)"
    )
    assert check(outcome="paid", amount="10", method="transfer").method == "transfer"


def test_fields_that_do_not_apply_are_refused_not_ignored():
    errors = refused(outcome="not_home", amount="5", method="cash", promise_date="2026-12-01")
    assert set(errors) == {"amount", "method", "promise_date"}


def test_each_code_asks_for_its_own_fields():
    assert refused(outcome="dispute") == {"dispute_reason": "is required for dispute"}
    assert refused(outcome="hardship", instalment="100") == {
        "term_months": "is required for hardship (months, 1 to 120)"
    }
    got = check(outcome="hardship", instalment="250.50", term_months="12")
    assert (got.details.instalment_minor, got.details.term_months) == (25050, 12)
    assert refused(outcome="moved") == {"new_address": "is required for moved"}
    assert check(outcome="moved", new_address="Vestergade 1, Aarhus").details.new_address
    third = refused(outcome="third_party")
    assert set(third) == {"contact_who", "note"}
    ok = check(outcome="third_party", contact_who="neighbour", note="says moved to Odense")
    assert ok.details.contact_who == "neighbour"


def test_callback_needs_a_time_ahead():
    assert (
        "in the past" in refused(outcome="callback", callback_at="2026-11-22 10:00")["callback_at"]
    )
    got = check(outcome="callback", callback_at="2026-11-24 15:30")
    assert got.details.callback_at.isoformat() == "2026-11-24T15:30:00"


def test_reason_ability_and_willingness_apply_to_every_code():
    got = check(
        outcome="refused",
        default_reason="job_loss",
        ability="short_for_now",
        willingness="reluctant",
    )
    assert (got.details.default_reason, got.details.ability) == ("job_loss", "short_for_now")
    assert "willingness" in refused(outcome="refused", willingness="maybe")


def test_unknown_code_and_bad_date_are_named():
    assert "outcome" in refused(outcome="vanished")
    assert "term_months" in refused(outcome="hardship", instalment="1", term_months="0")
    assert "promise_date" in refused(outcome="promise", amount="1", promise_date="01/12/2026")


def test_blank_strings_mean_not_given():
    assert check(outcome="not_home", amount="", method=None, note="  ").note == ""
