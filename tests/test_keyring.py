"""The system keyring as a second wrap: on, the laptop opens without the PIN; the PIN still
opens it; off, or wiped, the keyring keeps nothing. A real file-backed keyring (keyrings.alt)
stands in for the desktop's Secret Service, which this machine does not run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.vault.keyfile import read_key_file
from tests.conftest import TEST_PIN
from tests.test_pin import passed_time


def fieldapp(home: Path, *args: str, keyring: Path | None, stdin: str = "", **env: str):
    """`fieldapp ARGS` in its own process, without FIELDAPP_PIN, with or without a keyring."""
    base = {k: v for k, v in os.environ.items() if k != "FIELDAPP_PIN"}
    if keyring is not None:
        base |= {
            "PYTHON_KEYRING_BACKEND": "tests.stand_in_keyring.FileKeyring",
            "XDG_DATA_HOME": str(keyring),
        }
    else:
        base |= {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", "--home", str(home), *args],
        input=stdin, capture_output=True, text=True, env={**base, **env}, timeout=60,
    )  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "laptop"
    done = fieldapp(home, "route", keyring=None, FIELDAPP_PIN=TEST_PIN)
    assert done.returncode == 0, done.stderr
    return home


def kept(keyring: Path) -> bool:
    """Whether the keyring's file holds a secret for a laptop folder (named .../laptop)."""
    found = "".join(path.read_text() for path in keyring.rglob("*.cfg"))
    return "_2flaptop = " in found


def test_without_a_keyring_the_pin_alone_is_said_to_open_the_data(home, tmp_path):
    done = fieldapp(home, "pin", "keyring", "on", keyring=None, FIELDAPP_PIN=TEST_PIN)
    assert done.returncode == 1
    assert (
        "this machine offers no keyring that keeps" in done.stderr
        and "Traceback" not in done.stderr
    )
    # A keyring that keeps its secrets in a plain file would open the data without the PIN.
    plain = fieldapp(
        home,
        "pin",
        "keyring",
        "on",
        keyring=None,
        FIELDAPP_PIN=TEST_PIN,
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(tmp_path / "plain"),
    )
    assert plain.returncode == 1 and "this machine offers no keyring that keeps" in plain.stderr
    assert read_key_file(home).keyring is None


def test_the_keyring_opens_the_laptop_the_pin_still_does_and_off_forgets_it(home, tmp_path):
    keyring = tmp_path / "keyring"
    wrong = fieldapp(home, "pin", "keyring", "on", "--pin-stdin", keyring=keyring, stdin="1\n")
    assert wrong.returncode == 4  # turning it on needs the PIN
    passed_time(home)
    done = fieldapp(
        home, "pin", "keyring", "on", "--pin-stdin", keyring=keyring, stdin=f"{TEST_PIN}\n"
    )
    assert done.returncode == 0, done.stderr
    assert "keyring on (FileKeyring)" in done.stdout
    key_file = read_key_file(home)
    assert key_file.keyring is not None and key_file.wrapped  # a second wrap, beside the PIN's
    assert kept(keyring)
    # No PIN given, stdin no terminal: the keyring opens it.
    assert fieldapp(home, "route", keyring=keyring).returncode == 0
    # The PIN alone still opens it, where the keyring is gone.
    assert fieldapp(home, "route", keyring=None, FIELDAPP_PIN=TEST_PIN).returncode == 0
    assert fieldapp(home, "route", keyring=None).returncode == 4
    # A PIN change keeps the keyring's wrap: the data key is the same.
    changed = fieldapp(
        home, "pin", "change", keyring=keyring, FIELDAPP_PIN=TEST_PIN, FIELDAPP_NEW_PIN="582047"
    )
    assert changed.returncode == 0, changed.stderr
    assert fieldapp(home, "route", keyring=keyring).returncode == 0
    off = fieldapp(home, "pin", "keyring", "off", keyring=keyring, FIELDAPP_PIN="582047")
    assert off.returncode == 0, off.stderr
    assert read_key_file(home).keyring is None
    assert not kept(keyring)
    assert fieldapp(home, "route", keyring=keyring).returncode == 4


def test_a_wipe_leaves_nothing_in_the_keyring(home, tmp_path, monkeypatch):
    keyring = tmp_path / "keyring"
    on = fieldapp(home, "pin", "keyring", "on", keyring=keyring, FIELDAPP_PIN=TEST_PIN)
    assert on.returncode == 0, on.stderr
    assert kept(keyring)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.stand_in_keyring.FileKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(keyring))
    import keyring as library

    library.core.init_backend()  # this process reads the environment just set
    try:
        from fieldapp.wiping import erase

        erased = erase(home)
    finally:
        monkeypatch.undo()
        library.core.init_backend()
    assert "fieldapp.key" in erased and list(home.iterdir()) == []
    assert not kept(keyring)
