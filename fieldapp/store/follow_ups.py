"""What follows up the visits on this laptop: promises and plans with their instalments, and
the borrowers to see again (a callback, something due today, something missed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from fieldapp.store.opening import StoreBase, dicts
from fieldcore.arrangements import (
    ArrangementState,
    Every,
    Instalment,
    judge,
    judge_instalments,
    schedule,
)


@dataclass(frozen=True)
class Part:
    """One instalment as the laptop knows it: head office's judgement, or its own if unsent."""

    arrangement_id: str
    kind: str
    number: int
    count: int
    due: date
    currency: str
    amount_minor: int
    paid_minor: int
    state: ArrangementState
    sent: bool  # head office judged it (False: recorded here, judged here until the sync)


@dataclass(frozen=True)
class FollowUp:
    """A borrower to see again, and why: "callback", "due" or "broken"."""

    visit_id: str
    account_id: str
    borrower_name: str
    visit_date: date
    why: str
    detail: str  # the callback's time, or the instalment's amount and day


class FollowUps(StoreBase):
    """Promises, plans and follow-ups, read from head office's judgement and this laptop's own."""

    def arrangements_for_account(self, account_id: str, today: date) -> list[Part]:
        """Every instalment of the account's promises and plans in force, oldest due first.

        Head office's judgement holds what was paid until the last sync; a date passed
        since then is judged here. Promises and plans not yet sent are judged here
        against the payments recorded on this laptop.
        """
        rows = dicts(
            self.conn.execute(
                "SELECT * FROM instalments WHERE account_id = ? ORDER BY due, number",
                [account_id],
            )
        )
        found = [
            Part(
                arrangement_id=r["arrangement_id"],
                kind=r["kind"],
                number=r["number"],
                count=r["count"],
                due=date.fromisoformat(r["due"]),
                currency=r["currency"],
                amount_minor=r["amount_minor"],
                paid_minor=r["paid_minor"],
                state=ArrangementState(r["state"])
                if r["state"] in ("kept", "replaced")
                else judge(
                    r["amount_minor"], r["on_time_minor"], date.fromisoformat(r["due"]), today
                ),
                sent=True,
            )
            for r in rows
        ]
        known = {part.arrangement_id for part in found}
        return found + [
            p for p in self._made_here(account_id, today) if p.arrangement_id not in known
        ]

    def _made_here(self, account_id: str, today: date) -> list[Part]:
        rows = dicts(
            self.conn.execute(
                "SELECT id, outcome, amount_minor, currency, promise_date, recorded_at, details "
                "FROM outcomes WHERE account_id = ? ORDER BY recorded_at",
                [account_id],
            )
        )
        paid = [
            (date.fromisoformat(r["recorded_at"][:10]), r["amount_minor"])
            for r in rows
            if r["outcome"] == "paid"
        ]
        agreed = [r for r in rows if r["outcome"] in ("promise", "plan") and r["amount_minor"]]
        found: list[Part] = []
        for index, row in enumerate(agreed):
            details = json.loads(row["details"] or "{}")
            if row["outcome"] == "plan":
                parts = schedule(
                    row["amount_minor"],
                    details["instalments"],
                    Every(details["every"]),
                    date.fromisoformat(details["first_date"]),
                )
            else:
                parts = [
                    Instalment(1, date.fromisoformat(row["promise_date"]), row["amount_minor"])
                ]
            made_on = date.fromisoformat(row["recorded_at"][:10])
            later = agreed[index + 1] if index + 1 < len(agreed) else None
            replaced_on = date.fromisoformat(later["recorded_at"][:10]) if later else None
            for judged in judge_instalments(parts, paid, made_on, today, replaced_on):
                part = judged.instalment
                found.append(
                    Part(row["id"], row["outcome"], part.number, len(parts), part.due,
                         row["currency"], part.amount_minor, judged.paid_minor, judged.state,
                         sent=False)
                )  # fmt: skip
        return [p for p in found if p.state is not ArrangementState.REPLACED]

    def follow_ups(self, today: date) -> list[FollowUp]:
        """Callbacks from today on, instalments due today, and what was missed, by day."""
        found: list[FollowUp] = []
        rows = dicts(
            self.conn.execute(
                "SELECT v.visit_id, v.account_id, v.visit_date, v.callback_at, a.borrower_name "
                "FROM visits v JOIN accounts a ON a.account_id = v.account_id "
                "ORDER BY v.visit_date, v.sequence"
            )
        )
        # Each account's next visit from today on, else its latest: where the follow-up opens.
        nearest: dict[str, dict] = {}
        for row in rows:
            ahead = row["visit_date"] >= today.isoformat()
            known = nearest.get(row["account_id"])
            if known is None or (ahead and known["visit_date"] < today.isoformat()):
                nearest[row["account_id"]] = row
            if row["callback_at"] and ahead:
                found.append(self._follow_up(row, "callback", row["callback_at"]))
        for account_id, row in nearest.items():
            for part in self.arrangements_for_account(account_id, today):
                missed = part.state in (ArrangementState.BROKEN, ArrangementState.PARTLY_KEPT)
                due = part.due == today and part.state is ArrangementState.OPEN
                if missed or due:
                    said = f"{part.number}/{part.count} {part.due.isoformat()}"
                    found.append(self._follow_up(row, "broken" if missed else "due", said))
        order = {"due": 0, "callback": 1, "broken": 2}
        return sorted(found, key=lambda f: (f.visit_date, order[f.why], f.account_id))

    @staticmethod
    def _follow_up(row: dict, why: str, detail: str) -> FollowUp:
        return FollowUp(
            visit_id=row["visit_id"],
            account_id=row["account_id"],
            borrower_name=row["borrower_name"],
            visit_date=date.fromisoformat(row["visit_date"]),
            why=why,
            detail=detail,
        )
