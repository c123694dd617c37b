"""The key file beside the database: the wrapped data key, how the PIN is stretched, wrong tries."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one process at a time is the rule there
    fcntl = None  # type: ignore[assignment]

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
        memory_kib, time_cost = shipped_costs()
        return cls(base64.b64encode(os.urandom(16)).decode(), memory_kib, time_cost)


def shipped_costs() -> tuple[int, int]:
    """(memory in KiB, passes) that new keys are stretched with."""
    if os.environ.get("FIELDAPP_INSECURE_FAST_KDF") == "1":
        # For test suites only, which make thousands of laptops: docs/SECURITY.md.
        return 64, 1
    return MEMORY_KIB, TIME_COST


@dataclass(frozen=True)
class KeyFile:
    """What is kept outside the encrypted database, none of it secret without the PIN."""

    stretch: Stretch
    wrapped: str  # base64: the data key, AES key wrap (RFC 3394) under the PIN's key
    keyring: str | None = None  # base64: the data key wrapped under a secret in the OS keyring
    failures: int = 0  # wrong PINs in a row
    retry_at: float = 0.0  # Unix time before which no PIN is tried
    # The collector's screen language, so the lock speaks it before the data is open.
    language: str | None = None
    version: int = field(default=1)

    def with_(self, **changes: object) -> KeyFile:
        return replace(self, **changes)


def key_path(home: Path) -> Path:
    return home / KEY_NAME


def read_key_file(home: Path) -> KeyFile | None:
    """The laptop's key file, or None when it has none yet; KeyFileDamaged when unreadable."""
    path = key_path(home)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        key_file = KeyFile(**{**raw, "stretch": Stretch(**raw["stretch"])})
        _check(key_file)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error) as error:
        raise KeyFileDamaged(
            f"{path} is damaged ({error}); without it this laptop's data cannot be opened: "
            "if it was not changed by hand, restore it from a backup or run fieldapp reset"
        ) from None
    return key_file


def _check(key_file: KeyFile) -> None:
    """Every field of the right kind and size, so that damage is never taken for a wrong PIN."""
    if len(base64.b64decode(key_file.stretch.salt, validate=True)) != 16:
        raise ValueError("the salt is not 16 bytes")
    # AES key wrap of a 32-byte key is 40 bytes.
    for name in ("wrapped", "keyring"):
        value = getattr(key_file, name)
        if (value is not None or name == "wrapped") and len(
            base64.b64decode(value, validate=True)
        ) != 40:
            raise ValueError(f"{name} is not a wrapped 256-bit key")
    stretch = key_file.stretch
    for number in (stretch.memory_kib, stretch.time_cost, stretch.parallelism, key_file.failures):
        if not isinstance(number, int) or number < 0:
            raise ValueError("a cost or a count is not a whole number")
    if not isinstance(key_file.retry_at, int | float):
        raise ValueError("retry_at is not a moment")


@contextlib.contextmanager
def key_file_lock(home: Path) -> Iterator[None]:
    """Only one process at a time reads, changes and writes the key file, or encrypts the
    database: the app and a command can run side by side."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    if fcntl is None:
        yield
        return
    # The laptop's folder itself is locked: no lock file to leave behind or erase.
    descriptor = os.open(home, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_key_file(home: Path, key_file: KeyFile) -> None:
    """Replace the key file whole: written 0600 beside it, flushed to disk, renamed over it.

    A crash leaves either the old file or the new one, never half of one: half a key
    file would lock the collector out of everything not yet synced.
    """
    path = key_path(home)
    # A draft of its own (mkstemp makes it 0600), so two writers never share one.
    descriptor, draft = tempfile.mkstemp(prefix=f"{KEY_NAME}.", suffix=".new", dir=home)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(asdict(key_file), handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(draft, path)
    if os.name == "posix":  # a folder cannot be opened to flush it on Windows
        folder = os.open(home, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
