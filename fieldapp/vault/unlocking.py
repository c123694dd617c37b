"""Unlocking the data key with the PIN: wrong tries wait longer each time, counted on disk."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path

from fieldapp.vault.keyfile import (
    KEY_NAME,
    KeyFile,
    Stretch,
    key_file_lock,
    read_key_file,
    shipped_costs,
    write_key_file,
)
from fieldapp.vault.wrapping import stretched, unwrap, wrap
from fieldcore.i18n import _

# Wrong PINs wait 1 s, 2 s, 4 s ... and never more than five minutes.
LONGEST_WAIT = 300

# Data keys this process has unlocked, by laptop folder: the screens, the sync worker
# and the CLI open the database many times, and the PIN is asked for once.
_unlocked: dict[Path, bytes] = {}

# How this process asks for a PIN it was not given: the command line sets a prompt (or
# standard input, with --pin-stdin); the app asks on its own screen before opening.
# Called with True when the PIN is a new one, to be chosen.
_ask: Callable[[bool], str] | None = None


def ask_with(asker: Callable[[bool], str] | None) -> None:
    """Where `data_key` gets a PIN that FIELDAPP_PIN does not give."""
    global _ask
    _ask = asker


class Locked(Exception):
    """This laptop's data is locked: the PIN is needed, or was wrong, or must wait."""


class PinNeeded(Locked):
    """No PIN was given, and none was unlocked in this process."""


class WrongPin(Locked):
    """The PIN does not unlock this laptop's key; the next try waits `wait` seconds."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(_("wrong PIN; the next try can be made in {wait} s").format(wait=wait))


class WaitFirst(Locked):
    """Too soon after a wrong PIN: nothing is tried for `wait` more seconds."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(
            _("a wrong PIN was typed: the next try can be made in {wait} s").format(wait=wait)
        )


class KeyLost(Locked):
    """The database is encrypted but its key file is gone: nothing can open it."""


class BadPin(ValueError):
    """A new PIN that does not follow the rules; the message says which."""


class AlreadySet(BadPin):
    """A first PIN for a laptop that got one meanwhile (another process chose it)."""


def new_pin() -> str:
    """A PIN chosen for a laptop that has none: FIELDAPP_PIN, or asked; checked, not yet kept."""
    pin = os.environ.get("FIELDAPP_PIN") or None  # set but empty: not given
    if pin is None and _ask is not None:
        pin = _ask(True)
    if pin is None:
        raise PinNeeded(_("this laptop needs a PIN: give it in FIELDAPP_PIN, or with --pin-stdin"))
    if problem := pin_problem(pin):
        raise BadPin(problem)
    return pin


def pin_problem(pin: str) -> str | None:
    """What is wrong with a PIN chosen as new, or None: six digits or more, not a pattern."""
    pin = pin.strip()
    if len(pin) < 6:
        return _("a PIN has at least 6 digits (or choose a passphrase of 6 characters or more)")
    if len(set(pin)) == 1 or pin in "0123456789012345678" or pin in "9876543210987654321":
        return _("that PIN is too easy to guess (one digit repeated, or a run like 123456)")
    return None


def is_set(home: Path) -> bool:
    """Whether this laptop has a PIN (a key file)."""
    return read_key_file(home) is not None


def data_key(home: Path, encrypted_data: bool = False) -> bytes:
    """The key that opens this laptop's database.

    Unlocked once per process: by the system keyring where the collector turned it on, by
    the PIN screen, by the CLI, or from FIELDAPP_PIN, which also sets the PIN of a laptop
    that has none yet (scripts and tests; docs/SECURITY.md).
    """
    key = _unlocked.get(home.resolve())
    if key is not None:
        return key
    key_file = read_key_file(home)
    known = key_file is not None
    if key_file is not None and key_file.keyring is not None:
        from fieldapp.vault.keyring_wrap import from_keyring

        if (key := from_keyring(home, key_file.keyring)) is not None:
            _unlocked[home.resolve()] = key
            return key
    if not known and encrypted_data:
        raise KeyLost(
            _(
                "this laptop's key file ({name}) is missing, so its data cannot be opened; "
                "erase it with fieldapp reset, and ask your supervisor for a new enrollment"
            ).format(name=KEY_NAME)
        )
    pin = os.environ.get("FIELDAPP_PIN") or None  # set but empty: not given
    if pin is None and _ask is not None:
        pin = _ask(not known)
    if pin is None:
        raise PinNeeded(
            _("this laptop's data is locked: give the PIN (FIELDAPP_PIN, or --pin-stdin)")
        )
    if known:
        return unlock(home, pin)
    try:
        return set_pin(home, pin)
    except AlreadySet:
        return unlock(home, pin)  # another process chose it a moment ago: it must be this one


