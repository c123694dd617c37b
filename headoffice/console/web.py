"""The console in a browser: textual-serve runs `headoffice console` once per visitor."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

# Our page instead of textual-serve's, which loads its font from a public CDN: a
# head office on a closed network would get a broken page, and the CDN would
# learn who uses it. Ours fetches every asset (textual-serve's own script, style
# sheet, font and image, its default static folder) from head office alone.
TEMPLATES = Path(__file__).with_name("templates")


def serve_console(server: str, token: str, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the console at http://HOST:PORT until stopped.

    The token goes to each console through the environment, never on a
    command line where `ps` would show it.
    """
    from textual_serve.server import Server

    os.environ["HEADOFFICE_URL"] = server
    os.environ["HEADOFFICE_TOKEN"] = token
    command = shlex.join([sys.executable, "-m", "headoffice", "console"])
    Server(
        command, host=host, port=port, title="fieldapp head office", templates_path=TEMPLATES
    ).serve()
