"""An account's history for its evidence pack: every stored row that concerns it, each with
the audit entries that recorded it, read as streams and merged in time order."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.audit import plain_value
from headoffice.evidence.trail import OFFICE
from headoffice.store.tables import (
    accounts,
    arrangements,
    audit_entries,
    collectors,
    corrections,
    holds,
    messages,
    notices,
    opt_outs,
    outcomes,
    payments,
    resolutions,
)


@dataclass
class Event:
    """One thing that happened to the account, as stored, with the entries that recorded it."""

    at: str  # UTC as plain_value writes it, or a day: what the events are ordered by
    kind: str  # outcome, payment, correction, hold, hold_released, notice, resolution, ...
    table: str
    id: str
    record: dict
    entries: list[dict] = field(default_factory=list)


# Each table's rows for one account: how to find them, and the moment each happened.
_STREAMS: tuple[tuple[str, sa.Table, str, str], ...] = (
    ("outcome", outcomes, "id", "recorded_at"),
    ("payment", payments, "id", "paid_on"),
    ("correction", corrections, "id", "recorded_at"),
    ("hold", holds, "id", "placed_at"),
    ("notice", notices, "id", "sent_on"),
    ("arrangement", arrangements, "id", "created_at"),
    # What head office sent by itself, with its words and how far it got; opt-outs.
    ("message", messages, "key", "created_at"),
    ("opt_out", opt_outs, "id", "placed_at"),
)


def account_record(conn: Connection, account_id: str) -> dict | None:
    """The account's row as stored, in plain values; None when there is no such account."""
    row = conn.execute(sa.select(accounts).where(accounts.c.account_id == account_id)).first()
    return {k: plain_value(v) for k, v in row._mapping.items()} if row else None


def collector_names(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(sa.select(collectors.c.collector_id, collectors.c.name)).all())


def account_events(conn: Connection, account_id: str) -> Iterator[Event]:
    """Everything that concerns the account, oldest first, read a few thousand rows at a time."""
    streams = [_rows(conn, account_id, *stream) for stream in _STREAMS]
    streams.append(_releases(conn, account_id))
    streams.append(_resolutions(conn, account_id))
    return heapq.merge(*streams, key=lambda e: (e.at, e.kind, e.id))


def count_events(conn: Connection, account_id: str) -> int:
    """How many events account_events will give, counted by the database."""
    counts = [
        sa.select(sa.func.count()).select_from(table).where(table.c.account_id == account_id)
        for _kind, table, _key, _moment in _STREAMS
    ]
    counts.append(
        sa.select(sa.func.count())
        .select_from(holds)
        .where(holds.c.account_id == account_id, holds.c.released_at.is_not(None))
    )
    counts.append(
        sa.select(sa.func.count())
        .select_from(resolutions)
        .where(resolutions.c.ref.in_(_refs(account_id)))
    )
    return sum(conn.execute(query).scalar_one() for query in counts)


def _refs(account_id: str) -> sa.Select:
    # A review item is named by what it is about: the account, or one of its outcomes or
    # corrections.
    refs = sa.union(
        sa.select(sa.literal(account_id).label("ref")),
        sa.select(outcomes.c.id).where(outcomes.c.account_id == account_id),
        sa.select(corrections.c.id).where(corrections.c.account_id == account_id),
    ).subquery()
    return sa.select(refs.c.ref)


def _with_entries(table: sa.Table, key: str, name: str) -> sa.Select:
    # An outer join: a row with no entry (kept before the trail began) is still shown.
    subject = sa.cast(table.c[key], sa.String) if key != "id" else table.c[key]
    return sa.select(
        table,
        audit_entries.c.seq.label("entry_seq"),
        audit_entries.c.entry_hash.label("entry_hash"),
        audit_entries.c.kind.label("entry_kind"),
    ).outerjoin(
        audit_entries,
        sa.and_(
            audit_entries.c.chain == OFFICE,
            audit_entries.c.subject_table == name,
            audit_entries.c.subject_id == sa.cast(subject, sa.String),
        ),
    )


def _grouped(rows, kind: str, name: str, key: str, moment: str) -> Iterator[Event]:
    current: Event | None = None
    for row in rows:
        mapping = row._mapping
        ident = str(mapping[key])
        if current is None or current.id != ident:
            if current is not None:
                yield current
            record = {
                k: plain_value(v)
                for k, v in mapping.items()
                if k not in ("entry_seq", "entry_hash", "entry_kind")
            }
            current = Event(str(record[moment]), kind, name, ident, record)
        if mapping["entry_seq"] is not None:
            current.entries.append(
                {
                    "chain": OFFICE,
                    "seq": mapping["entry_seq"],
                    "hash": mapping["entry_hash"],
                    "kind": mapping["entry_kind"],
                }
            )
    if current is not None:
        yield current


def _rows(
    conn: Connection, account_id: str, kind: str, table: sa.Table, key: str, moment: str
) -> Iterator[Event]:
    query = (
        _with_entries(table, key, table.name)
        .where(table.c.account_id == account_id)
        .order_by(table.c[moment], table.c[key], audit_entries.c.seq)
        .execution_options(yield_per=2000)
    )
    for event in _grouped(conn.execute(query), kind, table.name, key, moment):
        if kind == "hold":  # its release is an event of its own, with its own entry
            event.entries = [e for e in event.entries if e["kind"] != "hold released"]
        yield event


def _releases(conn: Connection, account_id: str) -> Iterator[Event]:
    # A hold's release is its own event, at its own moment (the hold's row holds both).
    query = (
        sa.select(holds)
        .where(holds.c.account_id == account_id, holds.c.released_at.is_not(None))
        .order_by(holds.c.released_at, holds.c.id)
    )
    for row in conn.execute(query).all():
        record = {k: plain_value(v) for k, v in row._mapping.items()}
        event = Event(str(record["released_at"]), "hold_released", "holds", str(row.id), record)
        event.entries = [
            e for e in _entries_of(conn, "holds", str(row.id)) if e["kind"] == "hold released"
        ]
        yield event


def _resolutions(conn: Connection, account_id: str) -> Iterator[Event]:
    query = (
        sa.select(resolutions)
        .where(resolutions.c.ref.in_(_refs(account_id)))
        .order_by(resolutions.c.resolved_at, resolutions.c.kind, resolutions.c.ref)
    )
    for row in conn.execute(query).all():
        record = {k: plain_value(v) for k, v in row._mapping.items()}
        ident = f"{row.kind}:{row.ref}"
        event = Event(str(record["resolved_at"]), "resolution", "resolutions", ident, record)
        event.entries = _entries_of(conn, "resolutions", ident)
        yield event


def _entries_of(conn: Connection, table: str, ident: str) -> list[dict]:
    query = (
        sa.select(audit_entries.c.seq, audit_entries.c.entry_hash, audit_entries.c.kind)
        .where(
            audit_entries.c.chain == OFFICE,
            audit_entries.c.subject_table == table,
            audit_entries.c.subject_id == ident,
        )
        .order_by(audit_entries.c.seq)
    )
    return [
        {"chain": OFFICE, "seq": r.seq, "hash": r.entry_hash, "kind": r.kind}
        for r in conn.execute(query)
    ]
