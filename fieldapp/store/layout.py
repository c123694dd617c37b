"""The names the laptop's schema is made of, readable without loading sqlite-utils."""

from __future__ import annotations

DB_NAME = "fieldapp.db"

# Each kind of record in the laptop's audit chain, and the table it is kept in.
AUDITED_KINDS = {
    "record_outcome": "outcomes",
    "correct_contact": "corrections",
    "record_deposit": "deposits",
}

# The columns of an account, as fieldcore.accounts.Account declares them (a test
# holds the two together).
ACCOUNT_FIELDS = (
    "account_id",
    "borrower_name",
    "address",
    "city",
    "postal_code",
    "region",
    "lat",
    "lon",
    "phone",
    "email",
    "language",
    "timezone",
    "country",
    "currency",
    "outstanding_minor",
    "overdue_minor",
    "principal_minor",
    "installment_minor",
    "oldest_due_date",
    "product",
    "security",
    "guarantor_name",
    "guarantor_phone",
    "employer_name",
    "employer_phone",
    "spouse_name",
    "spouse_phone",
)

# The schema's migrations, in order (schema.py holds them). Checked on open
# without loading sqlite-utils, so a laptop that is up to date opens fast.
MIGRATIONS = (
    "m001_initial",
    "m002_corrections_and_scope",
    "m003_collectors_day",
    "m004_outcome_lookups",
    "m005_account_region",
    "m006_account_country",
    "m007_holds_and_notices",
    "m008_follow_ups",
    "m009_deposits",
    "m010_audit_log",
    "m011_messages",
)
