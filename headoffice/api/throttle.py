"""Wrong tokens per client address: counted in the database, answered 429 once too many."""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from starlette.requests import Request

from headoffice.store.db import utc
from headoffice.store.tables import auth_failures

# A laptop whose token was revoked retries every few minutes, and a supervisor who
# mistypes tries again: twenty wrong tokens in ten minutes is neither.
LIMIT = 20
WINDOW = timedelta(minutes=10)
# A block lasts a minute, then twice as long each time the address is blocked again,
# up to a quarter of an hour; a day without a block forgets the earlier ones.
FIRST_BLOCK = timedelta(minutes=1)
LONGEST_BLOCK = timedelta(minutes=15)
FORGIVEN_AFTER = timedelta(days=1)


def configured_limit() -> int:
    """Wrong tokens an address may give in a WINDOW: HEADOFFICE_AUTH_FAILURES, or LIMIT."""
    text = os.environ.get("HEADOFFICE_AUTH_FAILURES", "").strip()
    if not text:
        return LIMIT
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(
            "HEADOFFICE_AUTH_FAILURES is how many wrong tokens one address may give in ten "
            f"minutes: a whole number of at least 1, not {text!r}"
        )
    return int(text)


def client_address(request: Request) -> str | None:
    """The address a request came from (the laptop's, through a trusted proxy), if known."""
    return request.client.host if request.client else None


class TooManyFailures(Exception):
    """This address gave too many wrong tokens: refuse it for `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many wrong tokens from this address: try again in {retry_after} s")


class Throttle:
    """Counts wrong tokens per address in the database, which every server process shares.

    Only a token that was given and is wrong counts: a request with no token is no
    guess, and a valid token of the wrong kind is no guess either.
    """

    def __init__(self, engine: Engine, limit: int = LIMIT) -> None:
        self.engine = engine
        self.limit = limit

    def check(self, address: str | None, now: datetime | None = None) -> None:
        """Raise TooManyFailures while `address` is blocked; its token is not even read."""
        if not address:
            return
        with self.engine.connect() as conn:
            until = conn.execute(
                sa.select(auth_failures.c.blocked_until).where(auth_failures.c.address == address)
            ).scalar()
        now = now or datetime.now(UTC)
        if until is not None and utc(until) > now:
            raise TooManyFailures(max(1, math.ceil((utc(until) - now).total_seconds())))

    def failed(self, address: str | None, now: datetime | None = None) -> None:
        """Count one wrong token from `address`; the limit-th in a WINDOW blocks it, and is
        answered so at once (TooManyFailures)."""
        if not address:
            return
        now = now or datetime.now(UTC)
        row = {"address": address[:64], "failures": 0, "since": now, "strikes": 0}
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        with self.engine.begin() as conn:
            # One row per address, made once whichever process gets there first, then
            # locked for the read-modify-write (SQLite's write lock covers it anyway).
            conn.execute(dialect.insert(auth_failures).values(**row).on_conflict_do_nothing())
            found = conn.execute(
                sa.select(auth_failures)
                .where(auth_failures.c.address == row["address"])
                .with_for_update()
            ).one()
            since, strikes = utc(found.since), found.strikes
            failures = found.failures + 1
            if now - since > WINDOW:
                failures, since = 1, now
            if found.blocked_until is not None and now - utc(found.blocked_until) > (
                FORGIVEN_AFTER
            ):
                strikes = 0
            blocked_until = found.blocked_until
            if failures >= self.limit:
                strikes += 1
                blocked_until = now + min(FIRST_BLOCK * 2 ** (strikes - 1), LONGEST_BLOCK)
                failures, since = 0, now
            conn.execute(
                auth_failures.update()
                .where(auth_failures.c.address == row["address"])
                .values(
                    failures=failures, since=since, strikes=strikes, blocked_until=blocked_until
                )
            )
        if failures == 0:  # this one blocked the address
            raise TooManyFailures(math.ceil((blocked_until - now).total_seconds()))
