"""Payments indexed with their amounts, so an instalment is judged from the index alone.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The amount joins the key so the sum per instalment reads the index alone; the
    # old index is its prefix, and serves nothing the new one does not.
    op.create_index(
        "ix_payments_account_paid_amount",
        "payments",
        ["account_id", "currency", "paid_on", "amount_minor"],
    )
    op.drop_index("ix_payments_account_paid", table_name="payments")


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
