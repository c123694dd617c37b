"""Deposits, arrangements and instalments join the audit trail: an entry for each one kept.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from fieldcore.audit import GENESIS, Entry, canonical, field_hashes, plain_value

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# From this revision on, the trail keeps these rows whole (headoffice/evidence/audited.py).
# Those kept before get their entries now, after the chain's head, in the order head
# office received them, so that a verify covers them from here on. Each is keyed as the
# trail keys it: by id, an instalment by its arrangement and number joined by '#'.
AUDITED = {
    "deposits": ("deposit", ("received_at", "id"), ("id",)),
    "arrangements": ("arrangement", ("created_at", "id"), ("id",)),
    "instalments": ("instalment", ("arrangement_id", "number"), ("arrangement_id", "number")),
}


def upgrade() -> None:
    bind = op.get_bind()
    entries = sa.Table("audit_entries", sa.MetaData(), autoload_with=bind)
    heads = sa.Table("audit_heads", sa.MetaData(), autoload_with=bind)
    head = bind.execute(
        sa.select(heads.c.seq, heads.c.entry_hash).where(heads.c.chain == "office")
    ).first()
    seq, prev = (head.seq, head.entry_hash) if head else (0, GENESIS)
    now = datetime.now(UTC)
    for table_name, (kind, order, key) in AUDITED.items():
        table = sa.Table(table_name, sa.MetaData(), autoload_with=bind)
        batch = []
        for row in bind.execute(sa.select(table).order_by(*(table.c[c] for c in order))):
            seq += 1
            mapping = dict(row._mapping)
            entry = Entry(
                seq=seq,
                kind=kind,
                at=str(plain_value(now)),
                subject_table=table_name,
                subject_id="#".join(str(mapping[c]) for c in key),
                body={"fields": field_hashes(mapping), "kept_before_the_trail": True},
                prev_hash=prev,
            )
            prev = entry.hash()
            batch.append(_row(entry, prev, now))
            if len(batch) == 1000:
                bind.execute(entries.insert(), batch)
                batch = []
        if batch:
            bind.execute(entries.insert(), batch)
    if head is None:
        bind.execute(heads.insert().values(chain="office", seq=seq, entry_hash=prev))
    else:
        bind.execute(
            heads.update().where(heads.c.chain == "office").values(seq=seq, entry_hash=prev)
        )


def _row(entry: Entry, entry_hash: str, at: datetime) -> dict:
    return {
        "chain": "office",
        "seq": entry.seq,
        "kind": entry.kind,
        "at": at,
        "subject_table": entry.subject_table,
        "subject_id": entry.subject_id,
        "body": canonical(entry.body).decode(),
        "prev_hash": entry.prev_hash,
        "entry_hash": entry_hash,
    }


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
