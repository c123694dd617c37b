"""A PIN stretched with Argon2id, and the data key wrapped and unwrapped with AES key wrap."""

from __future__ import annotations

import base64

from fieldapp.vault.keyfile import Stretch


def stretched(pin: str, stretch: Stretch) -> bytes:
    """The 32-byte key a PIN gives under these parameters: the slow step of an unlock."""
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        pin.encode("utf-8"),
        base64.b64decode(stretch.salt),
        time_cost=stretch.time_cost,
        memory_cost=stretch.memory_kib,
        parallelism=stretch.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def wrap(wrapping_key: bytes, data_key: bytes) -> str:
    """The data key wrapped (RFC 3394, which also proves a later unwrap right), as base64."""
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    return base64.b64encode(aes_key_wrap(wrapping_key, data_key)).decode()


def unwrap(wrapping_key: bytes, wrapped: str) -> bytes | None:
    """The data key, or None when this is not the key it was wrapped with (a wrong PIN)."""
    from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

    try:
        return aes_key_unwrap(wrapping_key, base64.b64decode(wrapped))
    except (InvalidUnwrap, ValueError):
        return None
