"""Where each outcome was recorded: the fix's status, the distance from the address, too far.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # fix / no_fix / no_receiver as the laptop said; null for outcomes from before GPS.
    op.add_column("outcomes", sa.Column("fix_status", sa.String(12), nullable=True))
    # Metres from the account's coordinates to a visit's fix; null without either.
    op.add_column("outcomes", sa.Column("distance_m", sa.Integer, nullable=True))
    op.add_column(
        "outcomes",
        sa.Column("far_from_address", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
