"""Wrong tokens, tried as a guesser would: after twenty from one address, 429 with
Retry-After from every server process on the database, until the block ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from headoffice.api.throttle import FIRST_BLOCK, LIMIT, LONGEST_BLOCK, Throttle, TooManyFailures
from headoffice.store.tables import auth_failures
from headoffice.work import roster, supervisors
from tests.helpers import LiveServer

PULL = {"cursor": "", "protocol": 5}


def pull(url: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/sync/pull", json=PULL, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def enrolling(token: str) -> dict:
    return {"protocol": 5, "token": token, "device_name": "a laptop"}


def enrolled_token(url: str, engine) -> str:
    answer = httpx.post(
        f"{url}/sync/enroll", json=enrolling(roster.add_collector(engine, "Mette")), timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["device_token"]


def test_three_hundred_wrong_device_tokens_are_stopped_at_the_twentieth(server, engine):
    good = enrolled_token(server.url, engine)
    statuses = [pull(server.url, f"guess-{n}").status_code for n in range(300)]
    assert statuses[: LIMIT - 1] == [401] * (LIMIT - 1)
    assert set(statuses[LIMIT - 1 :]) == {429}
    blocked = pull(server.url, "guess-300")
    retry = int(blocked.headers["Retry-After"])
    assert 1 <= retry <= FIRST_BLOCK.total_seconds()
    assert blocked.json()["code"] == "too_many_requests"
    assert "too many wrong tokens from this address" in blocked.json()["detail"]
    # While the address is blocked its tokens are not even read, a good one included.
    assert pull(server.url, good).status_code == 429
    # A request with no token at all is no guess: it is told to give one, not counted.
    with engine.begin() as conn:
        conn.execute(auth_failures.update().values(blocked_until=datetime.now(UTC)))
    assert httpx.post(f"{server.url}/sync/pull", json=PULL, timeout=10).status_code == 401
    assert pull(server.url, good).status_code == 200
    with engine.connect() as conn:
        row = conn.execute(sa.select(auth_failures)).one()
    assert (row.strikes, row.failures) == (1, 0)


def test_wrong_enrollment_and_supervisor_tokens_are_counted_too(server, engine):
    supervisor = supervisors.add_supervisor(engine, "Anna")
    statuses = [
        httpx.post(
            f"{server.url}/sync/enroll", json=enrolling(f"not-a-token-{n}"), timeout=10
        ).status_code
        for n in range(LIMIT // 2)
    ]
    statuses += [
        httpx.get(
            f"{server.url}/supervisor/me", headers={"Authorization": f"Bearer x{n}"}, timeout=10
        ).status_code
        for n in range(LIMIT // 2)
    ]
    assert statuses[:-1] == [403] * (LIMIT // 2) + [401] * (LIMIT // 2 - 1)
    assert statuses[-1] == 429
    me = httpx.get(f"{server.url}/supervisor/me", headers={"Authorization": f"Bearer {supervisor}"})
    assert me.status_code == 429 and int(me.headers["Retry-After"]) >= 1


def test_every_server_process_on_the_database_refuses_the_same_address(
    server, engine, db_url, tmp_path
):
    other = LiveServer(db_url, tmp_path / "other.log").start()
    try:
        for n in range(LIMIT - 1):
            assert pull(server.url if n % 2 else other.url, f"g{n}").status_code == 401
        assert pull(other.url, "last").status_code == 429
        assert pull(server.url, "after").status_code == 429
    finally:
        other.stop()


def test_each_block_lasts_twice_the_one_before_up_to_a_quarter_of_an_hour(engine):
    throttle = Throttle(engine)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    lasted = []
    for strike in range(6):
        at = start + timedelta(hours=strike)
        for _ in range(LIMIT - 1):
            throttle.failed("192.0.2.7", at)
        with pytest.raises(TooManyFailures):
            throttle.failed("192.0.2.7", at)
        with engine.connect() as conn:
            until = conn.execute(sa.select(auth_failures.c.blocked_until)).scalar()
        until = until if until.tzinfo else until.replace(tzinfo=UTC)
        lasted.append(until - at)
    minute = timedelta(minutes=1)
    assert lasted == [minute, 2 * minute, 4 * minute, 8 * minute, LONGEST_BLOCK, LONGEST_BLOCK]
    # Failures spread thinner than twenty in ten minutes never block.
    for n in range(3 * LIMIT):
        throttle.failed("192.0.2.8", start + n * timedelta(minutes=1))
    throttle.check("192.0.2.8", start + timedelta(hours=2))


def test_the_limit_is_a_setting_and_a_wrong_one_is_said_before_serving(monkeypatch):
    from click.testing import CliRunner

    from headoffice.api.throttle import configured_limit
    from headoffice.cli import main as headoffice

    monkeypatch.setenv("HEADOFFICE_AUTH_FAILURES", "50")
    assert configured_limit() == 50
    monkeypatch.setenv("HEADOFFICE_AUTH_FAILURES", "lots")
    done = CliRunner().invoke(headoffice, ["serve", "--port", "1"])
    assert done.exit_code == 1
    assert "HEADOFFICE_AUTH_FAILURES is how many wrong tokens one address may give" in (done.output)
