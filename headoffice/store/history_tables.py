"""What the numbers need that the current rows forget: each account's overdue figures by day."""

from __future__ import annotations

import sqlalchemy as sa

from headoffice.store.metadata import metadata

# Core banking's overdue figures of an account as they stood from `since` until the next
# row: written by every import that changes them (headoffice.ledger.history), so roll
# rates and cures can say what stage an account was in on any past day.
account_history = sa.Table(
    "account_history",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("since", sa.Date, primary_key=True),
    sa.Column("oldest_due_date", sa.Date, nullable=False),
    sa.Column("overdue_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # A boundary's rows are found by day first: the latest row on or before it per account.
    sa.Index("ix_account_history_since", "since", "account_id"),
)
