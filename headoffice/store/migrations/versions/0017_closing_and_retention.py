"""Closing accounts, each account's limitation date (worked out for the accounts kept), erasure.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from content import shipped_policies
from fieldcore.keeping import limitation_on
from fieldcore.policy import newest_policies, read_policies

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("limitation_on", sa.Date))
        batch.add_column(sa.Column("closed_on", sa.Date))
        batch.add_column(sa.Column("closed_reason", sa.String(20)))
        batch.add_column(sa.Column("closed_by", sa.String(100)))
        batch.add_column(sa.Column("closed_note", sa.Text))
        batch.add_column(sa.Column("erased_on", sa.Date))
    op.create_index("ix_accounts_limitation_on", "accounts", ["limitation_on"])
    _backfill_limitation()


def _backfill_limitation() -> None:
    # The same rule the writes keep from now on (headoffice.compliance.limitation): the
    # last payment, else the day the oldest amount fell due, plus the jurisdiction's period.
    bind = op.get_bind()
    meta = sa.MetaData()
    accounts = sa.Table("accounts", meta, autoload_with=bind)
    payments = sa.Table("payments", meta, autoload_with=bind)
    content = sa.Table("content", meta, autoload_with=bind)
    shipped = read_policies(shipped_policies())
    published = bind.execute(sa.select(content.c.body).where(content.c.kind == "policy"))
    policies = newest_policies(shipped, published.scalars())
    fallback = {policy.jurisdiction: policy.limitation for policy in shipped}
    last_paid = (
        sa.select(sa.func.max(payments.c.paid_on))
        .where(payments.c.account_id == accounts.c.account_id)
        .scalar_subquery()
    )
    rows = bind.execute(
        sa.select(
            accounts.c.account_id,
            accounts.c.country,
            accounts.c.oldest_due_date,
            last_paid.label("last_paid"),
        )
    ).all()
    update = (
        accounts.update()
        .where(accounts.c.account_id == sa.bindparam("key"))
        .values(limitation_on=sa.bindparam("limit"))
    )
    changes = []
    for row in rows:
        policy = policies.for_country(row.country)
        rule = policy.limitation or fallback.get(policy.jurisdiction) or fallback["default"]
        assert rule is not None  # the shipped default always has one
        changes.append(
            {
                "key": row.account_id,
                "limit": limitation_on(row.oldest_due_date, row.last_paid, rule),
            }
        )
    for start in range(0, len(changes), 1000):
        bind.execute(update, changes[start : start + 1000])


def downgrade() -> None:
    # Migrations only go forward: a downgrade would lose what was recorded.
    raise NotImplementedError("head office migrations do not go backwards")
