"""What roll rates and cures need: each account's overdue figures by day.

Revision ID: 0023
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_history",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("since", sa.Date, primary_key=True),
        sa.Column("oldest_due_date", sa.Date, nullable=False),
        sa.Column("overdue_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    )
    op.create_index("ix_account_history_since", "account_history", ["since", "account_id"])
    bind = op.get_bind()
    # What is known of an account before this revision: its figures as they stand, since
    # the day its oldest unpaid amount fell due (it has been unpaid since) or the day it
    # was last written, whichever came first.
    if bind.dialect.name == "postgresql":
        written = "CAST(updated_at AT TIME ZONE 'UTC' AS date)"
        first = f"LEAST(oldest_due_date, {written})"
    else:
        first = "min(oldest_due_date, date(updated_at))"
    bind.execute(
        sa.text(
            "INSERT INTO account_history (account_id, since, oldest_due_date, overdue_minor,"
            f" currency) SELECT account_id, {first}, oldest_due_date, overdue_minor, currency"
            " FROM accounts"
        )
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
