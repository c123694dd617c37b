"""Every command's help ends with one example, and that example works as written on the demo data.

The demo data is what the two demos leave to try the commands on: the head office
`headoffice demo` makes (its folder, with core banking's files, is the working directory,
and the environment is the line the demo prints) and the demo laptop as `fieldapp demo`
makes it (Demo Collector's route after the first sync, in FIELDAPP_HOME), enrolled with
that head office, which answers on loopback as while the demos run. Both days are pinned
to the demo day. Commands are found by walking both command trees, so new ones are held
to the same rule.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner
from textual.app import App
from textual.pilot import Pilot

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldapp.syncing import enroll_laptop, sync_once
from headoffice.api.embedded import EmbeddedServer
from headoffice.cli import main as headoffice
from headoffice.cli.console import where_to_try
from headoffice.demo.borrowers import DEMO_COLLECTOR
from headoffice.demo.office import DB_FILE, make_office
from headoffice.store import db
from headoffice.work import roster
from tests.console_office import DAY
from tests.helpers import free_port

CLIS: dict[str, click.Command] = {"fieldapp": fieldapp, "headoffice": headoffice}
# The help's last paragraph; "\b" (a backspace in the docstring) keeps the line as written.
EXAMPLE = re.compile(r"\n\nExample:\n\n\x08\n  (?P<line>[^\n]+)\Z")
ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=")

# Examples that would run until stopped are bounded; every other one runs in bash.
# Textual apps draw their first screen without a terminal, then quit.
HEADLESS = {
    ("fieldapp",),
    ("fieldapp", "demo"),
    ("headoffice", "console"),
    ("headoffice", "demo"),
}
# A server answers /health on a free port (not the example's, which may be taken), then stops.
SERVERS = {("headoffice", "serve")}


def walk(
    command: click.Command, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


COMMANDS = dict(pair for name, cli in CLIS.items() for pair in walk(cli, (name,)))


def example_of(path: tuple[str, ...]) -> str:
    """The example line at the end of a command's help; fails when there is none, or several."""
    text = inspect.cleandoc(COMMANDS[path].help or "")
    found = EXAMPLE.search(text)
    assert found and text.count("Example:") == 1, (
        f"`{' '.join(path)} --help` must end with one example:\n\n"
        "    Example:\n\n    \\b\n      COMMAND AS TYPED ON THE DEMO DATA\n"
    )
    return found["line"]


def split_assignments(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """`NAME=value ... command args` as the shell reads it: the environment, then the command."""
    env: dict[str, str] = {}
    while words and ASSIGNMENT.match(words[0]):
        name, value = words[0].split("=", 1)
        env[name] = value
        words = words[1:]
    return env, words


def resolve(words: list[str]) -> tuple[str, ...]:
    """The command an example runs, found as click finds it; click's error if it does not parse."""
    name, *args = words
    command, path, parent = CLIS[name], (name,), None
    while True:
        ctx = command.context_class(
            command, info_name=path[-1], parent=parent, **command.context_settings
        )
        if not isinstance(command, click.Group):
            command.parse_args(ctx, args)
            return path
        # The group's own options; what is left names a subcommand and its arguments.
        args = click.Command.parse_args(command, ctx, args)
        if not args:
            assert command.invoke_without_command, f"{' '.join(path)} needs a command"
            return path
        sub, found, args = command.resolve_command(ctx, args)
        assert sub and found
        command, path, parent = found, (*path, sub), ctx


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_the_help_ends_with_one_example(path):
    line = example_of(path)
    command = COMMANDS[path]
    # On screen the line stays whole: neither wrapped nor run into another.
    shown = command.get_help(click.Context(command, info_name=" ".join(path)))
    assert f"\n    {line}\n" in shown
    _env, words = split_assignments(shlex.split(line))
    assert words and words[0] in CLIS, "the example does not start with fieldapp or headoffice"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, str]:
    """The demo head office and the demo laptop, made once; (their folder, supervisor token)."""
    root = tmp_path_factory.mktemp("demo")
    office = root / "office"
    office.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HEADOFFICE_TODAY", DAY.isoformat())
        engine, token = make_office(office, DAY)
        # As `fieldapp demo` makes its laptop: Demo Collector's token, then the first sync.
        with EmbeddedServer(engine) as server:
            enrollment = roster.new_enrollment(engine, DEMO_COLLECTOR)
            enroll_laptop(root / "laptop", server.url, enrollment, "demo laptop")
            sync_once(root / "laptop")
        engine.dispose()
    return root, token


@pytest.fixture
def demo(made, tmp_path, monkeypatch) -> Iterator[Path]:
    """A fresh copy of the demo data with its head office on loopback; the office's folder."""
    source, token = made
    root = tmp_path / "demo"
    shutil.copytree(source, root)
    office, laptop = root / "office", root / "laptop"
    engine = db.connect(f"sqlite:///{office / DB_FILE}")
    with EmbeddedServer(engine) as server:
        store = Store(laptop)
        store.set_settings(server_url=server.url)  # the demo's head office, on this test's port
        store.close()
        # The line `headoffice demo` prints: cd FOLDER && export NAME=value ...
        told = shlex.split(where_to_try(office, server.url, token, DAY).splitlines()[-1])
        assert told[0] == "cd" and told[2:4] == ["&&", "export"], told
        monkeypatch.chdir(told[1])
        for name, value in split_assignments(told[4:])[0].items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("FIELDAPP_HOME", str(laptop))
        monkeypatch.setenv("FIELDAPP_TODAY", f"{DAY.isoformat()}T10:00")
        # Logs and remembered choices stay in this test's folder.
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        monkeypatch.setenv("HEADOFFICE_CONFIG", str(tmp_path / "config"))
        monkeypatch.delenv("HEADOFFICE_LANGUAGE", raising=False)
        # `fieldapp` and `headoffice` are this checkout's.
        monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        yield office
    engine.dispose()


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_the_example_works_on_the_demo_data(path, demo, monkeypatch, tmp_path):
    line = example_of(path)
    env, words = split_assignments(shlex.split(line))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    target = resolve(words)
    assert target[: len(path)] == path, f"the example of {' '.join(path)} runs {' '.join(target)}"
    if target in HEADLESS:
        headless(words, monkeypatch, tmp_path)
    elif target in SERVERS:
        serve_until_healthy(words, tmp_path / "server.log")
    else:
        done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"


RUN = App.run


def look_then_quit(app: App, **_options: object) -> object:
    """`App.run` without a terminal: the app starts, draws its first screen and quits."""

    async def quit(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.exit()

    return RUN(app, headless=True, size=(100, 30), auto_pilot=quit)


def headless(words: list[str], monkeypatch, tmp_path: Path) -> None:
    assert "--web" not in words, "a browser console runs until stopped: not an example to run"
    monkeypatch.setattr(App, "run", look_then_quit)
    # The demos' temporary folders go in this test's.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = CliRunner().invoke(CLIS[words[0]], words[1:])
    assert result.exit_code == 0, f"{' '.join(words)}\n{result.output}\n{result.exception!r}"


def serve_until_healthy(words: list[str], log: Path) -> None:
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen([*words, "--port", str(port)], stdout=out, stderr=out)
    try:
        # Bounded by the test's timeout, and by the server stopping on its own.
        while not answers(f"http://127.0.0.1:{port}/health"):
            assert server.poll() is None, f"{' '.join(words)} stopped:\n{log.read_text()}"
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False
