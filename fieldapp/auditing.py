"""The laptop's audit chain checked: every link recomputed, every record compared with its entry."""

from __future__ import annotations

import json

from fieldapp.store import Store
from fieldapp.store.layout import AUDITED_KINDS
from fieldapp.store.opening import dicts
from fieldcore.audit import Broken, Entry, changed_fields, first_broken_link


def verify_laptop(store: Store) -> tuple[int, Broken | None]:
    """How many entries the chain has, and the first place it or a record broke, if any.

    A record that left with its borrower (a recall) is gone from the laptop by design;
    every record still here must match its entry, and every one must have an entry.
    """
    rows = dicts(store.conn.execute("SELECT * FROM audit_log ORDER BY seq"))
    pairs = [
        (
            Entry(
                r["seq"],
                r["kind"],
                r["at"],
                r["subject_table"],
                r["subject_id"],
                r["body"],
                r["prev_hash"],
            ),
            r["entry_hash"],
        )
        for r in rows
    ]
    if broken := first_broken_link(pairs):
        return len(rows), broken
    # A record's own entry keeps its fields; the others (a script step, a skipped stop)
    # say what happened, and are proved by the chain alone.
    recorded = {(e.subject_table, e.subject_id): e for e, _hash in pairs if e.kind in AUDITED_KINDS}
    for table in sorted(set(AUDITED_KINDS.values())):
        for row in dicts(store.conn.execute(f"SELECT * FROM {table} ORDER BY id")):
            where = f"{table} {row['id']}"
            entry = recorded.get((table, row["id"]))
            if entry is None:
                if row.get("from_head_office"):
                    continue  # a colleague's record in the history, kept at head office
                return len(rows), Broken(where, "has no audit entry: it was not recorded here")
            fields = entry.fields()
            kept = {name: _as_recorded(name, row.get(name)) for name in fields}
            if changed := changed_fields(kept, fields):
                what = f"{', '.join(changed)} differs from what audit entry {entry.seq} kept"
                return len(rows), Broken(where, what)
    return len(rows), None


def _as_recorded(name: str, value: object) -> object:
    # The outcome's details are kept as JSON text; the entry hashed them as an object.
    if name == "details" and isinstance(value, str):
        return json.loads(value)
    return value
