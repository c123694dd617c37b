"""The console in a browser: textual-serve runs `headoffice console` once per visitor."""

from __future__ import annotations

import os
import shlex
import sys


def serve_console(server: str, token: str, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the console at http://HOST:PORT until stopped.

    The token goes to each console through the environment, never on a
    command line where `ps` would show it.
    """
    from textual_serve.server import Server

    os.environ["HEADOFFICE_URL"] = server
    os.environ["HEADOFFICE_TOKEN"] = token
    command = shlex.join([sys.executable, "-m", "headoffice", "console"])
    Server(command, host=host, port=port, title="fieldapp head office").serve()
