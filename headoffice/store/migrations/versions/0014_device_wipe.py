"""A revoked laptop ordered wiped, and when the order reached it.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("wipe_ordered_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("wiped_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
