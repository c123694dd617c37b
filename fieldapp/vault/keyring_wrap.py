"""The system keyring as a second wrap of the data key, beside the PIN's, never instead of it.

While the collector's login session holds the keyring open, the app and the commands
open without asking the PIN; the idle lock still asks it, and the PIN alone always
opens the data (a keyring can be lost with a user profile).
"""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path

from fieldapp.vault.keyfile import key_file_lock, read_key_file, write_key_file
from fieldapp.vault.wrapping import unwrap, wrap

SERVICE = "fieldapp"


class NoKeyring(RuntimeError):
    """This machine offers no keyring that keeps secrets (none is set up, or it failed)."""


def _account(home: Path) -> str:
    # One entry per laptop folder: one machine may act as several laptops.
    return str(home.resolve())


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    # The keyring library's own measure: below 1 are the stand-ins (a plain file, none).
    if isinstance(backend, fail.Keyring) or backend.priority < 1:
        raise NoKeyring(
            "this machine offers no keyring that keeps secrets safe (on Linux, a Secret "
            "Service such as GNOME Keyring or KWallet; a plain file does not count): the PIN "
            "alone opens the data"
        )
    return backend


def keyring_name() -> str:
    """The keyring in use, as the keyring library names it."""
    return type(_keyring()).__name__


def keyring_on(home: Path, key: bytes) -> str:
    """Wrap the (unlocked) data key a second time under a random secret kept in the keyring;
    the keyring's name."""
    backend = _keyring()
    secret = os.urandom(32)
    backend.set_password(SERVICE, _account(home), base64.b64encode(secret).decode())
    with key_file_lock(home):
        key_file = read_key_file(home)
        assert key_file is not None  # the key was unlocked from it
        write_key_file(home, key_file.with_(keyring=wrap(secret, key)))
    return type(backend).__name__


def keyring_off(home: Path) -> None:
    """Forget the keyring's wrap and its secret: from now on only the PIN opens the data."""
    with key_file_lock(home):
        key_file = read_key_file(home)
        if key_file is not None and key_file.keyring is not None:
            write_key_file(home, key_file.with_(keyring=None))
    # No keyring, or no entry in it: either way nothing is left there.
    with contextlib.suppress(Exception):
        _keyring().delete_password(SERVICE, _account(home))


def from_keyring(home: Path, wrapped: str) -> bytes | None:
    """The data key from the keyring's secret, or None when the keyring cannot give it."""
    try:
        secret = _keyring().get_password(SERVICE, _account(home))
    except Exception:  # locked, absent or broken: the PIN is asked instead
        return None
    if not secret:
        return None
    return unwrap(base64.b64decode(secret), wrapped)
