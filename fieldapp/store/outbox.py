"""The outbox and the pulled scope: the sync client's port onto the laptop's database."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fieldapp.store.opening import StoreBase, dicts

if TYPE_CHECKING:
    from sync.protocol import MutationResult, PullResponse

# What the laptop keeps of a borrower beside their visits: it leaves with their last visit.
_BORROWERS = ("accounts", "history", "drafts", "holds", "notices", "instalments", "messages")


class Outbox(StoreBase):
    """Push what waits, settle what head office answered, apply what it sends down."""

    def refused(self) -> list[dict]:
        return dicts(self.db.execute("SELECT * FROM outbox WHERE state = 'refused' ORDER BY seq"))

    def refusals(self) -> list[dict]:
        """What head office refused, oldest first: the account, what it was, and why.

        `what` is the outcome's code or the corrected field; `message` head office's
        sentence. They stay until the collector's supervisor settles them.
        """
        rows = self.db.execute(
            "SELECT kind, json_extract(payload, '$.account_id'), "
            "coalesce(json_extract(payload, '$.outcome'), json_extract(payload, '$.field')), "
            "message, created_at FROM outbox WHERE state = 'refused' ORDER BY seq"
        )
        keys = ("kind", "account_id", "what", "message", "created_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def refused_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM outbox WHERE state = 'refused'").fetchone()[
            0
        ]

    def pending_mutations(self, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT mutation_id, kind, payload FROM outbox WHERE state = 'pending' "
            "ORDER BY seq LIMIT ?",
            [limit],
        )
        return [{"id": m, "kind": k, "payload": json.loads(p)} for m, k, p in rows]

    def audit_to_send(self, limit: int) -> list[dict]:
        """The audit chain's entries after the last one head office acknowledged, in order."""
        after = int(self.setting("audit_sent_seq") or 0)
        rows = self.db.execute(
            "SELECT seq, kind, at, subject_table, subject_id, body, prev_hash, entry_hash "
            "FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            [after, limit],
        )
        names = (
            "seq",
            "kind",
            "at",
            "subject_table",
            "subject_id",
            "body",
            "prev_hash",
            "entry_hash",
        )
        # The body goes as stored: the canonical text that was hashed.
        return [dict(zip(names, row, strict=True)) for row in rows]

    def audit_delivered(self, seq: int) -> None:
        """Head office holds the chain up to `seq`: those entries are not sent again."""
        self.set_settings(audit_sent_seq=str(seq))

    def settle(self, results: Iterable[MutationResult]) -> None:
        """Drop applied mutations from the outbox; keep refused ones, visibly, out of the way."""
        applied = 0
        with self.db.atomic():
            for result in results:
                if result.status == "applied":
                    self.db.execute("DELETE FROM outbox WHERE mutation_id = ?", [result.id])
                    applied += 1
                else:
                    self.db.execute(
                        "UPDATE outbox SET state = 'refused', message = ? WHERE mutation_id = ?",
                        [result.message, result.id],
                    )
        if applied:
            self.purge_departed()

    def cursor(self) -> str:
        return self.setting("cursor", "") or ""

    def visit_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT visit_id FROM visits")]

    def apply_page(self, page: PullResponse) -> None:
        """Apply one pulled page and its cursor together, so an interrupted sync resumes."""
        generation = int(self.setting("generation", "0"))
        with self.db.atomic():
            accounts = [v.account for v in page.visits] + page.accounts
            if accounts:
                self.db["accounts"].upsert_all(
                    [a.model_dump(mode="json") for a in accounts], pk="account_id"
                )
            if page.visits:
                self.db["visits"].upsert_all(
                    [
                        {
                            "visit_id": v.visit_id,
                            "account_id": v.account_id,
                            "visit_date": v.visit_date.isoformat(),
                            "sequence": v.sequence,
                            "generation": generation,
                            "callback_at": v.callback_at.strftime("%H:%M")
                            if v.callback_at
                            else None,
                        }
                        for v in page.visits
                    ],
                    pk="visit_id",
                )
            history = [h for v in page.visits for h in v.history]
            if history:
                self.db["history"].upsert_all(
                    [
                        h.model_dump(mode="json") | {"details": h.details.model_dump_json()}
                        for h in history
                    ],
                    pk="id",
                )
            if page.content:
                self.db["content"].upsert_all(
                    [c.model_dump(mode="json") for c in page.content], pk="key"
                )
            if page.contact:
                self._replace_contact(page.contact)
            departed = bool(page.removed_visits)
            if page.removed_visits:
                self._remove_visits(page.removed_visits)
            if not page.more and self.setting("rebuilding") == "1":
                stale = [
                    r[0]
                    for r in self.db.execute(
                        "SELECT visit_id FROM visits WHERE generation < ?", [generation]
                    )
                ]
                self._remove_visits(stale)
                departed = departed or bool(stale)
                self.set_settings(rebuilding="0")
            self.set_settings(cursor=page.cursor)
        if departed:
            self.purge_departed()

    def _replace_contact(self, states: list) -> None:
        """Each account's holds, notices, instalments and messages sent, as head office has them
        now (all of them)."""
        ids = [state.account_id for state in states]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("holds", "notices", "instalments", "messages"):
                self.db.execute(f"DELETE FROM {table} WHERE account_id IN ({marks})", chunk)
        held = [
            {"account_id": s.account_id, "reason": h.reason.value, "since": h.since.isoformat(),
             "note": h.note}
            for s in states for h in s.holds
        ]  # fmt: skip
        sent = [
            {"account_id": s.account_id, "kind": n.kind.value, "sent_on": n.sent_on.isoformat()}
            for s in states
            for n in s.notices
        ]
        if held:
            self.db["holds"].insert_all(held)
        if sent:
            self.db["notices"].insert_all(sent)
        parts = [
            i.model_dump(mode="json") | {"account_id": s.account_id}
            for s in states
            for i in s.instalments
        ]
        if parts:
            self.db["instalments"].insert_all(parts, pk=("arrangement_id", "number"), replace=True)
        told = [
            {"account_id": s.account_id, "reason": m.reason.value, "channel": m.channel.value,
             "sent_at": m.sent_at.astimezone(UTC).isoformat(), "summary": m.summary}
            for s in states for m in s.messages
        ]  # fmt: skip
        if told:
            self.db["messages"].insert_all(told)

    def _remove_visits(self, gone: list[str]) -> None:
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM visits WHERE visit_id IN ({marks})", chunk)
        # Once no visit of a borrower is left, their personal data leaves too.
        for table in _BORROWERS:
            column = "visit_id" if table == "drafts" else "account_id"
            self.db.execute(
                f"DELETE FROM {table} WHERE {column} NOT IN (SELECT {column} FROM visits)"
            )

    def reset_scope(self) -> None:
        """Download the whole scope again (cursor reset or drift), keeping the outbox."""
        generation = int(self.setting("generation", "0")) + 1
        self.set_settings(generation=str(generation), cursor="", rebuilding="1")

    def purge_departed(self) -> None:
        """Forget outcomes and corrections of borrowers no longer on this laptop, once sent.

        What still waits in the outbox stays until head office has it: nothing
        recorded is lost. Then the WAL is checkpointed and truncated: until then the
        database file keeps the departed borrower's old pages and the WAL every
        version of their drafts, whether or not any outcome was purged here.
        """
        with self.db.atomic():
            for table in ("outcomes", "corrections"):
                self.db.execute(
                    f"""
                    DELETE FROM {table}
                    WHERE account_id NOT IN (SELECT account_id FROM accounts)
                      AND id NOT IN (SELECT record_id FROM outbox WHERE record_id IS NOT NULL)
                    """
                )
        self.checkpoint()

    def mark_synced(self) -> None:
        self.set_settings(last_sync_at=datetime.now(UTC).isoformat())
