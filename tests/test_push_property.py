"""Property: a push mixing good and bad mutations applies every good one once and nothing else.

Generated, not listed: Hypothesis draws each push from outcomes the rules accept
and outcomes they refuse, sends it to the real server (SQLite and PostgreSQL),
sends it again, and checks the database row by row.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headoffice.store.tables import outcomes
from tests.test_sync_api import call, outcome_mutation, pull_all

_receipts = itertools.count(1)


def _local_day(days: int) -> str:
    # DK-1's borrower lives in Copenhagen: promise dates are judged on their calendar.
    here = datetime.now(UTC).astimezone(ZoneInfo("Europe/Copenhagen")).date()
    return (here + timedelta(days=days)).isoformat()


def _receipt() -> str:
    return f"PROP-{next(_receipts):06d}"


# Each maker gives the payload fields of one kind of outcome, fresh (receipts never repeat).
GOOD = {
    "not_home": lambda: {"outcome": "not_home"},
    "refused": lambda: {"outcome": "refused", "note": "door closed\nno answer"},
    "promise": lambda: {
        "outcome": "promise",
        "amount_minor": 5000,
        "currency": "DKK",
        "promise_date": _local_day(5),
    },
    "paid": lambda: {
        "outcome": "paid",
        "amount_minor": 700,
        "currency": "DKK",
        "method": "card",
        "receipt_no": _receipt(),
    },
    "dispute": lambda: {"outcome": "dispute", "details": {"dispute_reason": "not my loan"}},
    "moved": lambda: {"outcome": "moved", "details": {"new_address": "Nørregade 3, Aarhus"}},
}
BAD = {
    "undated promise": lambda: {"outcome": "promise", "amount_minor": 5000, "currency": "DKK"},
    "promise too far": lambda: {
        "outcome": "promise",
        "amount_minor": 5000,
        "currency": "DKK",
        "promise_date": _local_day(400),
    },
    "more than owed": lambda: {
        "outcome": "paid",
        "amount_minor": 10**14,
        "currency": "DKK",
        "method": "cash",
        "receipt_no": _receipt(),
    },
    "wrong currency": lambda: {
        "outcome": "paid",
        "amount_minor": 700,
        "currency": "CNY",
        "method": "card",
        "receipt_no": _receipt(),
    },
    "payment without receipt": lambda: {
        "outcome": "paid",
        "amount_minor": 700,
        "currency": "DKK",
        "method": "card",
    },
    "receipt without payment": lambda: {"outcome": "not_home", "receipt_no": _receipt()},
    "dispute without reason": lambda: {"outcome": "dispute"},
    "amount without currency": lambda: {"outcome": "refused", "amount_minor": 700},
}
# Where a mutation points: its own visit, or one it has no business with.
PLACES = ("mine", "mine", "mine", "theirs", "other account")

one_mutation = st.tuples(st.sampled_from(sorted(GOOD) + sorted(BAD)), st.sampled_from(PLACES))


def _build(choice: tuple[str, str], visits: dict[str, dict]) -> tuple[dict, bool]:
    name, place = choice
    overrides = (GOOD.get(name) or BAD[name])()
    good = name in GOOD and place == "mine"
    if place == "theirs":
        mutation = outcome_mutation(visits["EN-1"], **overrides)
    else:
        mutation = outcome_mutation(visits["DK-1"], **overrides)
        if place == "other account":
            mutation["payload"]["account_id"] = "CN-1"
    return mutation, good


def _stored(engine, payload_ids: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(outcomes.c.id, sa.func.count())
            .where(outcomes.c.id.in_(payload_ids))
            .group_by(outcomes.c.id)
        )
        return dict(rows.all())


def test_mixed_pushes_apply_the_good_exactly_once_and_refuse_the_bad(server, world, engine):
    visits = {v["account_id"]: v for v in pull_all(server, world["Mette"])["visits"]}
    visits |= {v["account_id"]: v for v in pull_all(server, world["Lars"])["visits"]}

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(one_mutation, min_size=1, max_size=8))
    def push_is_judged_one_by_one(choices: list[tuple[str, str]]) -> None:
        built = [_build(choice, visits) for choice in choices]
        body = {"mutations": [mutation for mutation, _ in built]}
        first = call(server, "/sync/push", body, world["Mette"])
        assert first.status_code == 200, first.text
        results = first.json()["results"]
        assert [r["id"] for r in results] == [m["id"] for m, _ in built]
        for (mutation, good), result in zip(built, results, strict=True):
            expected = "applied" if good else "refused"
            assert result["status"] == expected, (mutation["payload"], result)
            if not good:
                assert result["message"], result
        again = call(server, "/sync/push", body, world["Mette"])
        assert again.status_code == 200 and again.json()["results"] == results
        ids = [m["payload"]["id"] for m, _ in built]
        stored = _stored(engine, ids)
        for (mutation, good), payload_id in zip(built, ids, strict=True):
            assert stored.get(payload_id, 0) == (1 if good else 0), mutation["payload"]

    push_is_judged_one_by_one()
