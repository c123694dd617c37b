"""Head office's audit trail: entries appended in the transaction of what they record, the
chain's head to lodge elsewhere, and the verify that recomputes every link and row."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.audit import (
    GENESIS,
    Broken,
    Entry,
    chained,
    changed_fields,
    field_hashes,
    first_broken_link,
    plain_value,
)
from headoffice.evidence.audited import AUDITED
from headoffice.store.db import chunks
from headoffice.store.tables import audit_entries, audit_heads

OFFICE = "office"
# The kind of the entry that records personal data erased after its retention.
ERASURE = "erasure"


@dataclass(frozen=True)
class Head:
    """The chain's last entry: lodged elsewhere, it proves nothing before it changed."""

    seq: int
    entry_hash: str
    at: datetime | None


def append(
    conn: Connection,
    items: Iterable[tuple[str, str | None, str | None, dict]],
    chain: str = OFFICE,
) -> Head:
    """Append (kind, subject table, subject id, body) entries, in the caller's transaction.

    The head's row is locked first (FOR UPDATE; SQLite's one writer does the same), so
    entries of two writers never share a number, and nothing is recorded unless what
    it records is committed with it.
    """
    head = conn.execute(
        sa.select(audit_heads.c.seq, audit_heads.c.entry_hash)
        .where(audit_heads.c.chain == chain)
        .with_for_update()
    ).first()
    seq, prev = (head.seq, head.entry_hash) if head else (0, GENESIS)
    now = datetime.now(UTC)
    rows = [
        {
            "chain": chain,
            "seq": entry.seq,
            "kind": entry.kind,
            "at": now,
            "subject_table": entry.subject_table,
            "subject_id": entry.subject_id,
            "body": entry.body,
            "prev_hash": entry.prev_hash,
            "entry_hash": entry_hash,
        }
        for entry, entry_hash in chained(items, seq, prev, str(plain_value(now)))
    ]
    if not rows:
        return Head(seq, prev, None)
    seq, prev = rows[-1]["seq"], rows[-1]["entry_hash"]
    _store(conn, chain, rows, head is None, seq, prev)
    return Head(seq, prev, now)


def record_rows(
    conn: Connection,
    table_name: str,
    ids: Iterable[object],
    stored: list[dict] | None = None,
    kind: str | None = None,
) -> None:
    """An entry for each row just stored, with its fields' hashes as the database keeps them.

    Given the rows as inserted (`stored`), each column the insert left out is taken as
    its default, as a read-back would give it; else the rows of those keys (`ids`: ids,
    or key tuples of a table keyed by several columns) are read back. `kind`: of a row
    stored again (an arrangement replaced), whose newest entry the verify compares.
    """
    audited = AUDITED[table_name]
    if stored is not None:
        defaults = audited.defaults()
        rows = [defaults | row for row in stored]
    else:
        rows = _read_back(conn, audited.table, audited.key, list(ids))
    items = [
        (kind or audited.kind, table_name, audited.subject(row), {"fields": field_hashes(row)})
        for row in sorted(rows, key=audited.order)
    ]
    if items:
        append(conn, items)


def _read_back(conn: Connection, table: sa.Table, key: tuple[str, ...], ids: list) -> list[dict]:
    column = table.c[key[0]] if len(key) == 1 else sa.tuple_(*(table.c[k] for k in key))
    found = []
    for chunk in chunks(ids):
        found += [
            dict(row._mapping) for row in conn.execute(sa.select(table).where(column.in_(chunk)))
        ]
    return found


def record_unrecorded(engine: Engine) -> int:
    """Entries for audited rows stored without one (the demos' seeding); how many."""
    count = 0
    with engine.begin() as conn:
        for name, audited in AUDITED.items():
            recorded = set(
                conn.execute(
                    sa.select(audit_entries.c.subject_id).where(
                        audit_entries.c.chain == OFFICE, audit_entries.c.subject_table == name
                    )
                ).scalars()
            )
            rows = [dict(row._mapping) for row in conn.execute(sa.select(audited.table))]
            fresh = [row for row in rows if audited.subject(row) not in recorded]
            record_rows(conn, name, [], stored=fresh)
            count += len(fresh)
    return count


