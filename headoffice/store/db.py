"""Opening head office's database: embedded SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from platformdirs import user_data_dir
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
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling defers locks; take the write lock at
        # BEGIN so two writers never deadlock on upgrade.
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
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
