"""The audit trail: chained entries, each chain's head, and an entry for every row already kept.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from fieldcore.audit import GENESIS, Entry, canonical, field_hashes, plain_value

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The rows that were kept before the trail existed get their entries now, in the order
# head office received them, so that a verify covers them from here on.
AUDITED = {"outcomes": "outcome", "payments": "payment", "corrections": "correction"}


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("chain", sa.String(80), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject_table", sa.String(40)),
        sa.Column("subject_id", sa.String(140)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entries_subject", "audit_entries", ["subject_table", "subject_id"])
    heads = op.create_table(
        "audit_heads",
        sa.Column("chain", sa.String(80), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    bind = op.get_bind()
    entries = sa.Table("audit_entries", sa.MetaData(), autoload_with=bind)
    seq, prev = 0, GENESIS
    now = datetime.now(UTC)
    for table_name, kind in AUDITED.items():
        table = sa.Table(table_name, sa.MetaData(), autoload_with=bind)
        batch = []
        for row in bind.execute(sa.select(table).order_by(table.c.received_at, table.c.id)):
            seq += 1
            mapping = dict(row._mapping)
            entry = Entry(
                seq=seq,
                kind=kind,
                at=str(plain_value(now)),
                subject_table=table_name,
                subject_id=mapping["id"],
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
    op.bulk_insert(heads, [{"chain": "office", "seq": seq, "entry_hash": prev}])


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