class ChainBroken(ValueError):
    """A laptop's audit entries that do not follow the chain head office holds for it."""


def laptop_chain(device_id: str) -> str:
    return f"device:{device_id}"


def take_laptop_chain(conn: Connection, device_id: str, received: Iterable) -> None:
    """Keep a laptop's audit entries as received, each checked against the last one held.

    An entry head office holds already (a retried push) must be the very same; the
    first new one must follow the last held, and each must hash as it says. Anything
    else is an edited or replayed chain: ChainBroken, and the caller applies nothing.
    """
    chain = laptop_chain(device_id)
    received = list(received)
    if not received:
        return
    held = conn.execute(
        sa.select(audit_heads.c.seq, audit_heads.c.entry_hash)
        .where(audit_heads.c.chain == chain)
        .with_for_update()
    ).first()
    seq, prev = (held.seq, held.entry_hash) if held else (0, GENESIS)
    # A retried push repeats entries head office holds: read those in one query.
    repeated = [w.seq for w in received if w.seq <= seq]
    kept = dict(
        conn.execute(
            sa.select(audit_entries.c.seq, audit_entries.c.entry_hash).where(
                audit_entries.c.chain == chain,
                audit_entries.c.seq.between(min(repeated), max(repeated)),
            )
        ).all()
    ) if repeated else {}  # fmt: skip
    fresh = []
    for wire in received:
        entry = Entry(
            wire.seq, wire.kind, wire.at, wire.subject_table, wire.subject_id, wire.body,
            wire.prev_hash,
        )  # fmt: skip
        where = f"the laptop's audit entry {wire.seq}"
        if not _an_object(wire.body):
            raise ChainBroken(f"{where} has a body that is not a JSON object")
        try:
            at = datetime.fromisoformat(wire.at)
        except ValueError:
            raise ChainBroken(f"{where} has a moment that is not a date and time") from None
        if entry.hash() != wire.entry_hash:
            raise ChainBroken(f"{where} does not hash as it says: it was changed")
        if wire.seq <= seq:
            if kept.get(wire.seq) != wire.entry_hash:
                raise ChainBroken(f"{where} differs from the one head office holds")
            continue
        if wire.seq != seq + 1 or wire.prev_hash != prev:
            raise ChainBroken(f"{where} does not follow entry {seq}, the last head office holds")
        seq, prev = wire.seq, wire.entry_hash
        fresh.append(
            {
                "chain": chain,
                "seq": wire.seq,
                "kind": wire.kind,
                "at": at,
                "subject_table": wire.subject_table,
                "subject_id": wire.subject_id,
                "body": wire.body,
                "prev_hash": wire.prev_hash,
                "entry_hash": wire.entry_hash,
            }
        )
    if fresh:
        _store(conn, chain, fresh, held is None, seq, prev)


def _store(conn: Connection, chain: str, rows: list[dict], new: bool, seq: int, last: str) -> None:
    # The entries, then the chain's head moved to the last of them (made, for a new chain).
    for batch in chunks(rows, 1000):
        conn.execute(audit_entries.insert(), batch)
    if new:
        conn.execute(audit_heads.insert().values(chain=chain, seq=seq, entry_hash=last))
    else:
        conn.execute(
            audit_heads.update()
            .where(audit_heads.c.chain == chain)
            .values(seq=seq, entry_hash=last)
        )


