"""Head office refuses in English; the laptop says each refusal in the collector's language,
keeps the refused change and shows it in the day summary until a supervisor settles it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from content import shipped_policies
from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldcore.i18n import catalog, set_language
from fieldcore.policy import newest_policies, read_policies
from fieldcore.refusals import refusal_shown
from headoffice.api.judging import judge_outcome
from sync.protocol import MutationResult, OutcomePayload
from sync.server import Device, SyncRefused, SyncServer
from tests.conftest import DAY
from tests.ui import drive
from tests.visible import screen_text

DEVICE = Device(device_id="d1", collector_id=1, collector="Mette", revoked=False)
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def visit(**changes) -> SimpleNamespace:
    """A visit row as head office reads it for judging."""
    row = {
        "collector_id": 1,
        "account_id": "A-1",
        "currency": "DKK",
        "outstanding_minor": 100_000,
        "status": "assigned",
        "account_timezone": "Europe/Copenhagen",
        "collector_timezone": "Europe/Copenhagen",
    }
    return SimpleNamespace(**(row | changes))


def judged(row: SimpleNamespace | None, **changes) -> str:
    outcome = {
        "id": "o1",
        "visit_id": "v1",
        "account_id": "A-1",
        "outcome": "promise",
        "amount_minor": 50_000,
        "currency": "DKK",
        "promise_date": "2026-11-30",
        "recorded_at": AT.isoformat(),
    } | changes
    payload = OutcomePayload.model_validate(outcome)
    policy = newest_policies(read_policies(shipped_policies()), []).default
    result = judge_outcome(DEVICE, "m1", payload, row, policy, ZoneInfo("Europe/Copenhagen"))
    assert result.status == "refused", result
    return result.message


def server_sentence(call) -> str:
    with pytest.raises(SyncRefused) as refused:
        call(SyncServer(storage=None))
    return refused.value.detail


def head_office_sentences() -> list[str]:
    """What head office really writes when it refuses, made by its own code."""
    return [
        judged(None),
        judged(visit(collector_id=2)),
        judged(visit(account_id="A-2")),
        judged(visit(currency="EUR"), currency="DKK"),
        judged(visit(), outcome="paid", method="cash", promise_date=None),
        judged(visit(), receipt_no="K7Q2M-000042"),
        judged(visit(), promise_date="2027-06-01"),
        judged(visit(), amount_minor=900_000, promise_date="2026-11-20"),
        judged(visit(), outcome="dispute", amount_minor=None, currency=None, promise_date=None),
        server_sentence(lambda s: s.check_protocol(1)),
        server_sentence(lambda s: s.check_protocol(99)),
        server_sentence(lambda s: s.authenticate(None)),
        "receipt K7Q2M-000042 was already booked from this laptop",
        "account A-1 was never on Mette's route",
    ]


@pytest.mark.parametrize("language", ["da", "zh"])
def test_every_refusal_head_office_writes_is_said_in_the_collectors_language(language):
    sentences = head_office_sentences()
    set_language(language)
    try:
        shown = {sentence: refusal_shown(sentence) for sentence in sentences}
        fallback = catalog(language)["head office says: {message}"].split("{")[0]
    finally:
        set_language("en")
    untold = [f"{english!r} -> {said!r}" for english, said in shown.items() if fallback in said]
    assert untold == []
    assert all(said and said != english for english, said in shown.items())


def test_a_sentence_head_office_never_writes_is_quoted_not_lost():
    set_language("da")
    try:
        said = refusal_shown("something new and strange")
    finally:
        set_language("en")
    assert said == "hovedkontoret skriver: something new and strange"


def test_a_refused_outcome_stays_and_the_day_summary_says_why_in_danish(home):
    store = Store(home)
    stop = store.route(DAY)[0]
    record_outcome(store, stop.visit_id, {"outcome": "not_home"})
    pending = store.pending_mutations(10)
    message = judged(visit(currency="EUR"), currency="DKK")
    store.settle([MutationResult(id=pending[0]["id"], status="refused", message=message)])
    assert store.refused_count() == 1
    store.close()

    async def steps(app, pilot):
        await pilot.press("d")
        for _ in range(100):
            await pilot.pause(0.05)
            text = screen_text(app)
            if "Afvist af hovedkontoret" in text:
                return text
        return screen_text(app)

    text = drive(home, steps, language="da")
    assert "Afvist af hovedkontoret" in text
    assert "beløbet er i DKK, kontoen er i EUR" in text
    assert stop.account_id in text
    assert "1 afvist af hovedkontoret" in text