def set_pin(home: Path, pin: str) -> bytes:
    """A new random data key for a laptop that has none, wrapped by its first PIN."""
    pin = pin.strip()
    if problem := pin_problem(pin):
        raise BadPin(problem)
    key = os.urandom(32)
    stretch = Stretch.new()
    wrapped = wrap(stretched(pin, stretch), key)
    with key_file_lock(home):
        # Checked under the lock: two processes must never each make a first key.
        if is_set(home):
            raise AlreadySet(_("this laptop has a PIN already; change it with fieldapp pin change"))
        write_key_file(home, KeyFile(stretch=stretch, wrapped=wrapped))
    _unlocked[home.resolve()] = key
    return key


def _wait_after(failures: int) -> int:
    return min(2 ** (failures - 1), LONGEST_WAIT) if failures > 0 else 0


def unlock(home: Path, pin: str) -> bytes:
    """The data key, if `pin` is this laptop's PIN; each wrong one makes the next wait longer.

    The count is in the key file, so restarting the app does not reset it, and each try
    is counted before the PIN is stretched, so stopping a process mid-try gains nothing.
    The PIN is always stretched, even when this process holds the key already (the idle
    lock): a guess costs the same everywhere.
    """
    pin = pin.strip()  # spaces around it are a slip of the finger, never a guess
    with key_file_lock(home):
        key_file = read_key_file(home)
        if key_file is None:
            raise KeyLost(_("this laptop has no PIN yet"))
        # Never longer than the schedule says, so a clock set back cannot lock anyone out.
        waiting = min(key_file.retry_at - time.time(), _wait_after(key_file.failures))
        if waiting > 0:
            raise WaitFirst(math.ceil(waiting))
        failures = key_file.failures + 1
        wait = _wait_after(failures)
        write_key_file(home, key_file.with_(failures=failures, retry_at=time.time() + wait))
    key = unwrap(stretched(pin, key_file.stretch), key_file.wrapped)
    if key is None:
        raise WrongPin(wait)
    with key_file_lock(home):
        latest = read_key_file(home) or key_file
        latest = latest.with_(failures=0, retry_at=0.0)
        if _weaker(latest.stretch):
            # A key made with lower costs (an older version, or a test setting) is wrapped
            # again with the shipped ones, now that the PIN is known to be right.
            stretch = Stretch.new()
            latest = latest.with_(stretch=stretch, wrapped=wrap(stretched(pin, stretch), key))
        write_key_file(home, latest)
    _unlocked[home.resolve()] = key
    return key


def _weaker(stretch: Stretch) -> bool:
    return (stretch.memory_kib, stretch.time_cost) < shipped_costs()


def change_pin(home: Path, old: str, new: str) -> None:
    """Wrap the same data key under a new PIN: the database itself is not rewritten."""
    if problem := pin_problem(new):
        raise BadPin(problem)
    key = unlock(home, old)
    if new.strip() == old.strip():
        raise BadPin(_("the new PIN is the one in use; choose another"))
    stretch = Stretch.new()
    wrapped = wrap(stretched(new.strip(), stretch), key)
    with key_file_lock(home):
        key_file = read_key_file(home)
        if key_file is None:
            raise KeyLost(_("this laptop has no PIN yet"))
        write_key_file(home, key_file.with_(stretch=stretch, wrapped=wrapped))


def remember_language(home: Path, language: str) -> None:
    """Keep the screens' language beside the key, for the lock to speak before it opens."""
    with key_file_lock(home):
        key_file = read_key_file(home)
        if key_file is not None and key_file.language != language:
            write_key_file(home, key_file.with_(language=language))


def forget(home: Path) -> None:
    """This process no longer holds the laptop's key (after a wipe)."""
    _unlocked.pop(home.resolve(), None)