def _an_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def head(engine: Engine, chain: str = OFFICE) -> Head:
    """The chain's head now, with the moment of its last entry."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(audit_entries.c.seq, audit_entries.c.entry_hash, audit_entries.c.at)
            .where(audit_entries.c.chain == chain)
            .order_by(audit_entries.c.seq.desc())
            .limit(1)
        ).first()
    return Head(row.seq, row.entry_hash, row.at) if row else Head(0, GENESIS, None)


def _entries(conn: Connection, chain: str, after: int) -> Iterator[tuple[Entry, str]]:
    query = (
        sa.select(audit_entries)
        .where(audit_entries.c.chain == chain, audit_entries.c.seq > after)
        .order_by(audit_entries.c.seq)
        .execution_options(yield_per=5000)
    )
    for row in conn.execute(query):
        entry = Entry(
            seq=row.seq,
            kind=row.kind,
            at=str(plain_value(row.at)),
            subject_table=row.subject_table,
            subject_id=row.subject_id,
            body=row.body,
            prev_hash=row.prev_hash,
        )
        yield entry, row.entry_hash


def verify(
    engine: Engine, anchor: tuple[int, str] | None = None, chain: str = OFFICE
) -> tuple[int, Broken | None]:
    """How many entries there are, and the first place the trail or a row broke, if any.

    Every link is recomputed (from an anchor, when given: (seq, hash) lodged earlier),
    then every audited row is compared field by field with its entry: a row changed, a
    row added by hand, or a row removed is named with its table and id.
    """
    after, prev = anchor if anchor else (0, GENESIS)
    with engine.connect() as conn:
        if anchor is not None:
            kept = conn.execute(
                sa.select(audit_entries.c.entry_hash).where(
                    audit_entries.c.chain == chain, audit_entries.c.seq == after
                )
            ).scalar()
            if kept != prev:
                return 0, Broken(f"audit entry {after}", "is not the anchor that was lodged")
        count = conn.execute(sa.select(sa.func.count()).select_from(audit_entries)).scalar_one()
        broken = first_broken_link(_entries(conn, chain, after), prev=prev, start=after + 1)
        laptops = conn.execute(
            sa.select(audit_heads.c.chain).where(audit_heads.c.chain != chain).order_by("chain")
        ).scalars()
        for other in list(laptops):
            if broken is not None:
                break
            if found := first_broken_link(_entries(conn, other, 0)):
                broken = Broken(f"{other} {found.where}", found.what)
        for name in AUDITED:
            if broken is not None:
                break
            broken = _rows_match(conn, name, chain)
    return count, broken


def _rows_match(conn: Connection, table_name: str, chain: str) -> Broken | None:
    audited = AUDITED[table_name]
    table = audited.table
    recorded: dict[str, tuple[int, dict]] = {}
    query = (
        sa.select(
            audit_entries.c.seq,
            audit_entries.c.kind,
            audit_entries.c.subject_id,
            audit_entries.c.body,
        )
        .where(audit_entries.c.chain == chain, audit_entries.c.subject_table == table_name)
        .order_by(audit_entries.c.seq)
    )
    for row in conn.execute(query.execution_options(yield_per=5000)):
        body = json.loads(row.body)
        if row.kind != ERASURE:
            # In order: a row stored again (an arrangement replaced) is compared with its
            # newest entry.
            recorded[row.subject_id] = (row.seq, body["fields"])
            continue
        # An erasure names the values it erased by the hashes the row's entry kept, and the
        # row's state after it: from then on, the row is compared with that state.
        where = f"audit entry {row.seq}"
        kept = recorded.get(row.subject_id)
        if kept is None:
            return Broken(where, f"erases {table_name} {row.subject_id}, which has no entry")
        if changed := sorted(n for n, h in body["erased"].items() if kept[1].get(n) != h):
            return Broken(where, f"erases {', '.join(changed)} other than what was recorded")
        recorded[row.subject_id] = (row.seq, kept[1] | body["fields"])
    keys = [table.c[name] for name in audited.key]
    rows = conn.execute(sa.select(table).order_by(*keys).execution_options(yield_per=5000))
    for row in rows:
        mapping = dict(row._mapping)
        subject = audited.subject(mapping)
        kept = recorded.pop(subject, None)
        where = f"{table_name} {subject}"
        if kept is None:
            return Broken(where, "has no audit entry: it was not stored through head office")
        seq, fields = kept
        if changed := changed_fields(mapping, fields):
            return Broken(where, f"{', '.join(changed)} differs from what audit entry {seq} kept")
    if recorded:
        gone, (seq, _fields) = min(recorded.items(), key=lambda item: item[1][0])
        return Broken(f"{table_name} {gone}", f"is gone: audit entry {seq} recorded it")
    return None
