"""The laptop's audit chain: entries appended in the transaction of what they record."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from fieldcore.audit import GENESIS, chained, plain_value, sha256


def append_entries(db: Database, items: list[tuple[str, str, str, dict]], now: datetime) -> None:
    """Append (kind, subject table, subject id, body) entries after the chain's last one."""
    last = db.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    at = str(plain_value(now))
    rows = [
        {
            "seq": entry.seq,
            "kind": entry.kind,
            "at": at,
            "subject_table": entry.subject_table,
            "subject_id": entry.subject_id,
            "body": entry.body,
            "prev_hash": entry.prev_hash,
            "entry_hash": entry_hash,
        }
        for entry, entry_hash in chained(items, seq, prev, at)
    ]
    db["audit_log"].insert_all(rows)


def moments_of(outcome: dict) -> list[tuple[str, str, str, dict]]:
    """What an outcome says happened at the door, each an entry of its own: the script step
    reached, the disclosure confirmed, the receipt handed over, a contact rule overridden."""
    details = outcome.get("details") or {}
    subject = ("outcomes", outcome["id"])
    found = []
    if details.get("script_id") is not None:
        step = {
            "script": details["script_id"],
            "version": details.get("script_version"),
            "step": details.get("script_step"),
        }
        found.append(("script step reached", *subject, step))
    if details.get("disclosure_given"):
        channel = details.get("channel") or "visit"
        found.append(("disclosure confirmed", *subject, {"channel": channel}))
    if outcome.get("receipt_no"):
        receipt = {
            "receipt_no": outcome["receipt_no"],
            "amount_minor": outcome.get("amount_minor"),
            "currency": outcome.get("currency"),
        }
        found.append(("receipt", *subject, receipt))
    if details.get("override"):
        # The reason as a hash: it can name the borrower, and the entry outlives it.
        rules = list(details.get("overridden") or ())
        reason = sha256(details["override"].encode())
        found.append(("override", *subject, {"rules": rules, "reason_sha256": reason}))
    return found
