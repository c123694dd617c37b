"""Erasing fields of a stored row in a way the audit trail still proves: an `erasure` entry."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.audit import field_hashes
from headoffice.evidence.trail import ERASURE, append


def erase_fields(
    conn: Connection,
    table: sa.Table,
    key: sa.Column,
    before: Mapping[str, object],
    after: Mapping[str, object],
    why: Mapping[str, object],
) -> bool:
    """Overwrite the row's fields with `after` and enter the erasure; False if nothing changed.

    The entry names the fields erased with the hashes of the values they held (the
    ones the row's own entry kept: whoever has a value can still prove it was there) and
    of what they hold now, so the verify compares the row with its state after erasure.
    """
    changed = {name: value for name, value in after.items() if before[name] != value}
    if not changed:
        return False
    subject = str(before[key.name])
    conn.execute(table.update().where(key == before[key.name]).values(**changed))
    old = field_hashes({name: before[name] for name in changed})
    body = {"erased": old, "fields": field_hashes(changed)} | dict(why)
    append(conn, [(ERASURE, table.name, subject, body)])
    return True
