"""Tokens handed to people and laptops, and the hashes the server keeps instead of them."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A secret a person can copy: 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """What the server stores: a stolen database does not give away working tokens."""
    return hashlib.sha256(token.encode()).hexdigest()
