"""The sync API over HTTP against the real server: auth, limits, exactly once, scope."""

from datetime import UTC, datetime

import httpx
import pytest

from fieldcore.ids import new_id
from headoffice.work import roster
from sync.protocol import MAX_BODY_BYTES


def call(server, path: str, body: dict, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server.url}{path}", json=body, headers=headers)


def pull_all(server, token: str) -> dict:
    response = call(server, "/sync/pull", {"cursor": ""}, token)
    assert response.status_code == 200, response.text
    return response.json()


def outcome_mutation(visit: dict, **overrides) -> dict:
    payload = {
        "id": new_id(),
        "visit_id": visit["visit_id"],
        "account_id": visit["account_id"],
        "outcome": "not_home",
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    payload.update(overrides)
    return {"id": new_id(), "kind": "record_outcome", "payload": payload}


def test_docs_and_openapi_are_served(server):
    assert httpx.get(f"{server.url}/openapi.json").json()["info"]["title"] == "fieldapp head office"
    assert httpx.get(f"{server.url}/docs").status_code == 200


def test_enrollment_token_is_one_time(server, engine):
    token = roster.add_collector(engine, "Mette")
    assert call(server, "/sync/enroll", {"token": token}).status_code == 200
    again = call(server, "/sync/enroll", {"token": token})
    assert again.status_code == 403
    assert "already used" in again.json()["detail"]


def test_pull_needs_a_known_device(server, world):
    assert call(server, "/sync/pull", {}).json()["detail"].startswith("no device token")
    bad = call(server, "/sync/pull", {}, "not-a-real-token")
    assert bad.status_code == 401 and bad.json()["code"] == "unauthorized"
    assert "not known (never issued, or revoked)" in bad.json()["detail"]


def test_a_revoked_token_is_unknown_everywhere(server, world, engine):
    """Whoever holds a lost laptop learns from the server only what a stranger would."""
    roster.revoke_devices(engine, "Lars")
    for path, body in (("/sync/pull", {}), ("/sync/push", {"mutations": []})):
        revoked = call(server, path, body, world["Lars"])
        never = call(server, path, body, "never-issued-token-000")
        assert (revoked.status_code, revoked.json()) == (never.status_code, never.json())
        assert revoked.status_code == 401
    for token in (world["Lars"], "never-issued-token-000"):
        answer = httpx.get(
            f"{server.url}/supervisor/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 401, answer.text
    # A laptop still in service is told it holds the wrong kind of token.
    mette = httpx.get(
        f"{server.url}/supervisor/me", headers={"Authorization": f"Bearer {world['Mette']}"}
    )
    assert mette.status_code == 403


def test_pull_is_scoped_to_the_collector(server, world):
    mette = pull_all(server, world["Mette"])
    lars = pull_all(server, world["Lars"])
    assert [v["account_id"] for v in mette["visits"]] == ["DK-1", "CN-1"]
    assert [v["account_id"] for v in lars["visits"]] == ["EN-1"]
    assert mette["visits"][1]["account"]["borrower_name"] == "王小明"


def test_pull_pages_and_a_noop_pull_returns_nothing(server, world):
    first = call(server, "/sync/pull", {"cursor": "", "limit": 1}, world["Mette"]).json()
    assert len(first["visits"]) == 1 and first["more"] is True
    second = call(
        server, "/sync/pull", {"cursor": first["cursor"], "limit": 1}, world["Mette"]
    ).json()
    assert second["visits"][0]["account_id"] == "CN-1"
    rest = call(server, "/sync/pull", {"cursor": second["cursor"]}, world["Mette"]).json()
    assert rest["more"] is False and rest["visits"] == [] and rest["cursor"] == second["cursor"]


def test_a_retried_push_applies_once_and_answers_the_same(server, world, engine):
    visit = pull_all(server, world["Mette"])["visits"][0]
    body = {"mutations": [outcome_mutation(visit)]}
    first = call(server, "/sync/push", body, world["Mette"])
    again = call(server, "/sync/push", body, world["Mette"])
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["results"][0]["status"] == "applied"
    from headoffice.oversight.exports import outcome_rows

    assert len(list(outcome_rows(engine))) == 1


def test_a_refused_mutation_does_not_block_the_ones_behind_it(server, world):
    visits = pull_all(server, world["Mette"])["visits"]
    body = {
        "mutations": [
            outcome_mutation(visits[0], visit_id="no-such-visit"),
            outcome_mutation(visits[1]),
        ]
    }
    results = call(server, "/sync/push", body, world["Mette"]).json()["results"]
    assert [r["status"] for r in results] == ["refused", "applied"]
    assert "never on Mette's route" in results[0]["message"]


def test_another_collectors_visit_is_refused(server, world):
    mette_visit = pull_all(server, world["Mette"])["visits"][0]
    body = {"mutations": [outcome_mutation(mette_visit)]}
    result = call(server, "/sync/push", body, world["Lars"]).json()["results"][0]
    assert result["status"] == "refused"


def test_a_late_outcome_for_a_recalled_visit_is_kept_and_flagged(server, world, engine, today):
    visit = pull_all(server, world["Mette"])["visits"][0]
    roster.recall(engine, today, [visit["account_id"]])
    result = call(server, "/sync/push", {"mutations": [outcome_mutation(visit)]}, world["Mette"])
    assert result.json()["results"][0] | {"id": None} == {
        "id": None,
        "status": "applied",
        "message": "outcome arrived after the visit was recalled",
        "flagged": True,
    }


def test_currency_must_match_the_account(server, world):
    visit = pull_all(server, world["Mette"])["visits"][0]
    mutation = outcome_mutation(
        visit, outcome="paid", amount_minor=100, currency="EUR", method="cash"
    )
    result = call(server, "/sync/push", {"mutations": [mutation]}, world["Mette"]).json()
    assert result["results"][0]["status"] == "refused"
    assert "account is in DKK" in result["results"][0]["message"]


def test_malformed_push_gets_a_clear_4xx(server, world):
    response = call(
        server, "/sync/push", {"mutations": [{"id": "x", "kind": "delete_all"}]}, world["Mette"]
    )
    assert response.status_code == 422
    assert "mutations.0" in response.json()["detail"]
    assert "'delete_all'" in response.json()["detail"]
    garbage = httpx.post(
        f"{server.url}/sync/push",
        content=b"{not json",
        headers={"Authorization": f"Bearer {world['Mette']}", "Content-Type": "application/json"},
    )
    assert garbage.status_code == 400 and garbage.json()["code"] == "bad_request"
    assert "not valid JSON" in garbage.json()["detail"]


def test_oversized_body_is_refused_with_413(server, world):
    response = httpx.post(
        f"{server.url}/sync/push",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Authorization": f"Bearer {world['Mette']}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "byte limit" in response.json()["detail"]


def test_an_old_client_is_told_to_update(server, world):
    response = call(server, "/sync/pull", {"protocol": 0}, world["Mette"])
    assert response.status_code == 426
    assert "update fieldapp" in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ["/sync/pull", "/sync/push"])
def test_no_token_but_the_collectors_own_reaches_their_data(server, world, engine, endpoint):
    mette = pull_all(server, world["Mette"])
    mette_visit = mette["visits"][0]
    body = (
        {"cursor": ""}
        if endpoint == "/sync/pull"
        else {"mutations": [outcome_mutation(mette_visit)]}
    )
    as_lars = call(server, endpoint, body, world["Lars"])
    assert as_lars.status_code == 200
    text = as_lars.text
    for visit in mette["visits"]:
        assert visit["visit_id"] not in text or endpoint == "/sync/push"
        assert visit["account"]["borrower_name"] not in text
    if endpoint == "/sync/push":
        assert as_lars.json()["results"][0]["status"] == "refused"
    roster.revoke_devices(engine, "Mette")
    revoked = call(server, endpoint, body, world["Mette"])
    assert revoked.status_code == 401
    assert "王小明" not in revoked.text and mette_visit["visit_id"] not in revoked.text
    from headoffice.oversight.exports import outcome_rows

    assert list(outcome_rows(engine)) == []


def test_enrollment_cannot_be_used_to_read_data(server, world):
    response = call(server, "/sync/enroll", {"token": world["Mette"]})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"[" * 200_000 + b"]" * 200_000, 400, "error parsing the body"),
        (b'{"cursor": "-1"}', 422, "should match pattern"),
        (b'{"cursor": "", "limit": 100000}', 422, "limit"),
        (b'{"cursor": "", "sneaky": true}', 422, "sneaky"),
        (b'"just a string"', 422, "valid dictionary"),
    ],
    ids=["deep-nesting", "negative-cursor", "huge-page", "unknown-field", "not-an-object"],
)
def test_hostile_pulls_get_a_4xx_with_a_reason(server, world, body, status, words):
    response = httpx.post(
        f"{server.url}/sync/pull",
        content=body,
        headers={"Authorization": f"Bearer {world['Mette']}", "Content-Type": "application/json"},
    )
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_a_push_with_one_bad_mutation_applies_nothing(server, world, engine):
    visit = pull_all(server, world["Mette"])["visits"][0]
    good = outcome_mutation(visit)
    naive_time = outcome_mutation(visit, recorded_at="2026-11-23T10:00:00")
    response = call(server, "/sync/push", {"mutations": [good, naive_time]}, world["Mette"])
    assert response.status_code == 422
    assert "an offset like +01:00" in response.json()["detail"]
    from headoffice.oversight.exports import outcome_rows

    assert list(outcome_rows(engine)) == []
    too_many = {"mutations": [outcome_mutation(visit) for _ in range(501)]}
    assert call(server, "/sync/push", too_many, world["Mette"]).status_code == 422


def test_a_moment_with_an_offset_is_stored_as_the_same_instant(server, world, engine):
    # 23:30 in Shanghai is 15:30 UTC the same day; counted on that UTC day everywhere.
    visit = pull_all(server, world["Mette"])["visits"][0]
    body = {"mutations": [outcome_mutation(visit, recorded_at="2026-11-23T23:30:00+08:00")]}
    assert call(server, "/sync/push", body, world["Mette"]).json()["results"][0]["status"] == (
        "applied"
    )
    from headoffice.oversight.exports import outcome_rows

    [row] = outcome_rows(engine)
    assert row["recorded_at"].startswith("2026-11-23T15:30:00")
