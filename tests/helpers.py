"""Test helpers: a real head-office server in a subprocess, portfolio files, CLI runs."""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

from fieldcore.accounts import REQUIRED_COLUMNS
from tests import forkserver

HEADER = [*REQUIRED_COLUMNS, "phone", "city", "language", "timezone"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`headoffice serve` as its own process on a loopback port; stop and start at will.

    The process is forked from one that has the server imported already (see
    tests/forkserver.py): the same command, started in a fraction of the time."""

    def __init__(
        self,
        db_url: str,
        log: Path,
        env: dict[str, str] | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.db_url = db_url
        self.options = options
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.pid: int | None = None

    def start(self) -> LiveServer:
        args = ["serve", "--db", self.db_url, "--port", str(self.port), *self.options]
        self.pid = forkserver.spawn(args, self.env, self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not forkserver.alive(self.pid):
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in 30 s")

    def kill(self) -> None:
        """kill -9: no goodbye, no flush, as when the power goes."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        if self.pid is not None and forkserver.alive(self.pid):
            os.kill(self.pid, how)
            deadline = time.monotonic() + 10
            while forkserver.alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
        self.pid = None


def write_portfolio(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or HEADER
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def account_row(account_id: str, **overrides: str) -> dict:
    """A valid portfolio row; override any column."""
    row = {
        "account_id": account_id,
        "borrower_name": f"Borrower {account_id}",
        "address": f"{account_id} Example Street",
        "currency": "DKK",
        "outstanding": "10000.00",
        "overdue_amount": "1500.00",
        # Against the day every test is pinned to (tests/conftest.py's DAY).
        "oldest_due_date": (date(2026, 11, 23) - timedelta(days=45)).isoformat(),
        "phone": "+45 20 30 40 50",
        "city": "Aarhus",
        "language": "da",
        "timezone": "Europe/Copenhagen",
    }
    row.update(overrides)
    return row


def run(program: str, *args: str, env: dict | None = None, check: bool = True):
    """Run `python -m fieldapp|headoffice ARGS` as a person would, in a subprocess."""
    result = subprocess.run(
        [sys.executable, "-m", program, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{program} {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class Ran:
    """What a command printed and how it ended, as `subprocess.run` says it."""

    returncode: int
    stdout: str
    stderr: str


def cli(program: str, *args: str, env: dict | None = None, check: bool = True) -> Ran:
    """Run `fieldapp|headoffice ARGS` in this process: what `run` does, a second faster.

    For tests that run many commands; `run` keeps the real process for those about it
    (start-up, exit codes of a crash, the terminal)."""
    from click.testing import CliRunner

    if program == "headoffice":
        from headoffice.cli import main
    else:
        from fieldapp.cli import main
    done = CliRunner().invoke(main, list(args), env=env, prog_name=program)
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        raise done.exception
    result = Ran(done.exit_code, done.stdout, done.stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"{program} {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def three_borrowers(**changes: dict[str, str]) -> list[dict]:
    """DK-1 (Danish), CN-1 (Chinese), EN-1 (English, with [brackets] in the name).

    `changes` maps an account id to columns to override, e.g. EN-1={"address": ...}.
    """
    rows = [
        account_row("DK-1", borrower_name="Søren Ærø", address="Østergade 5, København"),
        account_row(
            "CN-1",
            borrower_name="王小明",
            address="北京市朝阳区建国路88号",
            currency="CNY",
            language="zh",
            timezone="Asia/Shanghai",
        ),
        account_row(
            "EN-1",
            borrower_name="Sally [Sarah] Mitchell",
            currency="GBP",
            language="en",
            timezone="Europe/London",
            overdue_amount="80.00",
            outstanding="800.00",
        ),
    ]
    return [row | changes.get(row["account_id"], {}) for row in rows]


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def laptop_abroad(folder: Path, engine, server_url: str, day: date) -> Path:
    """Mette's laptop, enrolled and synced, with DK-1 in Denmark, CN-1 in China and EN-1 in
    Chicago on her route of `day`."""
    from fieldapp.syncing import enroll_laptop, sync_once
    from headoffice.work import portfolio, roster

    rows = three_borrowers(
        **{
            "DK-1": {"country": "DK"},
            "CN-1": {"country": "cn"},
            "EN-1": {"country": "US", "timezone": "America/Chicago"},
        }
    )
    path = write_portfolio(folder / "portfolio.csv", rows, [*HEADER, "country"])
    portfolio.import_accounts(engine, portfolio.read_portfolio(path))
    token = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", day, ["DK-1", "CN-1", "EN-1"])
    home = folder / "laptop"
    enroll_laptop(home, server_url, token, "test laptop")
    sync_once(home)
    return home


def raw_laptop_db(home: Path):
    """A bare connection to a laptop's encrypted database, for peeking beside another process.

    Only for a laptop that has its key already: a second process making one at the same
    moment would lock the first out.
    """
    from fieldapp.store import cipher
    from fieldapp.vault.unlocking import data_key

    return cipher.connect(home / "fieldapp.db", data_key(home))
