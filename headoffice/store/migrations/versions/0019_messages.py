"""The outbox: messages with their stable key, print batches of letters, opt-outs, the run lock.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("templates", sa.String(40), nullable=False),
        sa.Column("to_address", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("due_at", _MOMENT, nullable=False),
        sa.Column("expires_at", _MOMENT),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try_at", _MOMENT, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", _MOMENT),
        sa.Column("provider_ref", sa.String(200)),
        sa.Column("batch_id", sa.Integer),
        sa.Column("created_at", _MOMENT, nullable=False),
    )
    op.create_index("ix_messages_state_next", "messages", ["state", "next_try_at"])
    op.create_index("ix_messages_account", "messages", ["account_id"])
    op.create_table(
        "letter_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("letters", sa.Integer, nullable=False),
        sa.Column("made_at", _MOMENT, nullable=False),
        sa.Column("posted_on", sa.Date),
        sa.Column("posted_by", sa.String(100)),
        sa.Column("posted_at", _MOMENT),
    )
    op.create_table(
        "opt_outs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("placed_by", sa.String(100), nullable=False),
        sa.Column("placed_at", _MOMENT, nullable=False),
        sa.Column("withdrawn_by", sa.String(100)),
        sa.Column("withdrawn_at", _MOMENT),
    )
    op.create_table(
        "message_runs",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("holder", sa.String(80), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("heartbeat_at", _MOMENT, nullable=False),
    )


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
