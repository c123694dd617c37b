"""The contact policy as data: promise window, contact hours, who may be contacted for what."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Allowed(StrEnum):
    """What a contact may be used for."""

    DISCUSS = "discuss"  # may discuss the debt
    LOCATE = "locate"  # may only be asked where the borrower can be reached
    NONE = "none"


class ContactHours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time


class ContactPolicy(BaseModel):
    """One jurisdiction's rules, as in content/policy/<name>.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str
    version: int = Field(ge=1)
    longest_promise_days: int = Field(30, ge=1, le=365)
    contact_hours: ContactHours
    attempts_per_week: int = Field(3, ge=1)
    roles: dict[str, Allowed]

    def allowed(self, role: str) -> Allowed:
        """What a role may be contacted for; anyone not listed may not be contacted."""
        return self.roles.get(role, Allowed.NONE)


def newest_policy(default: ContactPolicy, published: Iterable[str]) -> ContactPolicy:
    """The published policy (JSON bodies) of the highest version, else the default.

    The laptop chooses from what it pulled, head office from what it published:
    the same choice, so both judge by the same rules.
    """
    chosen = default
    for body in published:
        try:
            candidate = ContactPolicy.model_validate(json.loads(body))
        except (ValueError, RecursionError):
            # Publishing checks every policy; a body that still cannot be read is
            # no policy at all, and both ends then judge by the default alike.
            continue
        if candidate.version >= chosen.version:
            chosen = candidate
    return chosen
