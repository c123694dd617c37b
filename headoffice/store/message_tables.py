"""The outbox's tables: messages with their key and state, print batches, opt-outs, the run lock."""

from __future__ import annotations

import sqlalchemy as sa

from headoffice.store.metadata import metadata

# One row per message head office sends by itself, keyed by account, reason and due date
# (fieldcore.messaging.message_key): planning inserts a key once, sending moves its state.
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),
    # What the key is about: the due date, the receipt number, the stage and its day.
    sa.Column("ref", sa.String(100), nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("language", sa.String(5), nullable=False),
    # The published templates it was written from ("messages/da" and their version).
    sa.Column("templates", sa.String(40), nullable=False),
    sa.Column("to_address", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # The first moment it may go (quiet hours in the borrower's zone), and the moment
    # after which sending it is pointless (the due day passed).
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    # What the channel answered: the gateway's message id, the SMTP Message-ID.
    sa.Column("provider_ref", sa.String(200)),
    sa.Column("batch_id", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_messages_state_next", "state", "next_try_at"),
    sa.Index("ix_messages_account", "account_id"),
)

# Letters printed together into one folder (a PDF each and a CSV of addresses); they count
# as sent once a supervisor marks the batch posted.
letter_batches = sa.Table(
    "letter_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("folder", sa.Text, nullable=False),
    sa.Column("letters", sa.Integer, nullable=False),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("posted_on", sa.Date),
    sa.Column("posted_by", sa.String(100)),
    sa.Column("posted_at", sa.DateTime(timezone=True)),
)

# A borrower's wish to get no more messages on a channel; withdrawing keeps the row.
opt_outs = sa.Table(
    "opt_outs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("placed_by", sa.String(100), nullable=False),
    sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("withdrawn_by", sa.String(100)),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
)

# Who is sending now: one run at a time, on any host. A run takes the row when it is free,
# when its holder's heartbeat is old, or when its holder is a dead process on this host.
message_runs = sa.Table(
    "message_runs",
    metadata,
    sa.Column("name", sa.String(20), primary_key=True),
    sa.Column("holder", sa.String(80), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
)
