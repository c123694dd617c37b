"""Head office's implementation of the sync storage port over SQLAlchemy Core."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from fieldcore.accounts import Account
from fieldcore.outcomes import OutcomeDetails
from headoffice.store.db import chunks
from headoffice.store.tables import (
    accounts,
    applied_mutations,
    collectors,
    content,
    corrections,
    counters,
    devices,
    outcomes,
    payments,
    visits,
)
from headoffice.work import roster
from headoffice.work.payments import field_payment
from sync.protocol import (
    ContentWire,
    CorrectContact,
    EnrollResponse,
    HistoryWire,
    Mutation,
    MutationResult,
    OutcomePayload,
    PullResponse,
    RecordOutcome,
    VisitWire,
    scope_checksum,
)
from sync.server import Device, SyncRefused

_ACCOUNT_COLUMNS = [accounts.c[name] for name in Account.model_fields]


class SqlSyncStorage:
    """Sync storage on the head-office database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def device_by_token_hash(self, hashed: str) -> Device | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(devices, collectors.c.name)
                .join(collectors, collectors.c.collector_id == devices.c.collector_id)
                .where(devices.c.token_hash == hashed)
            ).first()
        if row is None:
            return None
        return Device(
            device_id=row.device_id,
            collector_id=row.collector_id,
            collector=row.name,
            revoked=row.revoked_at is not None,
        )

    def enroll(self, token: str, device_name: str) -> EnrollResponse:
        try:
            identity = roster.enroll_device(self.engine, token, device_name)
        except roster.RosterError as error:
            raise SyncRefused(403, str(error)) from None
        return EnrollResponse(**identity)

    def change_counter(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(counters.c.value).where(counters.c.name == "change")
            ).scalar_one()

    def apply_mutations(self, device: Device, mutations: list[Mutation]) -> list[MutationResult]:
        # One transaction per push: each change commits together with its
        # (device, mutation id) record, and a push of 500 costs one commit.
        # Two copies of one push racing each other: the loser hits the primary
        # key of applied_mutations, rolls back whole, then reads the winner's answers.
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return self._apply_batch(conn, device, mutations)
            except IntegrityError:
                continue
        raise SyncRefused(409, "this push is being applied concurrently; retry")

    def _apply_batch(
        self, conn: Connection, device: Device, mutations: list[Mutation]
    ) -> list[MutationResult]:
        answers = {
            row.mutation_id: MutationResult.model_validate_json(row.result)
            for row in conn.execute(
                sa.select(applied_mutations.c.mutation_id, applied_mutations.c.result).where(
                    applied_mutations.c.device_id == device.device_id,
                    applied_mutations.c.mutation_id.in_([m.id for m in mutations]),
                )
            )
        }
        fresh = [m for m in mutations if m.id not in answers]
        if fresh:
            now = datetime.now(UTC)
            outcome_batch = [m for m in fresh if isinstance(m, RecordOutcome)]
            correction_batch = [m for m in fresh if isinstance(m, CorrectContact)]
            answers |= self._apply_outcomes(conn, device, outcome_batch, now)
            answers |= self._apply_corrections(conn, device, correction_batch, now)
            conn.execute(
                applied_mutations.insert(),
                [
                    {
                        "device_id": device.device_id,
                        "mutation_id": m.id,
                        "result": answers[m.id].model_dump_json(),
                        "applied_at": now,
                    }
                    for m in fresh
                ],
            )
        return [answers[m.id] for m in mutations]

    def _apply_outcomes(
        self, conn: Connection, device: Device, batch: list[RecordOutcome], now: datetime
    ) -> dict[str, MutationResult]:
        if not batch:
            return {}
        found_visits = {
            row.visit_id: row
            for row in conn.execute(
                sa.select(
                    visits.c.visit_id,
                    visits.c.account_id,
                    visits.c.collector_id,
                    visits.c.status,
                    accounts.c.currency,
                )
                .join(accounts, accounts.c.account_id == visits.c.account_id)
                .where(visits.c.visit_id.in_({m.payload.visit_id for m in batch}))
            )
        }
        # An outcome that already arrived through another mutation is not stored twice.
        stored = set(
            conn.execute(
                sa.select(outcomes.c.id).where(outcomes.c.id.in_([m.payload.id for m in batch]))
            ).scalars()
        )
        answers, rows = {}, []
        for mutation in batch:
            outcome = mutation.payload
            result = _judge_outcome(
                device, mutation.id, outcome, found_visits.get(outcome.visit_id)
            )
            answers[mutation.id] = result
            if result.status == "applied" and outcome.id not in stored:
                stored.add(outcome.id)
                rows.append(
                    outcome.model_dump()
                    | {
                        # Stored in UTC: SQLite keeps no offset, and days are counted in UTC.
                        "recorded_at": outcome.recorded_at.astimezone(UTC),
                        "details": outcome.details.model_dump_json(exclude_defaults=True),
                        "collector_id": device.collector_id,
                        "device_id": device.device_id,
                        "received_at": now,
                        "needs_review": result.flagged,
                        "review_reason": result.message,
                    }
                )
        if rows:
            conn.execute(outcomes.insert(), rows)
            # Money taken at the door counts toward promises from the moment it arrives.
            paid = [field_payment(row, now) for row in rows if row["outcome"] == "paid"]
            if paid:
                conn.execute(payments.insert(), paid)
        return answers

    def _apply_corrections(
        self, conn: Connection, device: Device, batch: list[CorrectContact], now: datetime
    ) -> dict[str, MutationResult]:
        if not batch:
            return {}
        ids = {m.payload.account_id for m in batch}
        current = {
            row.account_id: row
            for row in conn.execute(
                sa.select(
                    accounts.c.account_id, accounts.c.phone, accounts.c.address, accounts.c.email
                ).where(accounts.c.account_id.in_(ids))
            )
        }
        # Accounts this collector has had on a route, now or before.
        known = set(
            conn.execute(
                sa.select(visits.c.account_id).where(
                    visits.c.collector_id == device.collector_id, visits.c.account_id.in_(ids)
                )
            ).scalars()
        )
        stored = set(
            conn.execute(
                sa.select(corrections.c.id).where(
                    corrections.c.id.in_([m.payload.id for m in batch])
                )
            ).scalars()
        )
        answers, rows = {}, []
        for mutation in batch:
            fix = mutation.payload
            if fix.account_id not in known or fix.account_id not in current:
                answers[mutation.id] = MutationResult(
                    id=mutation.id,
                    status="refused",
                    message=f"account {fix.account_id} was never on {device.collector}'s route",
                )
                continue
            server_value = getattr(current[fix.account_id], fix.field)
            conflict = server_value != fix.base_value
            answers[mutation.id] = MutationResult(
                id=mutation.id,
                status="applied",
                message=f"head office changed {fix.field} meanwhile" if conflict else None,
                flagged=conflict,
            )
            if fix.id not in stored:
                stored.add(fix.id)
                rows.append(
                    fix.model_dump()
                    | {
                        "recorded_at": fix.recorded_at.astimezone(UTC),
                        "collector_id": device.collector_id,
                        "device_id": device.device_id,
                        "server_value": server_value,
                        "conflict": conflict,
                        "received_at": now,
                    }
                )
        if rows:
            conn.execute(corrections.insert(), rows)
        return answers

    def changes_after(self, collector_id: int, cursor: int, limit: int) -> PullResponse:
        with self.engine.connect() as conn:
            visit_rows = conn.execute(
                sa.select(visits, *_ACCOUNT_COLUMNS[1:])
                .join(accounts, accounts.c.account_id == visits.c.account_id)
                .where(visits.c.collector_id == collector_id, visits.c.seq > cursor)
                .order_by(visits.c.seq)
                .limit(limit + 1)
            ).all()
            # An account change goes down on its own only when it came after the
            # visit; otherwise the visit (also after the cursor) carries it.
            # Driven from this collector's visits, so its cost follows the route,
            # not the size of the portfolio.
            account_rows = conn.execute(
                sa.select(accounts)
                .distinct()
                .join(visits, visits.c.account_id == accounts.c.account_id)
                .where(
                    visits.c.collector_id == collector_id,
                    visits.c.status == "assigned",
                    accounts.c.seq > cursor,
                    accounts.c.seq > visits.c.seq,
                )
                .order_by(accounts.c.seq)
                .limit(limit + 1)
            ).all()
            merged = sorted(
                [(row.seq, "visit", row) for row in visit_rows]
                + [(row.seq, "account", row) for row in account_rows],
                key=lambda item: item[0],
            )
            page, more = merged[:limit], len(merged) > limit
            new_cursor = page[-1][0] if page else cursor
            published = conn.execute(
                sa.select(content)
                .where(content.c.seq > cursor)
                .where(content.c.seq <= new_cursor if more else sa.true())
            ).all()
            if not more and published:
                new_cursor = max(new_cursor, *(row.seq for row in published))
            response = PullResponse(
                cursor=str(new_cursor),
                more=more,
                content=[
                    ContentWire(key=r.key, kind=r.kind, version=r.version, body=r.body)
                    for r in published
                ],
            )
            history = _history(conn, {row.account_id for _s, kind, row in page if kind == "visit"})
            mine = visits.c.collector_id == collector_id
            if more:
                response.remaining = conn.execute(
                    sa.select(sa.func.count()).where(mine, visits.c.seq > new_cursor)
                ).scalar_one()
            else:
                scope = (
                    conn.execute(
                        sa.select(visits.c.visit_id).where(mine, visits.c.status == "assigned")
                    )
                    .scalars()
                    .all()
                )
                response.scope_visits = len(scope)
                response.scope_checksum = scope_checksum(scope)
        for _seq, kind, row in page:
            account = Account.model_validate(
                {c.name: getattr(row, c.name) for c in _ACCOUNT_COLUMNS}
            )
            if kind == "account":
                response.accounts.append(account)
            elif row.status == "assigned":
                response.visits.append(
                    VisitWire(
                        visit_id=row.visit_id,
                        account_id=row.account_id,
                        visit_date=row.visit_date,
                        sequence=row.sequence,
                        account=account,
                        history=history.get(row.account_id, []),
                    )
                )
            else:
                response.removed_visits.append(row.visit_id)
        return response


