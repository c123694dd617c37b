"""Identifiers made on the device, so nothing needs the server to exist."""

from __future__ import annotations


def new_id() -> str:
    """A UUIDv7: unique without coordination and roughly time-ordered."""
    # Imported on first use: the route screen never needs it.
    import uuid6

    return str(uuid6.uuid7())
