"""Supervisors, payments, review resolutions, account regions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=140), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_account_id"), ["account_id"], unique=False)

    op.create_table(
        "resolutions",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(length=100), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "ref"),
    )
    op.create_table(
        "supervisors",
        sa.Column("supervisor_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("supervisor_id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_accounts_postal_code"), ["postal_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_region"), ["region"], unique=False)

    # Cash and transfers already taken in the field become payments, so that
    # promises made before this version are judged against them as well.
    bind = op.get_bind()
    outcomes = sa.table(
        "outcomes",
        sa.column("id"),
        sa.column("account_id"),
        sa.column("outcome"),
        sa.column("amount_minor"),
        sa.column("currency"),
        sa.column("receipt_no"),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
        sa.column("received_at", sa.DateTime(timezone=True)),
    )
    payments = sa.table(
        "payments",
        sa.column("id"),
        sa.column("account_id"),
        sa.column("amount_minor"),
        sa.column("currency"),
        sa.column("paid_on", sa.Date),
        sa.column("source"),
        sa.column("reference"),
        sa.column("received_at", sa.DateTime(timezone=True)),
    )
    paid = bind.execute(sa.select(outcomes).where(outcomes.c.outcome == "paid")).all()
    if paid:
        bind.execute(
            payments.insert(),
            [
                {
                    "id": row.id,
                    "account_id": row.account_id,
                    "amount_minor": row.amount_minor,
                    "currency": row.currency,
                    "paid_on": row.recorded_at.date(),
                    "source": "field",
                    "reference": row.receipt_no,
                    "received_at": row.received_at,
                }
                for row in paid
            ],
        )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
