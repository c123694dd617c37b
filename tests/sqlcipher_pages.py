"""The laptop's files decrypted page by page with its data key, as an attacker who learnt the
PIN would read them: freed pages and WAL frames included, which no query shows."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# SQLCipher 4's defaults: 4096-byte pages, each ending in its IV (16) and HMAC-SHA512 (64).
PAGE = 4096
RESERVE = 16 + 64
SALT = 16
WAL_HEADER, FRAME_HEADER = 32, 24


def _page(key: bytes, page: bytes, first: bool) -> bytes:
    start = SALT if first else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize()


def decrypted(path: Path, key: bytes) -> bytes:
    """Every page of a database file or a WAL, decrypted, one after the other."""
    data = path.read_bytes()
    out = []
    if path.name.endswith("-wal"):
        offset = WAL_HEADER
        while offset + FRAME_HEADER + PAGE <= len(data):
            number = int.from_bytes(data[offset : offset + 4], "big")
            frame = data[offset + FRAME_HEADER : offset + FRAME_HEADER + PAGE]
            out.append(_page(key, frame, first=number == 1))
            offset += FRAME_HEADER + PAGE
    else:
        for start in range(0, len(data) - PAGE + 1, PAGE):
            out.append(_page(key, data[start : start + PAGE], first=start == 0))
    return b"".join(out)


def with_the_key(home: Path) -> dict[str, bytes]:
    """Each file under a laptop's folder as an attacker holding its data key reads it: the
    bytes as they are, and for the database and its WAL every page decrypted besides."""
    from fieldapp.vault.unlocking import data_key, is_set

    # A wiped laptop has no key left, and nothing here may make it one.
    key = data_key(home) if is_set(home) else None
    read = {}
    for path in sorted(home.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if key and path.name in ("fieldapp.db", "fieldapp.db-wal"):
                data += decrypted(path, key)
            read[path.name] = data
    return read
