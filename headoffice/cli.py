"""`headoffice`: run the server and the supervisors' portfolio, roster and export commands."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from fieldapp.domain.days import parse_day
from headoffice import db, exports, portfolio, roster

db_option = click.option(
    "--db",
    "db_url",
    envvar="HEADOFFICE_DB",
    metavar="URL",
    help="Database: sqlite:///FILE or postgresql://USER[:PASS]@HOST:PORT/DB "
    "[env HEADOFFICE_DB; default: an SQLite file in your data folder]",
)


def _engine(db_url: str | None) -> Engine:
    try:
        return db.connect(db_url)
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"cannot open the database: {error.__class__.__name__}: {str(error).splitlines()[0]}"
        ) from None
    except ValueError as error:
        raise click.ClickException(f"cannot open the database: {error}") from None


def _date(_ctx, _param, value: str | None) -> date | None:
    try:
        return parse_day(value) if value is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Head office for fieldapp: load the portfolio, give collectors their routes,
    and collect what comes back from the field.

    \b
    A typical morning:
      headoffice import-portfolio overdue.csv
      headoffice collector add "Mette Jensen" --language da --timezone Europe/Copenhagen
      headoffice assign --collector "Mette Jensen" --date 2026-11-23 A-1001 A-1002
      headoffice serve
    """


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
def serve(db_url: str | None, host: str, port: int) -> None:
    """Run the head-office server (API docs at /docs)."""
    import uvicorn

    from headoffice.api import create_app

    engine = _engine(db_url)
    click.echo(f"head office listening on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


@main.command("import-portfolio")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
def import_portfolio(db_url: str | None, file: Path) -> None:
    """Load the overdue portfolio from a core-banking CSV export.

    All rows or none: a file with any bad row is refused whole and every
    problem is listed by line and column. Importing the same file twice changes
    nothing; a newer file updates balances.
    """
    try:
        found = portfolio.read_portfolio(file)
    except portfolio.ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(
            f"refused {file}: {len(refused.problems)} problem(s); nothing was imported"
        ) from None
    summary = portfolio.import_accounts(_engine(db_url), found)
    click.echo(
        f"imported {len(found)} account(s) from {file}: "
        f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"
    )


@main.command("publish-content")
@db_option
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
def publish_content(db_url: str | None, folder: Path | None) -> None:
    """Publish call scripts and contact policy (default: the library fieldapp ships).

    FOLDER holds scripts/<language>.toml and policy/<jurisdiction>.toml. A changed
    file must raise its version; laptops get it at their next sync.
    """
    from content import CONTENT_DIR
    from headoffice.publishing import PublishRefused, publish

    try:
        changed = publish(_engine(db_url), folder or CONTENT_DIR)
    except PublishRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException("nothing was published") from None
    click.echo(f"published {', '.join(changed)}" if changed else "nothing new to publish")


@main.group()
def collector() -> None:
    """Add collectors and manage their laptops."""


@collector.command("add")
@db_option
@click.argument("name")
@click.option("--language", type=click.Choice(["en", "da", "zh"]), default="en", show_default=True)
@click.option("--timezone", default="UTC", show_default=True, help="IANA zone, e.g. Asia/Shanghai.")
def collector_add(db_url: str | None, name: str, language: str, timezone: str) -> None:
    """Add a collector; the last line printed is their one-time enrollment token."""
    token = _roster(roster.add_collector, _engine(db_url), name, language, timezone)
    click.echo(f"added collector {name}; enroll their laptop with:")
    click.echo(f"  fieldapp enroll --server URL --token {token}")
    click.echo(token)


@collector.command("token")
@db_option
@click.argument("name")
def collector_token(db_url: str | None, name: str) -> None:
    """A new one-time enrollment token for a collector's new or replaced laptop."""
    click.echo(_roster(roster.new_enrollment, _engine(db_url), name))


@collector.command("revoke")
@db_option
@click.argument("name")
def collector_revoke(db_url: str | None, name: str) -> None:
    """Revoke every laptop of a collector (lost or stolen): they can no longer sync."""
    count = _roster(roster.revoke_devices, _engine(db_url), name)
    click.echo(f"revoked {count} laptop(s) of {name}")


@main.command()
@db_option
@click.option("--collector", "who", required=True, help="Collector's name.")
@click.option("--date", "visit_date", required=True, callback=_date, help="Route date, YYYY-MM-DD.")
@click.argument("account_ids", nargs=-1, required=True)
def assign(db_url: str | None, who: str, visit_date: date, account_ids: tuple[str, ...]) -> None:
    """Put accounts on a collector's route; the order given is the route order."""
    count = _roster(roster.assign, _engine(db_url), who, visit_date, list(account_ids))
    click.echo(f"assigned {count} visit(s) to {who} on {visit_date}")


@main.command()
@db_option
@click.option("--date", "visit_date", required=True, callback=_date, help="Route date, YYYY-MM-DD.")
@click.argument("account_ids", nargs=-1, required=True)
def recall(db_url: str | None, visit_date: date, account_ids: tuple[str, ...]) -> None:
    """Take visits back; they leave the laptop at its next sync."""
    count = _roster(roster.recall, _engine(db_url), visit_date, list(account_ids))
    click.echo(f"recalled {count} visit(s) on {visit_date}")


@main.command()
@db_option
@click.argument("what", type=click.Choice(["outcomes", "corrections", "accounts"]))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
def export(db_url: str | None, what: str, fmt: str, output: Path | None) -> None:
    """Export outcomes or corrections from the field, or the accounts, for core banking."""
    engine = _engine(db_url)
    rows, columns = {
        "outcomes": (exports.outcome_rows, exports.OUTCOME_COLUMNS),
        "corrections": (exports.correction_rows, exports.CORRECTION_COLUMNS),
        "accounts": (exports.account_rows, exports.ACCOUNT_COLUMNS),
    }[what]
    text = exports.render(rows(engine), fmt, columns)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _roster(action, *args):
    try:
        return action(*args)
    except roster.RosterError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
