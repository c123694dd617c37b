"""Many rows in at once, the new ones only: COPY through a staging table on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

# Rows per statement on SQLite (each row binds one parameter per column; the limit is 32,766).
_BATCH = 1000


def insert_new(conn: Connection, table: sa.Table, rows: Sequence[dict], key: str) -> set:
    """Insert the rows whose `key` (a unique column) the table lacks; return the keys
    inserted. Rows whose key is there already are left as they were, untouched.

    Every row has the same columns. On PostgreSQL the rows are copied (COPY) into a
    temporary table dropped at commit, then inserted by one statement: a hundred thousand
    rows in a second, where row-by-row inserts take several.
    """
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        return _copied(conn, table, rows, key)
    insert = sqlite.insert(table).on_conflict_do_nothing().returning(table.c[key])
    taken: set = set()
    for start in range(0, len(rows), _BATCH):
        taken.update(conn.execute(insert, rows[start : start + _BATCH]).scalars())
    return taken


def _copied(conn: Connection, table: sa.Table, rows: Sequence[dict], key: str) -> set:
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    staging = f"new_{table.name}"
    conn.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" '
        f'(LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS'
    )
    conn.exec_driver_sql(f'TRUNCATE "{staging}"')
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{staging}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
    inserted = conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{staging}" '
        f'ON CONFLICT DO NOTHING RETURNING "{key}"'
    )
    return set(inserted.scalars())
