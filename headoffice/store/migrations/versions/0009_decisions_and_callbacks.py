"""What a supervisor decided on a review item, and the callback a stop was made for.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # accepted / rejected; null for the items resolved with a note only (all of them so far).
    op.add_column("resolutions", sa.Column("decision", sa.String(10), nullable=True))
    # The borrower's wall-clock time a callback stop is for; null for assigned visits.
    op.add_column("visits", sa.Column("callback_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
