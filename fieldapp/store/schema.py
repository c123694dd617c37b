"""The laptop database's schema as sqlite-utils migrations, applied in order on open."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database, Migrations

from fieldapp.store.layout import ACCOUNT_FIELDS, AUDITED_KINDS

migrations = Migrations("fieldapp")


@migrations()
def m001_initial(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    account_columns = {
        name: (int if name.endswith("_minor") else float if name in ("lat", "lon") else str)
        for name in ACCOUNT_FIELDS
    }
    db["accounts"].create(account_columns, pk="account_id", not_null={"borrower_name", "currency"})
    db["visits"].create(
        {"visit_id": str, "account_id": str, "visit_date": str, "sequence": int},
        pk="visit_id",
    )
    db["visits"].create_index(["visit_date", "sequence"])
    db["visits"].create_index(["account_id"])
    db["outcomes"].create(
        {
            "id": str,
            "visit_id": str,
            "account_id": str,
            "outcome": str,
            "amount_minor": int,
            "currency": str,
            "promise_date": str,
            "method": str,
            "note": str,
            "receipt_no": str,
            "recorded_at": str,
        },
        pk="id",
    )
    db["outcomes"].create_index(["visit_id"])
    db["outcomes"].create_index(["account_id"])
    db["outcomes"].create_index(["receipt_no"], unique=True)
    # The outbox: every local change waiting for head office, in the order made.
    db.execute(
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            mutation_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            message TEXT
        )
        """
    )


@migrations()
def m002_corrections_and_scope(db: Database) -> None:
    db["corrections"].create(
        {
            "id": str,
            "account_id": str,
            "field": str,
            "value": str,
            "base_value": str,
            "recorded_at": str,
        },
        pk="id",
    )
    db["corrections"].create_index(["account_id"])
    # Which download of the scope last brought a visit: after a cursor reset,
    # visits an earlier generation brought and the new one did not are gone.
    db["visits"].add_column("generation", int, not_null_default=0)
    # Which outcome or correction a mutation carries, to tell "waiting" from "sent".
    db["outbox"].add_column("record_id", str)
    db.execute("UPDATE outbox SET record_id = json_extract(payload, '$.id')")
    db["outbox"].create_index(["record_id"])


@migrations()
def m003_collectors_day(db: Database) -> None:
    db["outcomes"].add_column("details", str)
    db["visits"].add_column("skipped_at", str)
    # Earlier outcomes of the borrowers on this laptop, as head office knows them.
    db["history"].create(
        {
            "id": str,
            "account_id": str,
            "collector": str,
            "outcome": str,
            "amount_minor": int,
            "currency": str,
            "promise_date": str,
            "method": str,
            "note": str,
            "receipt_no": str,
            "recorded_at": str,
            "details": str,
        },
        pk="id",
    )
    db["history"].create_index(["account_id"])
    # A half-filled outcome form, saved as it is typed, restored after a crash.
    db["drafts"].create({"visit_id": str, "fields": str, "updated_at": str}, pk="visit_id")
    # Scripts and policy published by head office.
    db["content"].create({"key": str, "kind": str, "version": int, "body": str}, pk="key")


@migrations()
def m004_outcome_lookups(db: Database) -> None:
    # The route asks which borrowers have a promise due today or a dispute.
    db["outcomes"].create_index(["outcome", "promise_date"])
    db["history"].create_index(["outcome", "promise_date"])


@migrations()
def m005_account_region(db: Database) -> None:
    # Head office's sales region, for bulk assignment; m001 already makes it on a new laptop.
    if "region" not in db["accounts"].columns_dict:
        db["accounts"].add_column("region", str)


@migrations()
def m006_account_country(db: Database) -> None:
    # The borrower's country picks the contact policy; m001 already makes it on a new laptop.
    if "country" not in db["accounts"].columns_dict:
        db["accounts"].add_column("country", str)


