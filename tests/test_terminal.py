"""The real `fieldapp` in a real terminal (tmux), as a collector uses it; kill -9 mid-form."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldapp.store import Store
from tests.conftest import DAY, TEST_PIN
from tests.helpers import account_row, write_portfolio

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Terminal:
    """One tmux session running fieldapp with its own home; bounded waits, always cleaned up."""

    def __init__(self, home: Path, name: str, program: str = "fieldapp", env: str = "") -> None:
        self.home = home
        self.name = name
        self.program = program
        self.env = env  # more NAME=value words before the command
        self.exit_file = home.parent / f"{name}.exit"
        # A tmux server of its own, so closing one terminal never races the next.
        self.socket = ["-L", f"fieldapp-test-{os.getpid()}-{name}"]

    def start(self) -> Terminal:
        env = f"FIELDAPP_HOME={shlex.quote(str(self.home))} FIELDAPP_TODAY={DAY.isoformat()}T10:00"
        env += f" {self.env}" if self.env else ""
        command = (
            f"{env} {shlex.quote(sys.executable)} -m {self.program}; echo $? > {self.exit_file}"
        )
        started = subprocess.run(
            [
                "tmux",
                *self.socket,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "120",
                "-y",
                "40",
                command,
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert started.returncode == 0, started.stderr
        return self

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", *self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, seconds: float = 40) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def wait_gone(self, text: str, seconds: float = 40) -> str:
        """Until `text` is off the screen (a list closed), as wait_for waits for it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = self.screen()
            if text not in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on the screen:\n{shown}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.3)

    def app_pid(self) -> int:
        """The pid of this terminal's app: the pane's shell's child, never another
        test's `fieldapp` (other workers run theirs at the same moment)."""
        shell = int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}"))
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        for pid in [str(shell), *children]:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"-m" in command and b"fieldapp" in command:
                return int(pid)
        raise AssertionError(f"no fieldapp under the pane's shell {shell}: {children}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def terminal(home):
    opened: list[Terminal] = []

    def open_terminal(name: str) -> Terminal:
        term = Terminal(home, name).start()
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


def test_route_stop_outcome_and_quit(terminal, home):
    term = terminal("day")
    term.wait_for("Route for Monday, 23 November 2026")
    term.keys("Enter")
    term.wait_for("Loan")
    term.keys("o")
    term.wait_for("What happened")
    term.keys("Enter")  # open the list of outcomes
    term.wait_for("Borrower deceased")  # the list's last line: it is open
    term.keys(*["Down"] * 4, "Enter")  # (prompt) promise, plan, paid, nobody home
    term.wait_for("Reason for default")
    term.keys("C-s")
    term.wait_for("Saved on this laptop")
    term.keys("Escape")
    screen = term.wait_for("1 done · 35 left")
    assert "Søren Ærøskøbing" in screen
    term.keys("C-q")
    deadline = time.monotonic() + 10
    while not term.exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert term.exit_file.read_text().strip() == "0"
    store = Store(home)
    try:
        assert [o.outcome for o in store.outcomes_for_account("DA-1001")] == ["not_home"]
    finally:
        store.close()


def test_kill_9_in_the_middle_of_a_form_loses_nothing(terminal, home):
    term = terminal("crash")
    term.wait_for("Route for")
    term.keys("Enter")
    term.wait_for("Loan")
    term.keys("o")
    term.wait_for("What happened")
    term.keys("Enter")
    term.wait_for("Borrower deceased")  # the list is open before it is moved through
    term.keys(*["Down"] * 8, "Enter")  # the eighth outcome: moved away
    term.wait_for("New address")
    term.wait_gone("Borrower deceased")
    # The list is gone, but Textual gives the choice its focus back a moment later: a Tab
    # sent into that moment leaves from the list, not from the choice.
    time.sleep(0.5)
    term.keys("Tab")
    term.type("Vestergade 9, 8000 Aarhus")
    term.wait_for("Vestergade 9, 8000 Aarhus")
    os.kill(term.app_pid(), signal.SIGKILL)
    term.close()

    again = terminal("after")
    again.wait_for("Route for")
    again.keys("Enter")
    again.wait_for("Loan")
    again.keys("o")
    screen = again.wait_for("Vestergade 9, 8000 Aarhus")
    assert "Moved away" in screen
    assert "restored" in again.wait_for("restored")


def test_a_big_portfolio_import_shows_its_progress(tmp_path):
    # 6,000 rows: enough for the progress bars, which only a terminal gets.
    rows = [account_row(f"B-{n:05d}") for n in range(6000)]
    big = write_portfolio(tmp_path / "big.csv", rows)
    database = f"sqlite:///{tmp_path / 'ho.db'}"
    # The pane stays open after the import, for reading.
    program = (
        f"headoffice import-portfolio {shlex.quote(str(big))} --db {shlex.quote(database)}"
        "; sleep 30"
    )
    terminal = Terminal(tmp_path, "import", program=program).start()
    try:
        shown = terminal.wait_for("imported 6000 account(s)")
        assert "checking " in shown and "importing" in shown and "100%" in shown
        # The pane wraps the line where it runs out, which can be at a space.
        # The line wraps where the terminal ends (the file's path is long): read it unwrapped.
        assert "6000new,0updated" in "".join(shown.split())
    finally:
        terminal.close()


def test_at_a_terminal_the_pin_is_asked_never_shown_and_a_slip_is_asked_again(tmp_path):
    home = tmp_path / "laptop"
    Store(home).close()  # its PIN is the tests' own
    # FIELDAPP_PIN empty is no PIN: the command asks, as it would a collector.
    term = Terminal(
        home,
        "pin",
        program="fieldapp pin change; echo ended-$?; sleep 30",
        env="FIELDAPP_PIN= FIELDAPP_NEW_PIN=",
    ).start()
    try:
        term.wait_for("Current PIN:")
        term.type(TEST_PIN)
        term.keys("Enter")
        term.wait_for("New PIN (6 digits or more, or a passphrase; not shown):")
        term.type("1234")
        term.keys("Enter")
        term.wait_for("a PIN has at least 6 digits")
        term.type("582047")
        term.keys("Enter")
        term.wait_for("The same PIN again:")
        term.type("582048")
        term.keys("Enter")
        term.wait_for("the two PINs differ; choose again")
        term.type("582047")
        term.keys("Enter")
        term.wait_for("The same PIN again:")
        term.type("582047")
        term.keys("Enter")
        shown = term.wait_for("ended-0")
    finally:
        term.close()
    assert "PIN changed: use the new one from now on" in shown
    assert TEST_PIN not in shown and "582047" not in shown and "1234" not in shown
