"""The key file beside the database: the wrapped data key, how the PIN is stretched, wrong tries."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

KEY_NAME = "fieldapp.key"

# Argon2id with 128 MiB and three passes takes about 0.35 s on the laptops we measured
# (bench/unlock_bench.py): slow enough that guessing a six-digit PIN on a stolen disk
# takes days per core, quick enough that nobody waits for the route.
MEMORY_KIB = 128 * 1024
TIME_COST = 3
PARALLELISM = 1


class KeyFileDamaged(ValueError):
    """The key file cannot be read: the data it locks cannot be either."""


@dataclass(frozen=True)
class Stretch:
    """How a PIN becomes the key that wraps the data key (Argon2id)."""

    salt: str  # base64, 16 random bytes
    memory_kib: int = MEMORY_KIB
    time_cost: int = TIME_COST
    parallelism: int = PARALLELISM

    @classmethod
    def new(cls) -> Stretch:
        salt = base64.b64encode(os.urandom(16)).decode()
        if os.environ.get("FIELDAPP_INSECURE_FAST_KDF") == "1":
            # For test suites only, which make thousands of laptops: docs/SECURITY.md.
            return cls(salt, memory_kib=64, time_cost=1)
        return cls(salt)


@dataclass(frozen=True)
class KeyFile:
    """What is kept outside the encrypted database, none of it secret without the PIN."""

    stretch: Stretch
    wrapped: str  # base64: the data key, AES key wrap (RFC 3394) under the PIN's key
    keyring: str | None = None  # base64: the data key wrapped under a secret in the OS keyring
    failures: int = 0  # wrong PINs in a row
    retry_at: float = 0.0  # Unix time before which no PIN is tried
    version: int = field(default=1)

    def with_(self, **changes: object) -> KeyFile:
        return replace(self, **changes)


def key_path(home: Path) -> Path:
    return home / KEY_NAME


def read_key_file(home: Path) -> KeyFile | None:
    """The laptop's key file, or None when it has none yet."""
    path = key_path(home)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return KeyFile(**{**raw, "stretch": Stretch(**raw["stretch"])})
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError) as error:
        raise KeyFileDamaged(
            f"{path} is damaged ({error}); without it this laptop's data cannot be opened"
        ) from None


def write_key_file(home: Path, key_file: KeyFile) -> None:
    """Replace the key file whole: written 0600 beside it, flushed to disk, renamed over it.

    A crash leaves either the old file or the new one, never half of one: half a key
    file would lock the collector out of everything not yet synced.
    """
    path = key_path(home)
    draft = path.with_name(path.name + ".new")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(asdict(key_file), handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(draft, path)
    folder = os.open(home, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
