"""The laptop's database encrypted with SQLCipher: opening it with the data key, and encrypting
a plain one that an earlier version left."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

# sqlite-utils runs over pysqlite3 when it is importable, and so catches that driver's
# errors; sqlcipher3 is pysqlite3 built with SQLCipher, so it is offered under that name
# before sqlite-utils is first imported (fieldapp.store imports this module first).
sys.modules.setdefault("pysqlite3", sqlcipher3)
sys.modules.setdefault("pysqlite3.dbapi2", dbapi2)

Connection = dbapi2.Connection
Cursor = dbapi2.Cursor
OperationalError = dbapi2.OperationalError
DatabaseError = dbapi2.DatabaseError

# A plain SQLite file starts with these 16 bytes; an encrypted one with its random salt.
_PLAIN_HEADER = b"SQLite format 3\x00"


def _key_pragma(key: bytes) -> str:
    # A raw 256-bit key: SQLCipher skips its own PBKDF2, since the key is already random
    # (the PIN was stretched with Argon2id to unwrap it).
    return f"\"x'{key.hex()}'\""


def connect(path: Path, key: bytes, timeout: float = 30) -> Connection:
    """A connection to the encrypted database at `path`; a wrong key fails at once."""
    conn = dbapi2.connect(str(path), timeout=timeout)
    conn.execute(f"PRAGMA key = {_key_pragma(key)}")
    # Sorting and temporary tables stay in memory, never in a file beside the database.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def is_plain(path: Path) -> bool:
    """Whether `path` is an unencrypted SQLite database (from a version before encryption)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == _PLAIN_HEADER
    except FileNotFoundError:
        return False


def is_encrypted(path: Path) -> bool:
    """Whether `path` holds data that only its key can read (not empty, not plain)."""
    return path.exists() and path.stat().st_size > 0 and not is_plain(path)


def zero_and_remove(path: Path) -> None:
    """Overwrite a file with zeros, flush, and remove it: its blocks keep nothing readable."""
    if not path.exists():
        return
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(b"\0" * size)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sidecars(path: Path, suffix: str) -> tuple[Path, Path]:
    return path.with_name(path.name + suffix), path.with_name(path.name + suffix + "-wal")


def needs_encrypting(path: Path) -> bool:
    """Whether `path` is plain, or an encryption of it was stopped: cheap, for every opening."""
    return is_plain(path) or any(
        path.with_name(path.name + suffix).exists()
        for suffix in (".plain", ".encrypting", ".wal-to-erase")
    )


def finish_encrypting(path: Path) -> None:
    """Complete or undo an encryption that a crash interrupted, before anything opens `path`.

    The plain file is renamed aside before the encrypted copy takes its name: if the
    copy has the name, the plain one is erased; if nothing has it, the plain one comes
    back and is encrypted again. A half-made copy is erased either way.
    """
    plain = path.with_name(path.name + ".plain")
    for partial in (*_sidecars(path, ".encrypting"), path.with_name(path.name + ".wal-to-erase")):
        zero_and_remove(partial)
    if not plain.exists():
        return
    if is_encrypted(path):
        zero_and_remove(plain)  # the swap was made: the plain copy is all that is left
    else:
        # Nothing, or an empty file, has the name: the plain file is the only copy.
        if path.exists():
            path.unlink()
        os.replace(plain, path)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Encrypt a plain database under `key`: an encrypted copy, flushed, swapped, the old erased.

    Everything in it, the outbox included, is copied: nothing waiting for head office
    is lost, and the next sync sends it.
    """
    folder = path.parent
    copy = path.with_name(path.name + ".encrypting")
    os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    plain = dbapi2.connect(str(path), isolation_level=None)
    wal = path.with_name(path.name + "-wal")
    kept = path.with_name(path.name + ".wal-to-erase")
    try:
        # What sits in the WAL goes into the file first, so the copy has all of it.
        busy = plain.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
        if busy and busy[0]:
            raise OperationalError("the database is in use by another program; close it first")
        # A second name for the WAL, so its blocks can be zeroed once SQLite removes it.
        if wal.exists():
            os.link(wal, kept)
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY {_key_pragma(key)}", [str(copy)])
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
        plain.execute("PRAGMA journal_mode = DELETE")  # the plain WAL goes with this close
    finally:
        plain.close()
    with copy.open("rb+") as handle:
        os.fsync(handle.fileno())
    aside = path.with_name(path.name + ".plain")
    os.replace(path, aside)
    os.replace(copy, path)
    _sync_folder(folder)
    zero_and_remove(aside)
    for leftover in (kept, wal, path.with_name(path.name + "-shm")):
        zero_and_remove(leftover)
    _sync_folder(folder)
