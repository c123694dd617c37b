"""An unhandled error: both apps exit non-zero, one line on screen, the traceback in their log."""

from __future__ import annotations

import asyncio
import socket
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldapp.store.layout import DB_NAME
from fieldapp.tui.app import FieldApp
from fieldapp.tui.route import RouteScreen
from headoffice.cli import main as headoffice
from headoffice.console.app import SupervisorConsole
from headoffice.console.board import BoardPane
from headoffice.store import db
from tests.helpers import free_port, run

TODAY = "2026-11-23"


class Broken(RuntimeError):
    """The fault put into a screen: it reaches Textual as an unhandled error."""


def broken(*_args: object) -> None:
    raise Broken("a screen fell over")


@pytest.fixture(autouse=True)
def pinned(monkeypatch, tmp_path):
    monkeypatch.setenv("HEADOFFICE_TODAY", TODAY)
    monkeypatch.setenv("FIELDAPP_TODAY", f"{TODAY}T10:00")
    # Head office's log goes to the platform's state folder: this test's own.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HEADOFFICE_CONFIG", str(tmp_path / "config"))


@pytest.fixture
def headless(monkeypatch):
    """The apps' `run` without a terminal, as CliRunner has none; everything else is real."""
    for app in (FieldApp, SupervisorConsole):
        monkeypatch.setattr(app, "run", lambda self: App.run(self, headless=True, size=(100, 30)))


def private_log(path: Path) -> str:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text(encoding="utf-8")


def one_line(output: str, log: Path, error: str) -> None:
    assert f"Error: unexpected error ({error}); the details are in {log}" in output
    assert "Traceback" not in output


def test_a_crash_in_the_laptop_app_sets_its_return_code(home, monkeypatch):
    monkeypatch.setattr(RouteScreen, "action_sort", broken)
    app = FieldApp(home, sync_on_start=False)

    async def crash() -> None:
        async with app.run_test() as pilot:
            await pilot.press("s")

    with pytest.raises(Broken):
        asyncio.run(crash())
    assert app.return_code == 1


def test_fieldapp_exits_non_zero_with_the_crash_in_its_log(home, monkeypatch, headless):
    monkeypatch.setattr(RouteScreen, "relabel", broken)
    result = CliRunner().invoke(fieldapp, ["--home", str(home)])
    assert result.exit_code == 1
    log = home / "fieldapp.log"
    assert f"unexpected error (Broken); the details are in {log}" in result.stderr
    written = private_log(log)
    assert "Traceback (most recent call last)" in written
    assert "tests.test_crash_exit.Broken (its message is not logged)" in written
    assert "a screen fell over" not in written.replace('raise Broken("a screen fell over")', "")


def test_an_unexpected_error_in_a_fieldapp_command_is_one_line(tmp_path):
    home = tmp_path / "laptop"
    Store(home).close()  # a laptop with its key, whose database is then damaged
    (home / DB_NAME).write_bytes(b"not a database, whatever it was " * 64)
    result = CliRunner().invoke(fieldapp, ["--home", str(home), "route"])
    assert result.exit_code == 1
    one_line(result.output, home / "fieldapp.log", "DatabaseError")
    written = private_log(home / "fieldapp.log")
    assert "Traceback (most recent call last)" in written
    # The frames and the error's type, never its message: a message can quote a borrower.
    assert "sqlcipher3.dbapi2.DatabaseError (its message is not logged)" in written
    assert "not a database" not in written


def test_the_console_exits_non_zero_with_the_crash_in_its_log(tmp_path, monkeypatch, headless):
    monkeypatch.setattr(BoardPane, "compose", broken)
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(headoffice, ["console", "--server", url, "--token", "t" * 20])
    assert result.exit_code == 1
    log = tmp_path / "state" / "headoffice" / "log" / "headoffice.log"
    assert f"unexpected error (Broken); the details are in {log}" in result.stderr
    written = private_log(log)
    assert "Traceback (most recent call last)" in written
    assert "tests.test_crash_exit.Broken: a screen fell over" in written


def test_an_unexpected_error_in_a_headoffice_command_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'headoffice.db'}"
    engine = db.connect(url)
    with engine.begin() as conn:  # a table gone behind the schema's back
        conn.exec_driver_sql("DROP TABLE accounts")
    engine.dispose()
    result = CliRunner().invoke(headoffice, ["export", "accounts", "--db", url])
    assert result.exit_code == 1
    log = tmp_path / "state" / "headoffice" / "log" / "headoffice.log"
    one_line(result.output, log, "OperationalError")
    written = private_log(log)
    assert "Traceback (most recent call last)" in written
    assert "sqlite3.OperationalError: no such table: accounts" in written


def test_serve_exits_non_zero_when_it_cannot_listen(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        url = f"sqlite:///{tmp_path / 'headoffice.db'}"
        result = run("headoffice", "serve", "--db", url, "--port", port, check=False)
    assert result.returncode != 0
    assert "address already in use" in result.stderr


def test_a_reader_that_goes_away_is_no_crash(home):
    """`fieldapp route | head -1`: the pipe closes early; exit as a shell expects, no log."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    try:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("fieldapp")), "--home", str(home), "route"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")
    log = home / "fieldapp.log"
    assert not log.exists() or "BrokenPipeError" not in log.read_text(errors="replace")
