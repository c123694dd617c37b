"""Versioned schema migrations (Alembic): bring any head-office database to the current schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from headoffice.store.tables import counters

# The revision that create_all made before migrations were versioned; a
# database from then is stamped with it and migrated forward like any other.
UNVERSIONED = "0001"
# Any number, the same in every process: PostgreSQL's lock for "migrating now".
_LOCK = 7240917


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "headoffice.store:migrations")
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: empty or made before versioning)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade to the newest revision in one transaction; return (from, to).

    Migrations only add: columns, tables, indexes and backfills. Several
    processes starting together are safe: PostgreSQL serialises them on an
    advisory lock, SQLite on its write lock (BEGIN IMMEDIATE).
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _LOCK})
        before = MigrationContext.configure(conn).get_current_revision()
        config = _config(conn)
        if before is None and sa.inspect(conn).has_table("counters"):
            command.stamp(config, UNVERSIONED)
            before = UNVERSIONED
        command.upgrade(config, "head")
        if conn.execute(sa.select(counters).where(counters.c.name == "change")).first() is None:
            conn.execute(counters.insert().values(name="change", value=0))
        return before, head()
