"""Promises and payment plans as arrangements with instalments, judged against payments.

Every promise already recorded becomes an arrangement of one instalment, so the
judgement of old and new promises is the same query.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "arrangements",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("collector_id", sa.Integer, nullable=True),
        sa.Column("made_on", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("every", sa.String(10), nullable=True),
        sa.Column("replaced_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "instalments",
        sa.Column("arrangement_id", sa.String(80), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("made_on", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("replaced_on", sa.Date, nullable=True),
    )
    op.create_index("ix_instalments_account", "instalments", ["account_id", "currency"])
    op.create_index("ix_instalments_due", "instalments", ["due"])
    op.create_index("ix_payments_account_paid", "payments", ["account_id", "currency", "paid_on"])
    # The promises recorded so far: one instalment each, made on the day recorded (UTC).
    sqlite = op.get_bind().dialect.name == "sqlite"
    made_on = "date(recorded_at)" if sqlite else "CAST(recorded_at AT TIME ZONE 'UTC' AS DATE)"
    op.execute(
        f"""
        INSERT INTO arrangements
            (id, account_id, kind, collector_id, made_on, currency, total_minor, created_at)
        SELECT id, account_id, 'promise', collector_id, {made_on}, currency,
               amount_minor, received_at
        FROM outcomes
        WHERE outcome = 'promise' AND promise_date IS NOT NULL AND amount_minor IS NOT NULL
        """
    )
    op.execute(
        f"""
        INSERT INTO instalments
            (arrangement_id, number, account_id, currency, made_on, due, amount_minor)
        SELECT id, 1, account_id, currency, {made_on}, promise_date, amount_minor
        FROM outcomes
        WHERE outcome = 'promise' AND promise_date IS NOT NULL AND amount_minor IS NOT NULL
        """
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
