"""The import that last set each account, and referrals to legal or an agency with their pack.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        # The audit entry of the portfolio import that last wrote the account (and so the
        # SHA-256 of that file); null for accounts imported before the trail.
        batch.add_column(sa.Column("imported_seq", sa.BigInteger))
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("destination", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("referred_by", sa.String(100), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("withdrawn_by", sa.String(100)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("pack", sa.LargeBinary, nullable=False),
        sa.Column("pack_sha256", sa.String(64), nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("head_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
