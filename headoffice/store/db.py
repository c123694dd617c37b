"""Opening head office's database: embedded SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import logging
import os
import sqlite3
import traceback
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from platformdirs import user_data_dir
from pydantic import ValidationError
from sqlalchemy.engine import Engine

T = TypeVar("T")


def default_url() -> str:
    """HEADOFFICE_DB, or an SQLite file in the supervisor's platform data folder."""
    if url := os.environ.get("HEADOFFICE_DB"):
        return url
    folder = Path(user_data_dir("headoffice", appauthor=False))
    return f"sqlite:///{folder / 'headoffice.db'}"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// and file paths; pick the drivers we ship."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def connect(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine for the URL with its schema brought up to date (created if missing)."""
    url = normalise_url(url or default_url())
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling defers locks; take the write lock at
        # BEGIN so two writers never deadlock on upgrade.
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        # hide_parameters on both: a statement's parameters are borrowers' data,
        # and SQLAlchemy writes them into every error message it raises.
        engine = sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if migrate:
        from headoffice.store.migrate import migrate as run_migrations

        run_migrations(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def utc(moment: datetime) -> datetime:
    """A moment read back from a timezone=True column, aware: SQLite hands back naive
    datetimes, and every time head office stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_date(moment: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """The UTC day of a timezone=True column, in the database (SQLite keeps UTC text)."""
    if dialect == "postgresql":
        return sa.func.date(sa.func.timezone("UTC", moment))
    return sa.func.date(moment)


def chunks(values: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """Values in lists of `size`: a statement takes only so many parameters (SQLite 32,766)."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def among(
    column: sa.ColumnElement[str], wanted: Iterable[str] | sa.Select
) -> Iterator[sa.ColumnElement[bool]]:
    """WHERE clauses that together pick the rows whose `column` is among `wanted`: one with
    a subquery when `wanted` is a query (the database joins; nothing crosses the wire), else
    one for each chunk of the values."""
    if isinstance(wanted, sa.Select):
        yield column.in_(wanted)
        return
    for chunk in chunks(sorted(set(wanted))):
        yield column.in_(chunk)


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def safe_traceback(error: BaseException) -> str:
    """`error`'s traceback and its chain as Python prints them, but database errors say
    only their class, SQLSTATE, constraint and statement: never the values of a row.

    PostgreSQL's messages quote values ('invalid input syntax ... "Søren"') and its
    DETAIL lines whole rows ("Failing row contains (...)", "Key (phone)=(...)").
    """
    chain: list[tuple[BaseException, str]] = []
    current: BaseException | None = error
    link = ""
    while current is not None and all(current is not seen for seen, _ in chain):
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    wrapped = [e.orig for e, _ in chain if isinstance(e, sa.exc.StatementError)]
    parts: list[str] = []
    for exc, link in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        message = _db_message(exc, wrapped=any(exc is w for w in wrapped))
        parts.append(f"{kind.__module__}.{kind.__qualname__}: {message}\n")
        parts.append(link)
    return "".join(parts)


def _db_message(exc: BaseException, *, wrapped: bool) -> str:
    if isinstance(exc, sa.exc.StatementError):
        inner = "" if exc.orig is None else type(exc.orig).__name__
        statement = " ".join((exc.statement or "").split())[:1000]
        return f"({inner}) [SQL: {statement}]"
    if isinstance(exc, sqlite3.Error):
        return str(exc).split("\n")[0]  # "UNIQUE constraint failed: payments.id": no values
    diag = getattr(exc, "diag", None)
    if diag is not None:  # psycopg: name what failed, not the message or its DETAIL
        names = (("constraint", diag.constraint_name), ("table", diag.table_name))
        where = "".join(f", {label} {value}" for label, value in names if value)
        return f"SQLSTATE {getattr(exc, 'sqlstate', None) or 'none'}{where}"
    if isinstance(exc, ValidationError):
        # pydantic quotes each input it refused; name only where and what kind.
        kinds = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['type']}" for item in exc.errors()
        )
        return f"{exc.error_count()} validation error(s) for {exc.title}: {kinds}"
    # Whatever a driver raised inside a statement may quote a parameter too.
    return "(message withheld: raised inside a database statement)" if wrapped else str(exc)


class SafeTracebacks(logging.Filter):
    """Log records' tracebacks through safe_traceback; one marked `logged_safely` is dropped.

    uvicorn logs every exception that reaches it in full, after the app's own
    handler has logged it (with its route) and marked it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite a record carrying an exception; False for one logged already."""
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if getattr(error, "logged_safely", False):
            return False
        record.msg = f"{record.getMessage().rstrip()}\n{safe_traceback(error)}"
        record.args, record.exc_info, record.exc_text = None, None, None
        return True
