"""Identifiers made on the device, so nothing needs the server to exist."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A UUIDv7: unique without coordination and roughly time-ordered."""
    return str(uuid6.uuid7())
