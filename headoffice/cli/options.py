"""What every `headoffice` command shares: the --db option, opening the database, clear errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click
from platformdirs import user_log_dir
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from fieldcore.days import parse_day
from fieldkit import crashes
from headoffice.store import db
from headoffice.work import roster

T = TypeVar("T")

db_option = click.option(
    "--db",
    "db_url",
    envvar="HEADOFFICE_DB",
    metavar="URL",
    help="Database: sqlite:///FILE or postgresql://USER[:PASS]@HOST:PORT/DB "
    "[env HEADOFFICE_DB; default: an SQLite file in your data folder]",
)


def open_engine(db_url: str | None, migrate: bool = True) -> Engine:
    """The database at the URL (or the default), migrated; a one-line error if it cannot open."""
    try:
        return db.connect(db_url, migrate=migrate)
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot open the database: {first_line(error)}") from None
    except ValueError as error:
        raise click.ClickException(f"cannot open the database: {error}") from None


class Commands(crashes.Commands):
    """Head office's commands: an unexpected error is one line on screen, its traceback in
    the log (as the server logs it: no row values), and exit status 1."""

    def crash_log(self, ctx: click.Context) -> Path:
        return log_file()

    def describe(self, error: BaseException) -> str:
        return db.safe_traceback(error)


def log_file() -> Path:
    """The commands' and the console's log, in the platform's log folder."""
    return Path(user_log_dir("headoffice", appauthor=False)) / "headoffice.log"


def log_unexpected(error: BaseException | None) -> str:
    """Log an error the console stopped on; the sentence to show instead of its traceback."""
    return crashes.log_crash(log_file(), error, db.safe_traceback)


def first_line(error: Exception) -> str:
    """The first line of a database error, with its class."""
    # SQLAlchemy's messages run to several lines and a link; the first says it.
    return f"{error.__class__.__name__}: {str(error).splitlines()[0]}"


def point_option(_ctx, _param, value: str | None) -> tuple[float, float] | None:
    """A click callback: LAT,LON as two floats, checked."""
    if value is None:
        return None
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("give it as LAT,LON, like 55.676,12.568") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter("latitude is -90..90 and longitude -180..180")
    return lat, lon


def day_option(_ctx, _param, value: str | None) -> date | None:
    """A click callback: a date as typed on a command line."""
    try:
        return parse_day(value) if value is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def roster_errors(action: Callable[..., T], *args: object) -> T:
    """Run a roster action; its refusal becomes a one-line error."""
    try:
        return action(*args)
    except roster.RosterError as error:
        raise click.ClickException(str(error)) from None


route_date = click.option(
    "--date", "visit_date", required=True, callback=day_option, help="Route date, YYYY-MM-DD."
)