@migrations()
def m007_holds_and_notices(db: Database) -> None:
    # Head office's holds in force and the written notices sent, per account, as pulled.
    db["holds"].create({"account_id": str, "reason": str, "since": str, "note": str})
    db["holds"].create_index(["account_id"])
    db["notices"].create({"account_id": str, "kind": str, "sent_on": str})
    db["notices"].create_index(["account_id"])
    # Download the scope again at the next sync, so every account comes with its holds.
    _download_again(db)


@migrations()
def m008_follow_ups(db: Database) -> None:
    # A stop a callback made: the borrower's wall-clock time to call back at.
    db["visits"].add_column("callback_at", str)
    # Promises and plans of the accounts here, each instalment as head office judged it.
    db["instalments"].create(
        {
            "account_id": str,
            "arrangement_id": str,
            "kind": str,
            "number": int,
            "count": int,
            "due": str,
            "currency": str,
            "amount_minor": int,
            "on_time_minor": int,
            "paid_minor": int,
            "state": str,
        },
        pk=("arrangement_id", "number"),
    )
    db["instalments"].create_index(["account_id"])


@migrations()
def m009_deposits(db: Database) -> None:
    # What the collector paid in at the bank, each with the bank's slip.
    db["deposits"].create(
        {
            "id": str,
            "amount_minor": int,
            "currency": str,
            "slip": str,
            "deposited_at": str,
            "recorded_at": str,
        },
        pk="id",
    )


@migrations()
def m010_audit_log(db: Database) -> None:
    # The laptop's own audit chain: each record's entry, holding the hashes of its fields
    # and of the entry before it (fieldcore.audit). Hashes only: nothing of a borrower.
    db["audit_log"].create(
        {
            "seq": int,
            "kind": str,
            "at": str,
            "subject_table": str,
            "subject_id": str,
            "body": str,
            "prev_hash": str,
            "entry_hash": str,
        },
        pk="seq",
    )
    db["audit_log"].create_index(["subject_table", "subject_id"])
    # What was recorded before the chain existed gets its entry now, oldest first.
    from fieldcore.audit import GENESIS, Entry, canonical, field_hashes, plain_value

    seq, prev = 0, GENESIS
    for kind, table in AUDITED_KINDS.items():
        for row in db[table].rows_where(order_by="recorded_at, id"):
            if table == "outcomes" and isinstance(row.get("details"), str):
                row["details"] = json.loads(row["details"])
            seq += 1
            body = {"fields": field_hashes(row), "kept_before_the_trail": True}
            # The moment as head office will read it back: UTC, with microseconds.
            at = str(plain_value(datetime.fromisoformat(row["recorded_at"])))
            entry = Entry(seq, kind, at, table, row["id"], canonical(body).decode(), prev)
            prev = entry.hash()
            db["audit_log"].insert(
                {
                    "seq": seq,
                    "kind": kind,
                    "at": entry.at,
                    "subject_table": table,
                    "subject_id": row["id"],
                    "body": entry.body,
                    "prev_hash": entry.prev_hash,
                    "entry_hash": prev,
                }
            )


@migrations()
def m011_messages(db: Database) -> None:
    # The messages head office sent the borrower by itself, per account, as pulled.
    db["messages"].create(
        {"account_id": str, "reason": str, "channel": str, "sent_at": str, "summary": str}
    )
    db["messages"].create_index(["account_id"])
    # Download the scope again at the next sync: the accounts already here come with the
    # messages an earlier protocol left out.
    _download_again(db)


def _download_again(db: Database) -> None:
    """The next sync downloads the whole scope again, as Outbox.reset_scope asks."""
    generation = db.execute("SELECT value FROM settings WHERE key = 'generation'").fetchone()
    db["settings"].upsert_all(
        [
            {"key": "generation", "value": str(int(generation[0] if generation else 0) + 1)},
            {"key": "cursor", "value": ""},
            {"key": "rebuilding", "value": "1"},
        ],
        pk="key",
    )
