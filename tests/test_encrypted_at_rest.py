"""Encrypted at rest, tried as whoever finds the laptop would: after a day of work no file under
the laptop's folder holds a borrower's name, address, phone or note, and `sqlite3` sees no
database; a plain database from an earlier version is encrypted in place, outbox and all."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.recording import record_outcome
from fieldapp.store import Store, cipher
from fieldapp.syncing import sync_once
from fieldapp.vault.unlocking import data_key, forget
from headoffice.oversight.exports import outcome_rows
from tests.conftest import sqlite_only
from tests.helpers import three_borrowers

db_url = pytest.fixture(sqlite_only, name="db_url")


def borrower_strings() -> list[str]:
    """What of each borrower on the route a finder must not read."""
    found = []
    for row in three_borrowers():
        found += [row["borrower_name"], row["address"], row["phone"], row["account_id"]]
        found += [part for part in row["borrower_name"].split() if len(part) > 3]
    return found


def readable(home: Path, secrets: list[str]) -> dict[str, list[str]]:
    """Which of `secrets` each file under `home` shows to someone without the PIN: its bytes
    as they are, in UTF-8 and UTF-16, and what `strings` prints of it."""
    shown = {}
    for path in sorted(home.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        printed = ""
        if shutil.which("strings"):
            run = subprocess.run(["strings", "-a", "-n", "4", str(path)], capture_output=True)
            printed = run.stdout.decode("utf-8", "replace")
        hits = [
            text
            for text in secrets
            if text.encode() in data or text.encode("utf-16-le") in data or text in printed
        ]
        if hits:
            shown[path.name] = hits
    return shown


def a_day_of_work(home: Path) -> list[str]:
    """Outcomes of several kinds, a receipt, drafts typed and a correction; the notes typed."""
    sync_once(home)
    store = Store(home)
    notes = ["MARKER-ONE asked for Friday", "MARKER-TWO paid in cash at the door"]
    visit = store.visit_for_account("DK-1")
    for n in range(5):
        store.save_draft(visit, {"outcome": "promise", "note": f"{notes[0]} {n}"})
    record_outcome(
        store,
        visit,
        {"outcome": "promise", "amount": "300", "promise_date": "2026-11-27", "note": notes[0]},
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("EN-1"),
        {"outcome": "paid", "amount": "80", "method": "cash", "note": notes[1]},
        locate=lambda now: None,
    )
    store.record_correction("CN-1", "phone", "+86 139 1234 5678")
    store.save_draft(store.visit_for_account("CN-1"), {"outcome": "refused", "note": "MARKER-3"})
    store.close()
    sync_once(home)
    return [*notes, "MARKER-3", "+86 139 1234 5678"]


def test_after_a_day_of_work_no_file_holds_a_borrower(laptop, engine):
    typed = a_day_of_work(laptop)
    app = Store(laptop)  # the app still open: the WAL is there too
    app.save_draft(app.visit_for_account("DK-1"), {"outcome": "refused", "note": "MARKER-4"})
    secrets = [*borrower_strings(), *typed, "MARKER-4"]
    assert "fieldapp.db-wal" in {p.name for p in laptop.iterdir()}
    assert readable(laptop, secrets) == {}
    app.close()
    assert readable(laptop, secrets) == {}
    assert sorted(p.name for p in laptop.iterdir()) == ["fieldapp.db", "fieldapp.key"]
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(laptop / "fieldapp.db").execute("SELECT * FROM sqlite_master")
    # ...and with the key everything is there: the test reads what it looks for.
    store = Store(laptop)
    assert store.account("DK-1").borrower_name == "Søren Ærø"
    store.close()
    assert [o["account_id"] for o in outcome_rows(engine)] == ["DK-1", "EN-1"]


def test_the_device_token_and_the_sync_cursor_are_inside_the_encrypted_database(laptop):
    sync_once(laptop)
    store = Store(laptop)
    token, cursor = store.setting("device_token"), store.setting("cursor")
    store.close()
    assert token and cursor  # kept as settings, in the encrypted database
    for path in laptop.iterdir():
        assert token.encode() not in path.read_bytes(), path.name
        assert b"device_token" not in path.read_bytes() and b"cursor" not in path.read_bytes()


def made_plain(home: Path) -> None:
    """The laptop's database as a version before encryption left it: plain, and no key file."""
    key = data_key(home)
    plain = home / "plain.db"
    conn = cipher.connect(home / "fieldapp.db", key)
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(plain)])
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    os.replace(plain, home / "fieldapp.db")
    (home / "fieldapp.key").unlink()
    forget(home)


def test_a_plain_database_is_encrypted_at_its_first_unlock_and_its_outbox_goes_once(laptop, engine):
    sync_once(laptop)
    store = Store(laptop)
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "refused", "note": "MARKER-PLAIN wants a letter"},
        locate=lambda now: None,
    )
    assert store.pending_count() == 1
    store.close()
    made_plain(laptop)
    assert cipher.is_plain(laptop / "fieldapp.db")
    secrets = [*borrower_strings(), "MARKER-PLAIN"]
    assert readable(laptop, secrets)  # the test sees what it looks for
    # The first command after the update: the PIN chosen now encrypts what is there.
    env = {**os.environ, "FIELDAPP_PIN": "482916"}
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "--home", str(laptop), "sync"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert readable(laptop, secrets) == {}
    assert sorted(p.name for p in laptop.iterdir()) == ["fieldapp.db", "fieldapp.key"]
    assert [o["account_id"] for o in outcome_rows(engine)] == ["DK-1"]
    again = subprocess.run(
        [sys.executable, "-m", "fieldapp", "--home", str(laptop), "sync"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert [o["account_id"] for o in outcome_rows(engine)] == ["DK-1"]


@pytest.mark.parametrize("stopped", ["after the copy", "between the renames", "at the end"])
def test_an_encryption_stopped_by_a_crash_is_finished_or_undone_at_the_next_open(laptop, stopped):
    sync_once(laptop)
    made_plain(laptop)
    database = laptop / "fieldapp.db"
    plain_bytes = database.read_bytes()
    key = bytes(range(32))
    if stopped == "after the copy":  # a half-made copy beside the plain file
        (laptop / "fieldapp.db.encrypting").write_bytes(b"\x01" * 8192)
    elif stopped == "between the renames":  # the plain file aside, nothing in its place
        os.replace(database, laptop / "fieldapp.db.plain")
    else:  # the copy in place, the plain file not yet erased
        cipher.encrypt_in_place(database, key)
        (laptop / "fieldapp.db.plain").write_bytes(plain_bytes)
        (laptop / "fieldapp.key").unlink(missing_ok=True)
    if stopped == "at the end":
        cipher.finish_encrypting(database)
        assert sorted(p.name for p in laptop.iterdir()) == ["fieldapp.db"]
        assert cipher.connect(database, key).execute("SELECT count(*) FROM visits").fetchone()
        return
    store = Store(laptop)  # FIELDAPP_PIN chooses the PIN; the data is all there
    assert store.account("DK-1").borrower_name == "Søren Ærø"
    store.close()
    assert sorted(p.name for p in laptop.iterdir()) == ["fieldapp.db", "fieldapp.key"]
    assert not cipher.is_plain(database)
