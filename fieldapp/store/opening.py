"""The laptop's local SQLite database (sqlite-utils): schema, migrations and every query."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldapp.domain.ids import new_id
from fieldapp.domain.money import to_decimal_text
from fieldapp.domain.stages import days_past_due, local_today, stage_for
from fieldapp.domain.stops import RouteStop

# The pydantic models come in when first needed, not on the way to the route:
# the first screen is drawn from plain rows.
if TYPE_CHECKING:
    from sqlite_utils import Database

    from fieldapp.domain.accounts import Account
    from fieldapp.domain.corrections import Correction
    from fieldapp.domain.outcomes import CheckedOutcome
    from fieldapp.domain.route import DaySummary, OutcomeRecord, VisitDetail
    from sync.protocol import MutationResult, PullResponse

DB_NAME = "fieldapp.db"
# The columns of an account, as domain.accounts.Account declares them (a test
# holds the two together).
_ACCOUNT_FIELDS = (
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

# The schema's migrations, in order (fieldapp/schema.py holds them). Checked on
# open without loading sqlite-utils, so a laptop that is up to date opens fast.
MIGRATIONS = (
    "m001_initial",
    "m002_corrections_and_scope",
    "m003_collectors_day",
    "m004_outcome_lookups",
    "m005_account_region",
)


class VisitNotFound(LookupError):
    """No visit matches what was asked for on this laptop."""


class Store:
    """One open connection to the laptop's database; open one per thread."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.path = home / DB_NAME
        self.conn = sqlite3.connect(self.path, timeout=30)
        # WAL lets the sync worker write while the screen reads; FULL makes each
        # commit survive a power cut, because a receipt once shown must exist.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        # A borrower's data that leaves the laptop leaves the file too.
        self.conn.execute("PRAGMA secure_delete=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        if not self._schema_is_current():
            from fieldapp.schema import migrations

            migrations.apply(self.db)

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, for writes and transactions."""
        from sqlite_utils import Database

        return Database(self.conn)

    def _schema_is_current(self) -> bool:
        try:
            rows = self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'fieldapp'"
            )
        except sqlite3.OperationalError:
            return False  # a new database
        return set(MIGRATIONS) <= {row[0] for row in rows}

    def close(self) -> None:
        self.conn.close()

    # settings -----------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_settings(self, **values: str | None) -> None:
        with self.db.atomic():
            for key, value in values.items():
                self.db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )

    @property
    def enrolled(self) -> bool:
        return self.setting("device_token") is not None

    def today(self) -> date:
        """Today in the collector's time zone."""
        return self.local_today(self.setting("timezone"))

    def local_today(self, zone: str | None) -> date:
        """Today where `zone` is; FIELDAPP_TODAY pins it (training sessions, screenshots)."""
        if pinned := os.environ.get("FIELDAPP_TODAY"):
            return date.fromisoformat(pinned)
        return local_today(zone)

    def now(self) -> datetime:
        """This moment; on a pinned day (FIELDAPP_TODAY), that day at this time of day.

        Outcomes then fall on the day the app shows, so a training session's
        summary and its screenshots hold together.
        """
        moment = datetime.now(UTC)
        if pinned := os.environ.get("FIELDAPP_TODAY"):
            local = moment.astimezone(_zone(self.setting("timezone")))
            moment = datetime.combine(date.fromisoformat(pinned), local.timetz()).astimezone(UTC)
        return moment

    # route and visits ---------------------------------------------------------

    def _stops(self, where: str, params: list, limit: int = -1) -> list[RouteStop]:
        today = self.today().isoformat()
        rows = self.conn.execute(
            f"""
            SELECT v.visit_id, v.visit_date, v.sequence, v.skipped_at, a.account_id,
                   a.borrower_name, a.address, a.phone, a.currency, a.overdue_minor,
                   a.oldest_due_date, a.timezone,
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
        on_hold = self._accounts_with("outcome = 'dispute'", [])
        todays: dict[str | None, date] = {}
        return [self._stop(row, todays, due_today, on_hold) for row in _dicts(rows)]

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
        from fieldapp.domain.route import VisitDetail

        stops = self._stops("v.visit_id = :visit", [("visit", visit_id)])
        if not stops:
            raise VisitNotFound(f"visit {visit_id} is not on this laptop")
        account = _account(self._account_row(stops[0].account_id))
        return VisitDetail(
            stop=stops[0], account=account, outcomes=self.outcomes_for_account(account.account_id)
        )

    def account_for_visit(self, visit_id: str) -> Account:
        """The account a visit is about, without the rest of the visit."""
        return _account(self._account_row(self._visit_account(visit_id)))

    def skip(self, visit_id: str, skipped: bool = True) -> None:
        """Mark a stop skipped for today (or not); a recorded outcome still makes it done."""
        when = datetime.now(UTC).isoformat() if skipped else None
        self.db.execute("UPDATE visits SET skipped_at = ? WHERE visit_id = ?", [when, visit_id])

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
        from fieldapp.domain.route import OutcomeRecord

        mine = _dicts(
            self.db.execute(
                """
                SELECT o.*, NOT EXISTS (
                    SELECT 1 FROM outbox b WHERE b.record_id = o.id
                ) AS synced
                FROM outcomes o WHERE o.account_id = ?
                """,
                [account_id],
            )
        )
        theirs = _dicts(
            self.db.execute(
                "SELECT h.*, '' AS visit_id, 1 AS synced, 1 AS from_head_office "
                "FROM history h WHERE h.account_id = ?",
                [account_id],
            )
        )
        seen = {row["id"] for row in mine}
        rows = mine + [row for row in theirs if row["id"] not in seen]
        found = [
            OutcomeRecord.model_validate(row | {"details": json.loads(row["details"] or "{}")})
            for row in rows
        ]
        return sorted(found, key=lambda o: o.recorded_at, reverse=True)

    def _stop(
        self, row: dict, todays: dict[str | None, date], due_today: set[str], on_hold: set[str]
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
        )

    # recording ------------------------------------------------------------------

    def record_outcome(self, visit_id: str, checked: CheckedOutcome) -> OutcomeRecord:
        """Save an outcome and its outbox mutation in one durable transaction.

        The visit's draft goes in the same transaction: saved means the form is done.
        """
        from fieldapp.domain.route import OutcomeRecord

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
        return record

    def _visit_account(self, visit_id: str) -> str:
        row = self.db.execute(
            "SELECT account_id FROM visits WHERE visit_id = ?", [visit_id]
        ).fetchone()
        if row is None:
            raise VisitNotFound(f"visit {visit_id} is not on this laptop")
        return row[0]

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
        from fieldapp.domain.corrections import Correction, check_correction

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
        from fieldapp.domain.corrections import Correction

        current = self._account_row(account_id)
        rows = _dicts(
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

    def _account_row(self, account_id: str) -> dict:
        rows = _dicts(self.db.execute("SELECT * FROM accounts WHERE account_id = ?", [account_id]))
        if not rows:
            raise VisitNotFound(f"account {account_id} is not on this laptop's route")
        return rows[0]

    def _enqueue(self, kind: str, payload: dict, now: datetime) -> None:
        # Same transaction as the record itself: a change is never saved without
        # its way to head office, nor sent without being saved.
        self.db["outbox"].insert(
            {
                "mutation_id": new_id(),
                "kind": kind,
                "payload": json.dumps(payload, ensure_ascii=False),
                "created_at": now.isoformat(),
                "record_id": payload["id"],
            }
        )

    def _next_receipt_no(self) -> str:
        # Device code + counter: unique across laptops without asking anyone.
        counter = int(self.setting("receipt_counter", "0")) + 1
        self.set_settings(receipt_counter=str(counter))
        return f"{self.setting('device_code', 'LOCAL')}-{counter:06d}"

    # outbox (the sync client's port) --------------------------------------------

    def pending_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[
            0
        ]

    def refused(self) -> list[dict]:
        return _dicts(self.db.execute("SELECT * FROM outbox WHERE state = 'refused' ORDER BY seq"))

    def pending_mutations(self, limit: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT mutation_id, kind, payload FROM outbox WHERE state = 'pending' "
            "ORDER BY seq LIMIT ?",
            [limit],
        )
        return [{"id": m, "kind": k, "payload": json.loads(p)} for m, k, p in rows]

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
                self.set_settings(rebuilding="0")
            self.set_settings(cursor=page.cursor)
        if page.removed_visits:
            self.purge_departed()

    def _remove_visits(self, gone: list[str]) -> None:
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM visits WHERE visit_id IN ({marks})", chunk)
        # Once no visit of a borrower is left, their personal data leaves too.
        for table in ("accounts", "history", "drafts"):
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
        recorded is lost. Then the WAL is truncated so no old page lingers there.
        """
        with self.db.atomic():
            removed = 0
            for table in ("outcomes", "corrections"):
                removed += self.db.execute(
                    f"""
                    DELETE FROM {table}
                    WHERE account_id NOT IN (SELECT account_id FROM accounts)
                      AND id NOT IN (SELECT record_id FROM outbox WHERE record_id IS NOT NULL)
                    """
                ).rowcount
        if removed:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def published_content(self) -> list[dict]:
        """Scripts and policy head office has published, as pulled."""
        return _dicts(self.db.execute("SELECT * FROM content ORDER BY key"))

    def day_summary(self, day: date, stops: list[RouteStop] | None = None) -> DaySummary:
        """Visits done and left, promises taken, cash by method and currency, changes waiting.

        Pass the day's `stops` when they were just read, to spare reading them again.
        """
        from fieldapp.domain.route import DaySummary

        stops = self.route(day) if stops is None else stops
        zone = _zone(self.setting("timezone"))
        start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
        rows = _dicts(
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

    def mark_synced(self) -> None:
        self.set_settings(last_sync_at=datetime.now(UTC).isoformat())


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _account_select() -> str:
    return ", ".join(f"a.{name}" for name in _ACCOUNT_FIELDS)


def _account(row: dict) -> Account:
    from fieldapp.domain.accounts import Account

    return Account.model_validate({name: row[name] for name in _ACCOUNT_FIELDS})


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
