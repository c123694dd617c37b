"""Recording on the laptop: outcomes and receipts, drafts, corrections, each with its outbox row."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fieldapp.store.layout import AUDITED_KINDS
from fieldapp.store.opening import StoreBase, dicts
from fieldcore.ids import new_id

if TYPE_CHECKING:
    from fieldcore.corrections import Correction
    from fieldcore.deposits import CheckedDeposit
    from fieldcore.outcomes import CheckedOutcome
    from fieldcore.route import OutcomeRecord


class Recording(StoreBase):
    """Every write a collector makes; each saved with its way to head office in one transaction."""

    def record_outcome(self, visit_id: str, checked: CheckedOutcome) -> OutcomeRecord:
        """Save an outcome and its outbox mutation in one durable transaction.

        The visit's draft goes in the same transaction: saved means the form is done.
        """
        from fieldcore.route import OutcomeRecord

        account_id = self._visit_account(visit_id)
        now = self.now()
        with self.db.atomic():
            receipt_no = None
            if checked.outcome == "paid":
                receipt_no = self._next_receipt_no()
            record = OutcomeRecord(
                id=new_id(),
                visit_id=visit_id,
                account_id=account_id,
                outcome=checked.outcome.value,
                amount_minor=checked.amount_minor,
                currency=checked.currency,
                promise_date=checked.promise_date,
                method=checked.method.value if checked.method else None,
                note=checked.note,
                receipt_no=receipt_no,
                recorded_at=now,
                synced=False,
                details=checked.details,
            )
            payload = record.model_dump(
                mode="json", exclude={"synced", "collector", "from_head_office"}
            )
            self.db["outcomes"].insert(payload | {"details": json.dumps(payload["details"])})
            self._enqueue("record_outcome", payload, now)
            self.db.execute("DELETE FROM drafts WHERE visit_id = ?", [visit_id])
            if checked.details.callback_at is not None:
                self._callback_stop(record.id, account_id, checked.details.callback_at)
        return record

    def _callback_stop(self, outcome_id: str, account_id: str, at: datetime) -> None:
        """The callback's stop at the end of that day's route, unless the borrower is on it;
        head office makes the same stop (same id) when the outcome reaches it."""
        from fieldcore.stops import callback_visit_id

        day = at.date().isoformat()
        on_it = self.db.execute(
            "SELECT 1 FROM visits WHERE account_id = ? AND visit_date = ?", [account_id, day]
        ).fetchone()
        if on_it:
            return
        last = self.db.execute(
            "SELECT coalesce(max(sequence), 0) FROM visits WHERE visit_date = ?", [day]
        ).fetchone()[0]
        self.db["visits"].insert(
            {
                "visit_id": callback_visit_id(outcome_id),
                "account_id": account_id,
                "visit_date": day,
                "sequence": last + 1,
                "generation": int(self.setting("generation", "0")),
                "callback_at": at.strftime("%H:%M"),
            }
        )

    # drafts -----------------------------------------------------------------------

    def save_draft(self, visit_id: str, fields: dict[str, str | None]) -> None:
        """Keep what the form holds now; a crash or kill -9 loses at most the last keystroke."""
        self.db.execute(
            "INSERT INTO drafts (visit_id, fields, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(visit_id) DO UPDATE SET fields = excluded.fields, "
            "updated_at = excluded.updated_at",
            [visit_id, json.dumps(fields, ensure_ascii=False), datetime.now(UTC).isoformat()],
        )

    def draft(self, visit_id: str) -> dict[str, str | None] | None:
        row = self.db.execute("SELECT fields FROM drafts WHERE visit_id = ?", [visit_id]).fetchone()
        return json.loads(row[0]) if row else None

    def record_correction(self, account_id: str, field: str, value: str) -> Correction:
        """Save a corrected phone, address or e-mail; it goes up, it overwrites nothing."""
        from fieldcore.corrections import Correction, check_correction

        value = check_correction(field, value)
        account = self._account_row(account_id)
        now = self.now()
        correction = Correction(
            id=new_id(),
            account_id=account_id,
            field=field,
            value=value,
            base_value=account[field],
            recorded_at=now,
        )
        payload = correction.model_dump(mode="json", exclude={"conflict_with", "synced"})
        with self.db.atomic():
            self.db["corrections"].insert(payload)
            self._enqueue("correct_contact", payload, now)
        return correction

    def corrections_for_account(self, account_id: str) -> list[Correction]:
        """Corrections newest first, each marked where head office now holds a third value."""
        from fieldcore.corrections import Correction

        current = self._account_row(account_id)
        rows = dicts(
            self.db.execute(
                """
                SELECT c.*, NOT EXISTS (SELECT 1 FROM outbox b WHERE b.record_id = c.id) AS synced
                FROM corrections c WHERE c.account_id = ? ORDER BY c.recorded_at DESC
                """,
                [account_id],
            )
        )
        found = []
        for row in rows:
            now_value = current[row["field"]]
            clash = now_value not in (row["base_value"], row["value"])
            found.append(
                Correction.model_validate(row | {"conflict_with": now_value if clash else None})
            )
        return found

    def record_deposit(
        self, raw: dict[str, str | None], at: datetime | None = None
    ) -> CheckedDeposit:
        """Save a deposit made at the bank (at `at`, default now) and its way to head office."""
        from fieldcore.deposits import check_deposit

        checked = check_deposit(raw)
        now = self.now()
        payload = {
            "id": new_id(),
            "amount_minor": checked.amount_minor,
            "currency": checked.currency,
            "slip": checked.slip,
            "deposited_at": (at or now).isoformat(),
            "recorded_at": now.isoformat(),
        }
        with self.db.atomic():
            self.db["deposits"].insert(payload)
            self._enqueue("record_deposit", payload, now)
        return checked

    def deposits_on(self, start: datetime, end: datetime) -> dict[str, int]:
        """What was paid in at the bank between two moments, by currency."""
        rows = self.db.execute(
            "SELECT currency, sum(amount_minor) FROM deposits "
            "WHERE deposited_at >= ? AND deposited_at < ? GROUP BY currency",
            [start.isoformat(), end.isoformat()],
        )
        return dict(rows.fetchall())

    def _enqueue(self, kind: str, payload: dict, now: datetime) -> None:
        # Same transaction as the record itself: a change is never saved without
        # its way to head office, nor sent without being saved, nor either without
        # its entry in the laptop's audit chain.
        self._audit(kind, payload, now)
        self.db["outbox"].insert(
            {
                "mutation_id": new_id(),
                "kind": kind,
                "payload": json.dumps(payload, ensure_ascii=False),
                "created_at": now.isoformat(),
                "record_id": payload["id"],
            }
        )

    def _audit(self, kind: str, payload: dict, now: datetime) -> None:
        from fieldapp.store.chain import append_entries, moments_of
        from fieldcore.audit import field_hashes

        record = (kind, AUDITED_KINDS[kind], payload["id"], {"fields": field_hashes(payload)})
        extra = moments_of(payload) if kind == "record_outcome" else []
        append_entries(self.db, [record, *extra], now)

    def _next_receipt_no(self) -> str:
        # Device code + counter: unique across laptops without asking anyone.
        counter = int(self.setting("receipt_counter", "0")) + 1
        self.set_settings(receipt_counter=str(counter))
        return f"{self.setting('device_code', 'LOCAL')}-{counter:06d}"
