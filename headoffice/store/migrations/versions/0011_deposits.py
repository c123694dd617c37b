"""Deposits: the cash each collector paid in at the bank, to set against the cash receipted.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deposits",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "collector_id",
            sa.Integer,
            sa.ForeignKey("collectors.collector_id"),
            nullable=False,
        ),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("slip", sa.String(60), nullable=False),
        sa.Column("deposited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_deposits_collector", "deposits", ["collector_id", "currency"])
    # The cash review asks for each collector's cash payments.
    op.create_index("ix_outcomes_collector_outcome", "outcomes", ["collector_id", "outcome"])


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
