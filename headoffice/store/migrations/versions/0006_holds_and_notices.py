"""Holds on accounts and the written notices sent to borrowers.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=100), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=100), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_holds_account_id", "holds", ["account_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notices_account_id", "notices", ["account_id"])
    # Disputes recorded before holds were kept as rows held their accounts all the
    # same: each account with an unresolved one keeps a hold, from its first dispute.
    op.execute(
        """
        INSERT INTO holds (account_id, reason, note, placed_by, placed_at)
        SELECT o.account_id, 'dispute', o.note, c.name, o.received_at
        FROM outcomes o JOIN collectors c ON c.collector_id = o.collector_id
        WHERE o.outcome = 'dispute'
          AND NOT EXISTS (
            SELECT 1 FROM resolutions r WHERE r.kind = 'dispute' AND r.ref = o.id
          )
          AND o.id = (
            SELECT min(o2.id) FROM outcomes o2
            WHERE o2.account_id = o.account_id AND o2.outcome = 'dispute'
          )
        """
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