HISTORY_PER_ACCOUNT = 50


def _history(conn: Connection, account_ids: set[str]) -> dict[str, list[HistoryWire]]:
    """The latest outcomes of these accounts from every collector, for the visit screen."""
    found: dict[str, list[HistoryWire]] = {}
    for chunk in chunks(sorted(account_ids)):
        rows = conn.execute(
            sa.select(outcomes, collectors.c.name.label("collector"))
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.account_id.in_(chunk))
            .order_by(outcomes.c.recorded_at.desc())
        )
        for row in rows:
            items = found.setdefault(row.account_id, [])
            if len(items) < HISTORY_PER_ACCOUNT:
                items.append(
                    HistoryWire(
                        id=row.id,
                        account_id=row.account_id,
                        collector=row.collector,
                        outcome=row.outcome,
                        amount_minor=row.amount_minor,
                        currency=row.currency,
                        promise_date=row.promise_date,
                        method=row.method,
                        note=row.note,
                        receipt_no=row.receipt_no,
                        recorded_at=_aware(row.recorded_at),
                        details=OutcomeDetails.model_validate_json(row.details or "{}"),
                    )
                )
    return found


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone=True columns; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _judge_outcome(
    device: Device, mutation_id: str, outcome: OutcomePayload, visit: sa.Row | None
) -> MutationResult:
    """Accept or refuse one outcome; a late one is accepted and flagged, never lost."""

    def refuse(message: str) -> MutationResult:
        return MutationResult(id=mutation_id, status="refused", message=message)

    if visit is None or visit.collector_id != device.collector_id:
        return refuse(f"visit {outcome.visit_id} was never on {device.collector}'s route")
    if visit.account_id != outcome.account_id:
        return refuse(f"visit {outcome.visit_id} is for another account")
    if (outcome.amount_minor is None) != (outcome.currency is None):
        return refuse("an amount needs its currency, and a currency its amount")
    if outcome.currency is not None and outcome.currency != visit.currency:
        return refuse(f"amount in {outcome.currency}, the account is in {visit.currency}")
    if visit.status != "assigned":
        return MutationResult(
            id=mutation_id,
            status="applied",
            message="outcome arrived after the visit was recalled",
            flagged=True,
        )
    return MutationResult(id=mutation_id, status="applied")
