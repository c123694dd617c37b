"""The route and its visits as the screens read them: stops, a visit's detail, the day's summary."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from fieldapp.store.opening import (
    ReceiptNotFound,
    StoreBase,
    VisitNotFound,
    account_from,
    dicts,
)
from fieldcore.messaging import MessageChannel, MessageReason, SentMessage
from fieldcore.money import to_decimal_text
from fieldcore.stages import days_past_due, stage_for, zone_of
from fieldcore.stops import RouteStop

if TYPE_CHECKING:
    from fieldcore.accounts import Account
    from fieldcore.route import DaySummary, OutcomeRecord, VisitDetail


class RouteReads(StoreBase):
    """What the route, visit and summary screens read; nothing here writes but `skip`."""

    def _stops(self, where: str, params: list, limit: int = -1) -> list[RouteStop]:
        today = self.today().isoformat()
        rows = self.conn.execute(
            f"""
            SELECT v.visit_id, v.visit_date, v.sequence, v.skipped_at, v.callback_at, a.account_id,
                   a.borrower_name, a.address, a.phone, a.currency, a.overdue_minor,
                   a.oldest_due_date, a.timezone, a.country,
                   EXISTS (SELECT 1 FROM outcomes o WHERE o.visit_id = v.visit_id) AS done
            FROM visits v JOIN accounts a ON a.account_id = v.account_id
            WHERE {where}
            ORDER BY v.sequence
            LIMIT :limit
            """,
            dict(params) | {"limit": limit},
        )
        # Two small lookups instead of two subqueries per stop.
        due_today = self._accounts_with("outcome = 'promise' AND promise_date = ?", [today])
        # Held: by head office (as last pulled), or by a dispute recorded here and not yet sent.
        on_hold = {
            row[0]
            for row in self.conn.execute(
                "SELECT account_id FROM holds UNION SELECT o.account_id FROM outcomes o "
                "JOIN outbox b ON b.record_id = o.id WHERE o.outcome = 'dispute'"
            )
        }
        # Plans' instalments as head office judged them, judged again by today's date.
        due_today |= {
            row[0]
            for row in self.conn.execute(
                "SELECT account_id FROM instalments WHERE due = ? AND on_time_minor < amount_minor",
                [today],
            )
        }
        missed = {
            row[0]
            for row in self.conn.execute(
                "SELECT account_id FROM instalments WHERE state IN ('broken', 'partly_kept') "
                "OR (state = 'open' AND due < ? AND on_time_minor < amount_minor)",
                [today],
            )
        }
        todays: dict[str | None, date] = {}
        return [self._stop(row, todays, due_today, on_hold, missed) for row in dicts(rows)]

    def _accounts_with(self, condition: str, params: list) -> set[str]:
        rows = self.conn.execute(
            f"SELECT account_id FROM outcomes WHERE {condition} "
            f"UNION SELECT account_id FROM history WHERE {condition}",
            params + params,
        )
        return {row[0] for row in rows}

    def route(self, visit_date: date, first: int | None = None) -> list[RouteStop]:
        """The stops of a date in route order; only the `first` ones if given."""
        return self._stops(
            "v.visit_date = :day", [("day", visit_date.isoformat())], -1 if first is None else first
        )

    def visit(self, visit_id: str) -> VisitDetail:
        from fieldcore.route import VisitDetail

        stops = self._stops("v.visit_id = :visit", [("visit", visit_id)])
        if not stops:
            raise VisitNotFound(f"visit {visit_id} is not on this laptop")
        account = account_from(self._account_row(stops[0].account_id))
        return VisitDetail(
            stop=stops[0], account=account, outcomes=self.outcomes_for_account(account.account_id)
        )

    def account(self, account_id: str) -> Account:
        """An account on this laptop; VisitNotFound when it is not on the route."""
        return account_from(self._account_row(account_id))

    def contact_state(self, account_id: str) -> tuple[list[dict], list[dict]]:
        """Head office's holds in force and the notices sent, as last pulled (rows as dicts)."""
        held = dicts(
            self.db.execute(
                "SELECT reason, since, note FROM holds WHERE account_id = ?", [account_id]
            )
        )
        sent = dicts(
            self.db.execute("SELECT kind, sent_on FROM notices WHERE account_id = ?", [account_id])
        )
        return held, sent

    def messages_for_account(self, account_id: str) -> list[SentMessage]:
        """The messages head office sent the borrower by itself, as last pulled, newest first."""
        rows = self.db.execute(
            "SELECT reason, channel, sent_at, summary FROM messages WHERE account_id = ? "
            "ORDER BY sent_at DESC, rowid",
            [account_id],
        )
        return [
            SentMessage(
                MessageReason(reason), MessageChannel(channel), datetime.fromisoformat(at), summary
            )
            for reason, channel, at, summary in rows
        ]

    def contact_states(
        self, account_ids: list[str], since: datetime | None = None
    ) -> dict[str, dict[str, list[dict]]]:
        """For many accounts at once: {account: {"attempts", "holds", "notices": rows}}.

        Attempts are this laptop's outcomes and head office's history (id, outcome,
        recorded_at, details, and whether it is still unsent); only those recorded
        `since`, when given, and every one not yet sent.
        """
        after = since.astimezone(UTC).isoformat() if since else ""
        found: dict[str, dict[str, list[dict]]] = {
            a: {"attempts": [], "holds": [], "notices": []} for a in account_ids
        }
        if not found:
            return found
        # The accounts travel as one JSON array: no temporary table to write per read.
        wanted = "WITH wanted(account_id) AS (SELECT value FROM json_each(:ids)) "
        queries = {
            "attempts": (
                wanted + "SELECT o.account_id, o.id, o.outcome, o.recorded_at, o.details, "
                "o.id IN (SELECT record_id FROM outbox) AS unsent "
                "FROM outcomes o JOIN wanted USING (account_id) "
                "WHERE o.recorded_at >= :after OR o.id IN (SELECT record_id FROM outbox) "
                "UNION ALL SELECT h.account_id, h.id, h.outcome, h.recorded_at, h.details, 0 "
                "FROM history h JOIN wanted USING (account_id) WHERE h.recorded_at >= :after"
            ),
            "holds": wanted
            + "SELECT account_id, reason, since FROM holds JOIN wanted USING (account_id)",
            "notices": wanted
            + "SELECT account_id, kind, sent_on FROM notices JOIN wanted USING (account_id)",
        }
        params = {"after": after, "ids": json.dumps(list(found))}
        for part, query in queries.items():
            for row in dicts(self.conn.execute(query, params)):
                found[row["account_id"]][part].append(row)
        return found

    def account_for_visit(self, visit_id: str) -> Account:
        """The account a visit is about, without the rest of the visit."""
        return account_from(self._account_row(self._visit_account(visit_id)))

    def skip(self, visit_id: str, skipped: bool = True) -> None:
        """Mark a stop skipped for today (or not); a recorded outcome still makes it done."""
        from fieldapp.store.chain import append_entries

        now = datetime.now(UTC)
        when = now.isoformat() if skipped else None
        kind = "stop skipped" if skipped else "stop taken back"
        with self.db.atomic():  # the mark and its audit entry together, or neither
            self.db.execute("UPDATE visits SET skipped_at = ? WHERE visit_id = ?", [when, visit_id])
            append_entries(self.db, [(kind, "visits", visit_id, {"skipped": skipped})], now)

    def visit_for_account(self, account_id: str, visit_date: date | None = None) -> str:
        """The visit id of an account: on that date if given, else the nearest to today."""
        rows = self.db.execute(
            "SELECT visit_id, visit_date FROM visits WHERE account_id = ? ORDER BY visit_date",
            [account_id],
        ).fetchall()
        if not rows:
            raise VisitNotFound(f"account {account_id} is not on this laptop's route")
        if visit_date is not None:
            for visit_id, day in rows:
                if day == visit_date.isoformat():
                    return visit_id
            raise VisitNotFound(f"account {account_id} has no visit on {visit_date}")
        today = self.today()
        return min(rows, key=lambda r: abs((date.fromisoformat(r[1]) - today).days))[0]

    def outcomes_for_account(self, account_id: str) -> list[OutcomeRecord]:
        """This laptop's outcomes and head office's history of the account, newest first."""
        mine = self._own_outcomes("o.account_id = ?", [account_id])
        theirs = dicts(
            self.db.execute(
                "SELECT h.*, '' AS visit_id, 1 AS synced, 1 AS from_head_office "
                "FROM history h WHERE h.account_id = ?",
                [account_id],
            )
        )
        seen = {row["id"] for row in mine}
        rows = mine + [row for row in theirs if row["id"] not in seen]
        return sorted((_outcome(row) for row in rows), key=lambda o: o.recorded_at, reverse=True)

    def receipts(self) -> list[OutcomeRecord]:
        """The receipts this laptop issued (its payments still on it), newest first."""
        return sorted(
            (_outcome(row) for row in self._own_outcomes("o.receipt_no IS NOT NULL", [])),
            key=lambda o: o.recorded_at,
            reverse=True,
        )

    def receipt(self, receipt_no: str) -> OutcomeRecord:
        """The payment of one of this laptop's receipts; ReceiptNotFound when it issued none so."""
        rows = self._own_outcomes("o.receipt_no = ?", [receipt_no])
        if not rows:
            raise ReceiptNotFound(f"receipt {receipt_no} is not on this laptop")
        return _outcome(rows[0])

    def _own_outcomes(self, where: str, params: list) -> list[dict]:
        # Synced: no outbox row waits for it.
        return dicts(
            self.db.execute(
                "SELECT o.*, NOT EXISTS (SELECT 1 FROM outbox b WHERE b.record_id = o.id) "
                f"AS synced FROM outcomes o WHERE {where}",
                params,
            )
        )

    def _stop(
        self,
        row: dict,
        todays: dict[str | None, date],
        due_today: set[str],
        on_hold: set[str],
        missed: set[str],
    ) -> RouteStop:
        zone = row["timezone"]
        if zone not in todays:
            todays[zone] = self.local_today(zone or self.setting("timezone"))
        dpd = days_past_due(date.fromisoformat(row["oldest_due_date"]), todays[zone])
        status = "done" if row["done"] else "skipped" if row["skipped_at"] else "to do"
        # Rows come from our own schema: construct without validating again.
        return RouteStop(
            visit_id=row["visit_id"],
            account_id=row["account_id"],
            visit_date=date.fromisoformat(row["visit_date"]),
            sequence=row["sequence"],
            borrower_name=row["borrower_name"],
            address=row["address"],
            overdue_amount=to_decimal_text(row["overdue_minor"], row["currency"]),
            overdue_minor=row["overdue_minor"],
            currency=row["currency"],
            days_past_due=dpd,
            stage=stage_for(dpd),
            status=status,
            phone=row["phone"],
            promise_due_today=row["account_id"] in due_today,
            on_hold=row["account_id"] in on_hold,
            country=row["country"],
            timezone=zone,
            callback_at=row["callback_at"],
            follow_up="callback"
            if row["callback_at"]
            else "due"
            if row["account_id"] in due_today
            else "broken"
            if row["account_id"] in missed
            else None,
        )

    def day_summary(self, day: date, stops: list[RouteStop] | None = None) -> DaySummary:
        """Visits done and left, promises taken, cash by method and currency, changes waiting.

        Pass the day's `stops` when they were just read, to spare reading them again.
        """
        from fieldcore.route import DaySummary

        stops = self.route(day) if stops is None else stops
        zone = zone_of(self.setting("timezone"))
        start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
        rows = dicts(
            self.conn.execute(
                "SELECT outcome, amount_minor, currency, method FROM outcomes "
                "WHERE recorded_at >= ? AND recorded_at < ?",
                [start.isoformat(), (start + timedelta(days=1)).isoformat()],
            )
        )
        promised: dict[str, int] = {}
        collected: dict[str, dict[str, int]] = {}
        for row in rows:
            if row["outcome"] == "promise":
                promised[row["currency"]] = promised.get(row["currency"], 0) + row["amount_minor"]
            elif row["outcome"] == "paid":
                by_currency = collected.setdefault(row["method"], {})
                by_currency[row["currency"]] = (
                    by_currency.get(row["currency"], 0) + row["amount_minor"]
                )
        return DaySummary(
            day=day,
            done=sum(s.status == "done" for s in stops),
            left=sum(s.status == "to do" for s in stops),
            skipped=sum(s.status == "skipped" for s in stops),
            promises=sum(r["outcome"] == "promise" for r in rows),
            promised=promised,
            collected=collected,
            waiting=self.pending_count(),
        )


def _outcome(row: dict) -> OutcomeRecord:
    """An outcomes or history row as the kernel's OutcomeRecord."""
    from fieldcore.route import OutcomeRecord

    return OutcomeRecord.model_validate(row | {"details": json.loads(row["details"] or "{}")})
