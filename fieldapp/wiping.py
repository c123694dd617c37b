"""Head office's wipe order carried out: the laptop's database, its journal and its log erased."""

from __future__ import annotations

from pathlib import Path

from fieldapp.config import log_path
from fieldapp.store.cipher import zero_and_remove
from fieldapp.store.layout import DB_NAME
from fieldapp.vault.keyfile import KEY_NAME, KeyFileDamaged, read_key_file
from fieldapp.vault.keyring_wrap import keyring_off
from fieldapp.vault.unlocking import forget
from sync.client import SyncError


class WipeOrdered(SyncError):
    """Head office revoked this laptop and ordered it wiped, once its waiting changes were in."""

    def __init__(self, message: str, undelivered: int) -> None:
        self.undelivered = undelivered
        super().__init__(message)


def erase(home: Path) -> list[str]:
    """Overwrite with zeros, then remove, every file that can hold a borrower, and the key
    that opens them; their names.

    Call it once every connection to the database is closed. The key file goes first,
    overwritten where it lies: without it the encrypted database is noise, even where
    flash keeps an old copy of its blocks. Zeros before removing, because a removed
    file's blocks stay on disk until reused. The keyring's entry goes last, and only
    where it was used: a keyring that asks to be unlocked must not stop the erasing.
    """
    forget(home)
    try:
        key_file = read_key_file(home)
    except KeyFileDamaged:
        key_file = None
    erased = []
    leftovers = sorted(home.glob(f"{KEY_NAME}.*.new")) + sorted(home.glob(f"{DB_NAME}.*"))
    for path in (
        home / KEY_NAME,
        *leftovers,
        home / DB_NAME,
        home / f"{DB_NAME}-wal",
        home / f"{DB_NAME}-shm",
        home / f"{DB_NAME}-journal",
        log_path(home),
    ):
        if path.exists():
            zero_and_remove(path)
            erased.append(path.name)
    if key_file is not None and key_file.keyring is not None:
        keyring_off(home)
    return erased


def wiped_sentence(erased: list[str], undelivered: int) -> str:
    """What `fieldapp sync` and the app say once the laptop is wiped."""
    lost = (
        f"; {undelivered} change(s) recorded during that last sync could not be sent"
        if undelivered
        else "; everything recorded on it had reached head office"
    )
    return (
        "head office revoked this laptop and ordered it wiped: its borrowers' data is erased "
        f"({', '.join(erased) or 'nothing was left'}){lost}. Ask your supervisor for a new "
        "enrollment token to use it again"
    )
