"""A mutation's body hash; a receipt number booked once per laptop.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applied_mutations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_hash", sa.String(length=64), nullable=True))
    # Before 0003 the same receipt could be booked twice. Outcomes are never
    # edited, so where that happened the index is made without uniqueness and
    # the push's own check refuses any further repeat.
    repeated = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM outcomes WHERE receipt_no IS NOT NULL "
                "GROUP BY device_id, receipt_no HAVING count(*) > 1) AS repeats"
            )
        )
        .scalar_one()
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index(
            "ux_outcomes_device_receipt", ["device_id", "receipt_no"], unique=repeated == 0
        )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
