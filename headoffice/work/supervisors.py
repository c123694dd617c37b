"""Supervisors and their tokens: the keys to the supervisor API, which laptops cannot use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headoffice.store.tables import devices, supervisors
from headoffice.work.roster import RosterError
from sync.tokens import new_token, token_hash


@dataclass(frozen=True)
class Supervisor:
    supervisor_id: int
    name: str


def add_supervisor(engine: Engine, name: str) -> str:
    """Create a supervisor and return their token (shown once; only its hash is kept)."""
    name = name.strip()
    if not name:
        raise RosterError("a supervisor needs a name")
    token = new_token()
    with engine.begin() as conn:
        taken = conn.execute(sa.select(supervisors.c.name).where(supervisors.c.name == name))
        if taken.first():
            raise RosterError(f"there is already a supervisor called {name!r}")
        conn.execute(
            supervisors.insert().values(
                name=name, token_hash=token_hash(token), created_at=datetime.now(UTC)
            )
        )
    return token


def revoke_supervisor(engine: Engine, name: str) -> None:
    """Stop a supervisor's token from working (they left, or it leaked)."""
    with engine.begin() as conn:
        result = conn.execute(
            supervisors.update()
            .where(supervisors.c.name == name, supervisors.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    if result.rowcount == 0:
        raise RosterError(f"no active supervisor called {name!r}")


def supervisor_for(engine: Engine, token: str) -> Supervisor | None:
    """The active supervisor holding this token, if any."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(supervisors.c.supervisor_id, supervisors.c.name).where(
                supervisors.c.token_hash == token_hash(token), supervisors.c.revoked_at.is_(None)
            )
        ).first()
    return Supervisor(row.supervisor_id, row.name) if row else None


def is_device_token(engine: Engine, token: str) -> bool:
    """Whether the token belongs to a laptop still in service (so a refusal can say why).

    A revoked laptop's token is not one: it is unknown, as a never-issued one.
    """
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(devices.c.device_id).where(
                devices.c.token_hash == token_hash(token), devices.c.revoked_at.is_(None)
            )
        )
        return found.first() is not None
