"""The PIN at the command line, in real processes: missing or wrong is exit 4, wrong ones wait
longer each time (counted on disk), enrollment sets it, a change re-wraps only the key."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldapp.vault.keyfile import MEMORY_KIB, TIME_COST, read_key_file
from headoffice.work import roster
from tests.conftest import TEST_PIN, sqlite_only

db_url = pytest.fixture(sqlite_only, name="db_url")


def fieldapp(home: Path, *args: str, stdin: str | None = None, **env: str):
    """`fieldapp --home HOME ARGS` in its own process, without FIELDAPP_PIN unless given."""
    base = {k: v for k, v in os.environ.items() if k not in ("FIELDAPP_PIN", "FIELDAPP_NEW_PIN")}
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", "--home", str(home), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=60,
    )


def passed_time(home: Path, left: float = 0) -> None:
    """As if the wait after the last wrong PIN were over, or had `left` seconds to go (time
    is an input to these tests; the wait is counted in the key file)."""
    path = home / "fieldapp.key"
    kept = json.loads(path.read_text())
    path.write_text(json.dumps({**kept, "retry_at": time.time() + left if left else 0.0}))


def test_without_a_pin_a_command_says_so_and_exits_4_never_asking_a_pipe(laptop):
    done = fieldapp(laptop, "route")
    assert done.returncode == 4, done.stderr
    assert "this laptop's data is locked" in done.stderr and "--pin-stdin" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_pin_from_stdin_before_or_after_the_command_or_from_the_environment(laptop):
    sync_once(laptop)
    for args in (("--pin-stdin", "route"), ("route", "--pin-stdin")):
        done = fieldapp(laptop, *args, "--json", stdin=f"{TEST_PIN}\n")
        assert done.returncode == 0, done.stderr
        assert {v["account_id"] for v in json.loads(done.stdout)} == {"DK-1", "CN-1", "EN-1"}
    assert fieldapp(laptop, "route", FIELDAPP_PIN=TEST_PIN).returncode == 0
    # --help needs no PIN: it opens nothing.
    assert fieldapp(laptop, "route", "--help").returncode == 0


def test_wrong_pins_wait_longer_each_time_and_a_restart_does_not_reset_the_count(laptop):
    waits = []
    for _ in range(4):
        done = fieldapp(laptop, "route", "--pin-stdin", stdin="999999\n")
        assert done.returncode == 4
        assert "wrong PIN" in done.stderr
        waits.append(int(re.search(r"made in (\d+) s", done.stderr)[1]))
        passed_time(laptop)
    # Within the wait, the right PIN is not even tried. The wait left is never more than
    # the schedule's (8 s after four), whatever the key file says: a clock set back
    # cannot lock the collector out for longer.
    passed_time(laptop, left=3600)
    early = fieldapp(laptop, "route", "--pin-stdin", stdin=f"{TEST_PIN}\n")
    assert early.returncode == 4
    assert "a wrong PIN was typed: the next try can be made in 8 s" in early.stderr
    passed_time(laptop)
    assert waits == [1, 2, 4, 8]
    assert read_key_file(laptop).failures == 4
    done = fieldapp(laptop, "route", "--pin-stdin", stdin=f"{TEST_PIN}\n")
    assert done.returncode == 0, done.stderr
    assert read_key_file(laptop).failures == 0


def test_the_wait_stops_growing_at_five_minutes(tmp_path):
    from fieldapp.vault.unlocking import WrongPin, set_pin, unlock

    home = tmp_path / "laptop"
    set_pin(home, "135790")
    seen = []
    for _ in range(12):
        with pytest.raises(WrongPin) as wrong:
            unlock(home, "000001")
        seen.append(wrong.value.wait)
        passed_time(home)
    assert seen == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]


def test_enrollment_sets_the_pin_and_refuses_a_weak_one_leaving_nothing(engine, server, tmp_path):
    home = tmp_path / "new laptop"
    token = roster.add_collector(engine, "Mette")
    for weak in ("12345", "111111", "123456"):
        done = fieldapp(
            home, "enroll", "--server", server.url, "--token", token, "--pin-stdin",
            stdin=f"{weak}\n",
        )  # fmt: skip
        assert done.returncode == 4, done.stderr
        assert "PIN" in done.stderr
        assert not (home / "fieldapp.key").exists() and not (home / "fieldapp.db").exists()
    done = fieldapp(
        home, "enroll", "--server", server.url, "--token", token, "--pin-stdin",
        stdin="482916\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    made = read_key_file(home)
    assert made.failures == 0 and made.keyring is None
    assert fieldapp(home, "sync", FIELDAPP_PIN="482916").returncode == 0
    assert fieldapp(home, "sync", FIELDAPP_PIN=TEST_PIN).returncode == 4


def test_a_real_key_is_stretched_with_the_full_argon2id_costs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_INSECURE_FAST_KDF"}
    home = tmp_path / "laptop"
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "--home", str(home), "route"],
        capture_output=True, text=True, env={**env, "FIELDAPP_PIN": "482916"}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stretch = read_key_file(home).stretch
    assert (stretch.memory_kib, stretch.time_cost) == (MEMORY_KIB, TIME_COST) == (131072, 3)


def test_changing_the_pin_rewraps_the_key_and_leaves_the_data_as_it_was(laptop):
    Store(laptop).close()  # checkpointed: the file is all there is
    before = hashlib.sha256((laptop / "fieldapp.db").read_bytes()).hexdigest()
    wrapped = read_key_file(laptop).wrapped
    done = fieldapp(laptop, "pin", "change", FIELDAPP_PIN=TEST_PIN, FIELDAPP_NEW_PIN="582047")
    assert done.returncode == 0, done.stderr
    assert "PIN changed" in done.stdout
    assert hashlib.sha256((laptop / "fieldapp.db").read_bytes()).hexdigest() == before
    assert read_key_file(laptop).wrapped != wrapped
    assert fieldapp(laptop, "route", FIELDAPP_PIN=TEST_PIN).returncode == 4
    passed_time(laptop)
    assert fieldapp(laptop, "route", FIELDAPP_PIN="582047").returncode == 0
    # From standard input: the current PIN, then the new one; a weak new one changes nothing.
    weak = fieldapp(laptop, "pin", "change", "--pin-stdin", stdin="582047\n222222\n")
    assert weak.returncode == 4 and "too easy" in weak.stderr
    done = fieldapp(laptop, "pin", "change", "--pin-stdin", stdin="582047\n917364\n")
    assert done.returncode == 0, done.stderr
    assert fieldapp(laptop, "route", FIELDAPP_PIN="917364").returncode == 0


def test_the_database_is_no_database_without_its_key_and_a_lost_key_is_said(laptop):
    Store(laptop).close()
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(laptop / "fieldapp.db").execute("SELECT * FROM sqlite_master")
    (laptop / "fieldapp.key").unlink()
    done = fieldapp(laptop, "route", FIELDAPP_PIN=TEST_PIN)
    assert done.returncode == 4
    assert "key file (fieldapp.key) is missing" in done.stderr
    assert not (laptop / "fieldapp.key").exists()  # no new key made for data it cannot open


def test_an_enrollment_that_fails_leaves_no_pin_behind_for_the_next_try(engine, server, tmp_path):
    home = tmp_path / "new laptop"
    token = roster.add_collector(engine, "Mette")
    unreachable = fieldapp(
        home, "enroll", "--server", "http://127.0.0.1:9", "--token", token, FIELDAPP_PIN="482913"
    )
    assert unreachable.returncode == 1 and "cannot reach head office" in unreachable.stderr
    short = fieldapp(
        home, "enroll", "--server", server.url, "--token", "abc", FIELDAPP_PIN="482913"
    )
    assert short.returncode == 1, short.stderr
    assert "the token is not one head office gives" in short.stderr
    assert "Traceback" not in short.stderr and "unexpected" not in short.stderr
    assert not home.exists() or list(home.iterdir()) == []
    # The next try chooses its PIN afresh.
    done = fieldapp(home, "enroll", "--server", server.url, "--token", token, FIELDAPP_PIN="975318")
    assert done.returncode == 0, done.stderr
    assert fieldapp(home, "sync", FIELDAPP_PIN="975318").returncode == 0


def test_two_processes_at_a_new_laptop_make_one_key_between_them(tmp_path):
    home = tmp_path / "laptop"
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_PIN"}
    env["FIELDAPP_PIN"] = "482913"
    both = [
        subprocess.Popen(
            [sys.executable, "-m", "fieldapp", "--home", str(home), "route"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    ended = [process.communicate(timeout=60) for process in both]
    assert [process.returncode for process in both] == [0, 0], ended
    assert fieldapp(home, "route", FIELDAPP_PIN="482913").returncode == 0
    assert [p.name for p in home.iterdir() if p.name.startswith("fieldapp.key")] == ["fieldapp.key"]


def test_a_damaged_key_file_is_said_not_taken_for_a_wrong_pin(laptop):
    path = laptop / "fieldapp.key"
    kept = json.loads(path.read_text())
    path.write_text(json.dumps({**kept, "wrapped": "not base64 at all"}))
    done = fieldapp(laptop, "route", FIELDAPP_PIN=TEST_PIN)
    assert done.returncode == 4
    assert "fieldapp.key is damaged" in done.stderr and "fieldapp reset" in done.stderr
    assert "Traceback" not in done.stderr


def test_reset_erases_the_laptop_after_asking_or_with_yes(laptop):
    refused = fieldapp(laptop, "reset")
    assert refused.returncode == 1 and "give --yes" in refused.stderr
    assert (laptop / "fieldapp.key").exists()
    done = fieldapp(laptop, "reset", "--yes")  # no PIN needed: that is what it is for
    assert done.returncode == 0, done.stderr
    assert "erased fieldapp.key, fieldapp.db" in done.stdout
    assert list(laptop.iterdir()) == []
