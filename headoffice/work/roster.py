"""Collectors, their laptops and their routes: add, enroll, assign, recall."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.accounts import LANGUAGES
from fieldcore.ids import new_id
from headoffice.evidence.trail import append
from headoffice.store.db import chunks
from headoffice.store.tables import (
    accounts,
    collectors,
    devices,
    enrollments,
    holds,
    outcomes,
    reserve_changes,
    visits,
)
from headoffice.work.closing import closed_among
from sync.tokens import new_token, token_hash


class RosterError(ValueError):
    """A roster command that cannot be carried out; nothing was changed.

    `status` is how the API answers it: 409, the request conflicts with what
    head office holds; `Unknown` (404) when it names something that is not there.
    """

    status = 409


class Unknown(RosterError):
    """The command names a collector, account or visit head office does not have."""

    status = 404


def add_collector(engine: Engine, name: str, language: str = "en", timezone: str = "UTC") -> str:
    """Create a collector and return a one-time enrollment token for their laptop."""
    name = name.strip()
    if not name:
        raise RosterError("a collector needs a name")
    if language not in LANGUAGES:
        raise RosterError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RosterError(f"{timezone!r} is not a time zone (like Europe/Copenhagen)") from None
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.execute(
            sa.select(collectors.c.collector_id).where(collectors.c.name == name)
        ).first():
            raise RosterError(f"there is already a collector called {name!r}")
        collector_id = conn.execute(
            collectors.insert().values(
                name=name, language=language, timezone=timezone, created_at=now
            )
        ).inserted_primary_key[0]
        return _new_enrollment(conn, collector_id, now)


def new_enrollment(engine: Engine, name: str) -> str:
    """Another one-time token for an existing collector (a new or replaced laptop)."""
    with engine.begin() as conn:
        collector_id = _collector_id(conn, name)
        return _new_enrollment(conn, collector_id, datetime.now(UTC))


def _new_enrollment(conn: Connection, collector_id: int, now: datetime) -> str:
    token = new_token()
    conn.execute(
        enrollments.insert().values(
            token_hash=token_hash(token), collector_id=collector_id, created_at=now
        )
    )
    return token


def _collector_id(conn: Connection, name: str) -> int:
    found = conn.execute(
        sa.select(collectors.c.collector_id).where(collectors.c.name == name)
    ).scalar_one_or_none()
    if found is None:
        raise Unknown(f"no collector called {name!r}")
    return found


def enroll_device(engine: Engine, token: str, device_name: str) -> dict:
    """Trade a one-time enrollment token for a device identity; None-safe errors as RosterError."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(enrollments, collectors.c.name, collectors.c.language, collectors.c.timezone)
            .join(collectors, collectors.c.collector_id == enrollments.c.collector_id)
            .where(enrollments.c.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise RosterError("this enrollment token is not known; ask your supervisor for one")
        if row.used_at is not None:
            raise RosterError("this enrollment token was already used; ask for a new one")
        device_id = new_id()
        device_token = new_token()
        code = _free_device_code(conn)
        conn.execute(
            devices.insert().values(
                device_id=device_id,
                collector_id=row.collector_id,
                token_hash=token_hash(device_token),
                device_code=code,
                name=device_name,
                created_at=now,
            )
        )
        conn.execute(
            enrollments.update()
            .where(enrollments.c.token_hash == row.token_hash)
            .values(used_at=now, device_id=device_id)
        )
    return {
        "device_id": device_id,
        "device_token": device_token,
        "device_code": code,
        "collector": row.name,
        "language": row.language,
        "timezone": row.timezone,
    }


def _free_device_code(conn: Connection) -> str:
    # Short enough to write on a paper receipt; no 0/O or 1/I to misread.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(5))
        taken = conn.execute(sa.select(devices.c.device_id).where(devices.c.device_code == code))
        if taken.first() is None:
            return code


class Revoked(NamedTuple):
    """How many laptops a revocation took out of service, and how many it ordered wiped."""

    revoked: int
    wipe_ordered: int


def revoke_devices(engine: Engine, name: str, wipe: bool = False) -> Revoked:
    """Revoke every laptop of a collector still in service.

    With `wipe`, each one's next contact is answered with a wipe order, after head
    office takes what it has waiting; laptops revoked earlier without one are ordered
    wiped too (a laptop reported lost after its revocation).
    """
    now = datetime.now(UTC)
    with engine.begin() as conn:
        collector_id = _collector_id(conn, name)
        result = conn.execute(
            devices.update()
            .where(devices.c.collector_id == collector_id, devices.c.revoked_at.is_(None))
            .values(revoked_at=now, wipe_ordered_at=now if wipe else None)
        )
        ordered = 0
        if wipe:
            # Those just revoked carry the order already; these are the ones revoked before.
            ordered = (
                result.rowcount
                + conn.execute(
                    devices.update()
                    .where(
                        devices.c.collector_id == collector_id,
                        devices.c.wipe_ordered_at.is_(None),
                        devices.c.wiped_at.is_(None),
                    )
                    .values(wipe_ordered_at=now)
                ).rowcount
            )
        return Revoked(result.rowcount, ordered)


def assign(engine: Engine, collector: str, visit_date: date, account_ids: list[str]) -> int:
    """Put accounts on a collector's route for a date, in the order given.

    An account already on someone else's route that day is taken from them
    (their laptop drops it at the next sync). The collector's other stops that
    day keep their order, after the given ones. All or nothing.
    """
    if not account_ids:
        raise RosterError("name at least one account to assign")
    if len(set(account_ids)) != len(account_ids):
        raise RosterError("an account is named twice; the route order would be ambiguous")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        collector_id = _collector_id(conn, collector)
        _require_accounts(conn, account_ids)
        named = set(account_ids)
        that_day = sa.select(visits).where(
            visits.c.visit_date == visit_date, visits.c.status == "assigned"
        )
        active = {
            v.visit_id: v
            for v in conn.execute(that_day.where(visits.c.collector_id == collector_id))
        }
        for chunk in chunks(account_ids):
            found = conn.execute(that_day.where(visits.c.account_id.in_(chunk)))
            active |= {v.visit_id: v for v in found}
        mine = {v.account_id: v for v in active.values() if v.collector_id == collector_id}
        theirs = [
            v for v in active.values() if v.collector_id != collector_id and v.account_id in named
        ]
        others = sorted(
            (v for v in mine.values() if v.account_id not in named), key=lambda v: v.sequence
        )
        first = reserve_changes(conn, len(theirs) + len(account_ids) + len(others))
        seqs = iter(range(first, first + 10**9))
        for visit in theirs:
            conn.execute(
                visits.update()
                .where(visits.c.visit_id == visit.visit_id)
                .values(status="recalled", seq=next(seqs))
            )
        fresh: list[dict] = []
        for position, account_id in enumerate([*account_ids, *(v.account_id for v in others)], 1):
            if account_id in mine:
                conn.execute(
                    visits.update()
                    .where(visits.c.visit_id == mine[account_id].visit_id)
                    .values(sequence=position, seq=next(seqs))
                )
            else:
                fresh.append(
                    {
                        "visit_id": new_id(),
                        "account_id": account_id,
                        "collector_id": collector_id,
                        "visit_date": visit_date,
                        "sequence": position,
                        "status": "assigned",
                        "seq": next(seqs),
                        "created_at": now,
                    }
                )
        for batch in chunks(fresh):
            conn.execute(visits.insert(), batch)
        append(
            conn,
            [
                (
                    "assignment",
                    None,
                    None,
                    {
                        "collector": collector,
                        "date": visit_date.isoformat(),
                        "accounts": account_ids,
                    },
                )
            ],
        )
    return len(account_ids)


def recall(engine: Engine, visit_date: date, account_ids: list[str]) -> int:
    """Take visits of a date back from whoever has them. All or nothing."""
    if not account_ids:
        raise RosterError("name at least one account to recall")
    with engine.begin() as conn:
        found = []
        for chunk in chunks(account_ids):
            found += conn.execute(
                sa.select(visits.c.visit_id, visits.c.account_id).where(
                    visits.c.visit_date == visit_date,
                    visits.c.status == "assigned",
                    visits.c.account_id.in_(chunk),
                )
            ).all()
        missing = sorted(set(account_ids) - {row.account_id for row in found})
        if missing:
            raise Unknown(f"not on any route on {visit_date}: {', '.join(missing)}")
        first = reserve_changes(conn, len(found))
        for offset, row in enumerate(found):
            conn.execute(
                visits.update()
                .where(visits.c.visit_id == row.visit_id)
                .values(status="recalled", seq=first + offset)
            )
        recalled = sorted(row.account_id for row in found)
        append(
            conn, [("recall", None, None, {"date": visit_date.isoformat(), "accounts": recalled})]
        )
    return len(found)


def reassign(engine: Engine, giver: str, taker: str, visit_date: date) -> list[str]:
    """Move a collector's unvisited stops of a day to another, after the taker's own.

    For a collector off sick or stuck: stops that already have an outcome stay
    where they are. Returns the moved account ids, in their old order.
    """
    if giver == taker:
        raise RosterError("reassign from one collector to another, not to the same one")
    with engine.connect() as conn:
        giver_id = _collector_id(conn, giver)
        taker_id = _collector_id(conn, taker)
        day = (
            sa.select(visits.c.visit_id, visits.c.account_id, visits.c.collector_id)
            .where(visits.c.visit_date == visit_date, visits.c.status == "assigned")
            .where(visits.c.collector_id.in_([giver_id, taker_id]))
            .order_by(visits.c.sequence)
        )
        rows = conn.execute(day).all()
        visited: set[str] = set()
        for chunk in chunks(r.visit_id for r in rows):
            query = sa.select(outcomes.c.visit_id).where(outcomes.c.visit_id.in_(chunk))
            visited |= set(conn.execute(query).scalars())
    moving = [
        r.account_id for r in rows if r.collector_id == giver_id and r.visit_id not in visited
    ]
    if not moving:
        raise RosterError(f"{giver} has no unvisited stops on {visit_date}")
    keeping = [r.account_id for r in rows if r.collector_id == taker_id]
    assign(engine, taker, visit_date, keeping + moving)
    return moving


def _require_accounts(conn: Connection, account_ids: list[str]) -> None:
    known: set[str] = set()
    for chunk in chunks(account_ids):
        known |= set(
            conn.execute(sa.select(accounts.c.account_id).where(accounts.c.account_id.in_(chunk)))
            .scalars()
            .all()
        )
    missing = [a for a in account_ids if a not in known]
    if missing:
        raise Unknown(f"unknown account(s): {', '.join(missing)}")
    referred: list[str] = []
    for chunk in chunks(account_ids):
        referred += conn.execute(
            sa.select(holds.c.account_id).where(
                holds.c.account_id.in_(chunk),
                holds.c.reason == "referred",
                holds.c.released_at.is_(None),
            )
        ).scalars()
    if referred:
        raise RosterError(
            f"referred to court or an agency, not for the field: {', '.join(sorted(referred))}"
        )
    # A closed account left the field for good: no route takes it again.
    closed = closed_among(conn, account_ids)
    if closed:
        named = ", ".join(f"{a} (on {day})" for a, day in sorted(closed.items()))
        raise RosterError(f"closed, so not for a route: {named}")


def collector_list(engine: Engine) -> list[dict]:
    """Every collector with their language, time zone and active laptops."""
    laptops = (
        sa.select(sa.func.count(devices.c.device_id))
        .where(devices.c.collector_id == collectors.c.collector_id, devices.c.revoked_at.is_(None))
        .scalar_subquery()
    )
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                collectors.c.name,
                collectors.c.language,
                collectors.c.timezone,
                laptops.label("laptops"),
            ).order_by(collectors.c.name)
        )
        return [dict(row._mapping) for row in rows]
