"""`headoffice serve` and `headoffice migrate`: run the server, bring the schema up to date."""

from __future__ import annotations

import ssl
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from headoffice import clock
from headoffice.cli.channels import channel_options, open_senders
from headoffice.cli.options import db_option, first_line, log_unexpected, open_engine
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
@click.option(
    "--messages",
    "with_messages",
    is_flag=True,
    envvar="HEADOFFICE_MESSAGES",
    help="Also send the messages due, every --messages-every seconds, by the channels "
    "below (as `headoffice messages run`; safe with several servers) [env HEADOFFICE_MESSAGES].",
)
@click.option(
    "--messages-every",
    default=300,
    show_default=True,
    type=click.IntRange(1, 86_400),
    metavar="SECONDS",
    help="How often the messages run with --messages.",
)
@channel_options
def serve(
    db_url: str | None,
    host: str,
    port: int,
    workers: int,
    tls_cert: str | None,
    tls_key: str | None,
    with_messages: bool,
    messages_every: int,
    smtp_url: str | None,
    smtp_from: str | None,
    sms_url: str | None,
    letters_dir: Path | None,
) -> None:
    """Run the head-office server (API docs at /docs); migrates the database first.

    With --tls-cert and --tls-key it serves HTTPS. Laptops then enroll with the
    https:// address, and may pin its certificate with the --pin-sha256 option of
    fieldapp enroll.

    With --messages it also plans and sends the reminders, notices and receipts due,
    every few minutes, instead of a cron job running `headoffice messages run`.

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
    if workers > 1 and url.startswith("sqlite"):
        click.echo("note: several workers on one SQLite file take turns to write", err=True)
    loop = None
    if with_messages:
        loop = _messages_loop(engine, messages_every, smtp_url, smtp_from, sms_url, letters_dir)
    else:
        engine.dispose()
    scheme = "https" if tls else "http"
    click.echo(f"head office listening on {scheme}://{host}:{port} (docs at /docs)", err=True)
    if loop is not None:
        loop.start()
    try:
        run(db_url or db.default_url(), host, port, workers, tls)
    finally:
        if loop is not None:
            loop.stop()


def _messages_loop(
    engine,
    every: int,
    smtp_url: str | None,
    smtp_from: str | None,
    sms_url: str | None,
    letters_dir: Path | None,
):
    """The loop `--messages` starts, its channels checked before the server listens."""
    from headoffice.cli.messages import report_lines
    from headoffice.work.messages_every import MessagesEvery, Schedule

    def senders() -> dict:
        return open_senders(engine, smtp_url, smtp_from, sms_url)

    for sender in senders().values():  # a bad URL stops `serve` here, said once
        sender.close()

    def said(report) -> None:
        if report.acted or loop.turns == 1:
            stamp = clock.now().strftime("%Y-%m-%d %H:%M:%S")
            for line in report_lines(report):
                click.echo(f"{stamp} messages: {line}", err=True)

    def trouble(error: Exception) -> None:
        if isinstance(error, click.ClickException):
            what = error.format_message()
        elif isinstance(error, SQLAlchemyError):
            what = first_line(error)
        elif isinstance(error, ValueError | OSError):
            what = str(error)
        else:
            what = log_unexpected(error)
        click.echo(f"messages run: {what}; the next one tries again in {every} s", err=True)

    loop = MessagesEvery(
        engine, Schedule(timedelta(seconds=every), senders, letters_dir), said, trouble
    )
    channels = [name for name, url in (("e-mail", smtp_url), ("SMS", sms_url)) if url]
    if letters_dir is not None:
        channels.append(f"letters in {letters_dir}")
    click.echo(
        f"sending messages every {every} s by {', '.join(channels) or 'no channel yet'}", err=True
    )
    return loop


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
