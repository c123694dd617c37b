"""`headoffice serve` and `headoffice migrate`: run the server, bring the schema up to date."""

from __future__ import annotations

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from headoffice.cli.options import db_option, first_line, open_engine
from headoffice.store import db


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (use PostgreSQL when more than one).",
)
def serve(db_url: str | None, host: str, port: int, workers: int) -> None:
    """Run the head-office server (API docs at /docs); migrates the database first.

    Example:

    \b
      headoffice serve
    """
    from headoffice.api.serving import run

    engine = open_engine(db_url)  # migrates once, before any worker starts
    url = str(engine.url)
    engine.dispose()
    if workers > 1 and url.startswith("sqlite"):
        click.echo("note: several workers on one SQLite file take turns to write", err=True)
    click.echo(f"head office listening on http://{host}:{port} (docs at /docs)", err=True)
    run(db_url or db.default_url(), host, port, workers)


@click.command()
@db_option
def migrate(db_url: str | None) -> None:
    """Bring the database to this version's schema (serve does it on start too).

    Example:

    \b
      headoffice migrate
    """
    from headoffice.store.migrate import migrate as run_migrations

    engine = open_engine(db_url, migrate=False)
    try:
        before, after = run_migrations(engine)
    except OperationalError as error:
        raise click.ClickException(f"cannot open the database: {first_line(error)}") from None
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"migration failed, nothing was changed: {first_line(error)}"
        ) from None
    if before == after:
        click.echo(f"the database is up to date (revision {after})")
    else:
        click.echo(f"migrated the database from revision {before or 'empty'} to {after}")
