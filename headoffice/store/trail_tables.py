"""The evidence's tables: the audit trail's entries and heads, and referrals with their pack."""

from __future__ import annotations

import sqlalchemy as sa

from headoffice.store.metadata import metadata

# The audit trail: one chain of entries per head office (and, later, per laptop), each
# holding the hash of the one before; an audited row's entry keeps its fields' hashes.
audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column("chain", sa.String(80), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("subject_table", sa.String(40)),
    sa.Column("subject_id", sa.String(140)),
    sa.Column("body", sa.Text, nullable=False),  # canonical JSON
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Index("ix_audit_entries_subject", "subject_table", "subject_id"),
)

# An account sent to court (legal) or to a collection agency, with the evidence pack made
# when it was sent (the zip itself, and the SHA-256 of its manifest).
referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("destination", sa.String(10), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("referred_by", sa.String(100), nullable=False),
    sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # referred, withdrawn
    sa.Column("withdrawn_by", sa.String(100)),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("pack", sa.LargeBinary, nullable=False),
    sa.Column("pack_sha256", sa.String(64), nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("head_seq", sa.BigInteger, nullable=False),
)

# Each chain's last entry: locked by the transaction that appends, so two writers never
# give two entries one number.
audit_heads = sa.Table(
    "audit_heads",
    metadata,
    sa.Column("chain", sa.String(80), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)
