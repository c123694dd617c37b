"""`headoffice serve` and `headoffice migrate`: run the server, bring the schema up to date."""

from __future__ import annotations

import ssl

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
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False),
    help="Serve HTTPS with this certificate (PEM; its chain after it).",
)
@click.option(
    "--tls-key", type=click.Path(exists=True, dir_okay=False), help="The certificate's key (PEM)."
)
def serve(
    db_url: str | None,
    host: str,
    port: int,
    workers: int,
    tls_cert: str | None,
    tls_key: str | None,
) -> None:
    """Run the head-office server (API docs at /docs); migrates the database first.

    With --tls-cert and --tls-key it serves HTTPS. Laptops then enroll with the
    https:// address, and may pin its certificate with the --pin-sha256 option of
    fieldapp enroll.

    Example:

    \b
      headoffice serve
    """
    from headoffice.api.serving import run
    from headoffice.api.throttle import configured_limit

    tls = _tls_files(tls_cert, tls_key)
    try:
        configured_limit()
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    engine = open_engine(db_url)  # migrates once, before any worker starts
    url = str(engine.url)
    engine.dispose()
    if workers > 1 and url.startswith("sqlite"):
        click.echo("note: several workers on one SQLite file take turns to write", err=True)
    scheme = "https" if tls else "http"
    click.echo(f"head office listening on {scheme}://{host}:{port} (docs at /docs)", err=True)
    run(db_url or db.default_url(), host, port, workers, tls)


def _tls_files(cert: str | None, key: str | None) -> tuple[str, str] | None:
    """Both files or neither, and a key that goes with its certificate, said before serving."""
    if (cert is None) != (key is None):
        raise click.UsageError("give --tls-cert and --tls-key together")
    if cert is None or key is None:
        return None
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except ssl.SSLError as error:
        raise click.ClickException(
            f"cannot serve HTTPS with {cert} and {key}: {error.reason or error} "
            "(is the key the certificate's, both PEM, the key without a passphrase?)"
        ) from None
    return cert, key


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
