"""`headoffice console` and `headoffice demo`: the console, alone or over a demo head office."""

from __future__ import annotations

import os
import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from headoffice.cli.options import log_unexpected

if TYPE_CHECKING:
    from headoffice.console.app import SupervisorConsole


@click.command()
@click.option(
    "--server",
    envvar="HEADOFFICE_URL",
    default="http://127.0.0.1:8765",
    show_default=True,
    help="Head office's address [env HEADOFFICE_URL].",
)
@click.option(
    "--token",
    envvar="HEADOFFICE_TOKEN",
    required=True,
    help="Supervisor token [env HEADOFFICE_TOKEN].",
)
@click.option("--web", is_flag=True, help="Serve the console to a browser instead (textual-serve).")
@click.option("--web-host", default="127.0.0.1", show_default=True, help="Address for --web.")
@click.option("--web-port", default=8000, show_default=True, type=int, help="Port for --web.")
@click.option(
    "--language",
    envvar="HEADOFFICE_LANGUAGE",
    type=click.Choice(["en", "da", "zh"]),
    help="Console language [env HEADOFFICE_LANGUAGE; default: the last one chosen, or en].",
)
def console(
    server: str, token: str, web: bool, web_host: str, web_port: int, language: str | None
) -> None:
    """The supervisors' console: assignment board, review queue and numbers.

    Keys: 1 board, 2 review, 3 numbers, ctrl+r refresh, ctrl+p every command.

    Example:

    \b
      headoffice console
    """
    if web:
        from headoffice.console.web import serve_console

        if language:
            os.environ["HEADOFFICE_LANGUAGE"] = language
        click.echo(f"console at http://{web_host}:{web_port} (ctrl+c stops)", err=True)
        serve_console(server, token, host=web_host, port=web_port)
        return
    from headoffice.console.app import SupervisorConsole

    _run(SupervisorConsole(server, token, language=language))


@click.command()
@click.option("--web", is_flag=True, help="Open the console in a browser instead.")
@click.option("--web-port", default=8000, show_default=True, type=int, help="Port for --web.")
def demo(web: bool, web_port: int) -> None:
    """A demo head office: a team with two weeks of work, and the console over it.

    Everything lives in a temporary folder, with core banking's morning files
    (overdue.csv, payments.csv). It stays when the demo stops; the demo prints
    the line that points the other commands at it, and their examples work
    there on the day they use (HEADOFFICE_TODAY pins it).

    Example:

    \b
      HEADOFFICE_TODAY=2026-11-23 headoffice demo
    """
    import tempfile

    from headoffice.api.embedded import EmbeddedServer
    from headoffice.clock import today
    from headoffice.demo.office import make_office

    folder, day = Path(tempfile.mkdtemp(prefix="headoffice-demo-")), today()
    engine, token = make_office(folder, day)
    with EmbeddedServer(engine) as server:
        click.echo(f"demo head office at {server.url}; supervisor token {token}", err=True)
        click.echo(where_to_try(folder, server.url, token, day), err=True)
        if web:
            from headoffice.console.web import serve_console

            click.echo(f"console at http://127.0.0.1:{web_port} (ctrl+c stops)", err=True)
            serve_console(server.url, token, port=web_port)
        else:
            from headoffice.console.app import SupervisorConsole

            _run(SupervisorConsole(server.url, token))


def where_to_try(folder: Path, url: str, token: str, day: date) -> str:
    """The lines that point the other commands at the demo's head office."""
    from headoffice.demo.office import DB_FILE

    where = {
        "HEADOFFICE_DB": f"sqlite:///{folder / DB_FILE}",
        "HEADOFFICE_URL": url,
        "HEADOFFICE_TOKEN": token,
        "HEADOFFICE_TODAY": day.isoformat(),
    }
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in where.items())
    return (
        f"its data stays in {folder}; to try the other commands on it:\n"
        f"  cd {shlex.quote(str(folder))} && export {exports}"
    )


def _run(app: SupervisorConsole) -> None:
    """Run the console; after an unhandled error, log it and exit with Textual's code."""
    app.run()
    if app.return_code:
        # Textual has shown the traceback; it keeps the first unhandled error
        # (`_exception`, Textual 8.2.8, pinned) for the log.
        click.echo(log_unexpected(getattr(app, "_exception", None)), err=True)
        raise click.exceptions.Exit(app.return_code)
