"""Head-office servers for tests, forked from one process that has already imported them.

`python -m headoffice serve` spends most of its start (about 1.3 of 2.5 s here)
importing FastAPI, SQLAlchemy and the models; a test run starts it a few hundred
times. So each test worker keeps one process that has imported all of that and
forks a child per server: the child runs the very same `headoffice serve` command,
with the test's environment, its output in the test's log, and its own pid to stop
or kill -9. The tests of `serve` itself still start it as a person would.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

_zygote: subprocess.Popen | None = None


def spawn(args: list[str], env: dict[str, str], log: Path) -> int:
    """Start `headoffice ARGS` as a child of the forking process; its pid."""
    global _zygote
    if _zygote is None or _zygote.poll() is not None:
        _zygote = subprocess.Popen(
            [sys.executable, "-c", "from tests.forkserver import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[1],
        )
        atexit.register(_zygote.kill)
    assert _zygote.stdin is not None and _zygote.stdout is not None
    _zygote.stdin.write(json.dumps({"args": args, "env": env, "log": str(log)}) + "\n")
    _zygote.stdin.flush()
    return int(_zygote.stdout.readline())


def alive(pid: int) -> bool:
    """Whether the child still runs (the forking process reaps it once it ends)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def serve() -> None:
    """The forking process: import once, then fork a `headoffice` command per request."""
    import headoffice.api.app
    import headoffice.api.serving  # noqa: F401
    from headoffice.cli import main

    # Children are reaped as they end, so a pid that is gone is a server that stopped.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(main, request)
        print(pid, flush=True)


def _child(main, request: dict) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ.clear()
    os.environ.update(request["env"])
    code = 0
    try:
        main(request["args"], prog_name="headoffice")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
