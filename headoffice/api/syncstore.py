"""Head office's implementation of the sync storage port over SQLAlchemy Core."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from fieldcore.contact import HoldReason
from headoffice.api.syncoutcomes import apply_deposits, apply_outcomes
from headoffice.api.syncpull import changes_after
from headoffice.evidence.trail import AUDITED, ChainBroken, record_rows, take_laptop_chain
from headoffice.store.tables import (
    accounts,
    applied_mutations,
    arrangements,
    collectors,
    corrections,
    counters,
    deposits,
    devices,
    instalments,
    outcomes,
    payments,
    touch_accounts,
    visits,
)
from headoffice.work import roster
from headoffice.work.arrangements import replace_older
from headoffice.work.holds import hold_from_field
from headoffice.work.payments import payments_arrived
from sync.protocol import (
    AuditEntryWire,
    CorrectContact,
    EnrollResponse,
    Mutation,
    MutationResult,
    PullResponse,
    RecordDeposit,
    RecordOutcome,
)
from sync.server import Device, SyncRefused


class SqlSyncStorage:
    """Sync storage on the head-office database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def device_by_token_hash(self, hashed: str) -> Device | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                # Labelled: the device has a name of its own.
                sa.select(devices, collectors.c.name.label("collector_name"))
                .join(collectors, collectors.c.collector_id == devices.c.collector_id)
                .where(devices.c.token_hash == hashed)
            ).first()
        if row is None:
            return None
        return Device(
            device_id=row.device_id,
            collector_id=row.collector_id,
            collector=row.collector_name,
            revoked=row.revoked_at is not None,
            wipe=row.wipe_ordered_at is not None and row.wiped_at is None,
        )

    def wiped(self, device_id: str) -> None:
        """The wipe order reached the laptop: its token is unknown from now on."""
        with self.engine.begin() as conn:
            conn.execute(
                devices.update()
                .where(devices.c.device_id == device_id)
                .values(wiped_at=datetime.now(UTC))
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

    def apply_mutations(
        self, device: Device, mutations: list[Mutation], audit: list[AuditEntryWire]
    ) -> list[MutationResult]:
        # One transaction per push: each change commits together with its
        # (device, mutation id) record, and a push of 500 costs one commit.
        # Two copies of one push racing each other: the loser hits the primary
        # key of applied_mutations, rolls back whole, then reads the winner's answers.
        # The laptop's audit entries go in the same transaction, checked first: a chain
        # that does not follow what head office holds refuses the push whole.
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    take_laptop_chain(conn, device.device_id, audit)
                    return self._apply_batch(conn, device, mutations) if mutations else []
            except ChainBroken as broken:
                raise SyncRefused(409, str(broken), code="audit_chain") from None
            except IntegrityError:
                continue
        raise SyncRefused(409, "this push is being applied concurrently; retry")

    def _apply_batch(
        self, conn: Connection, device: Device, mutations: list[Mutation]
    ) -> list[MutationResult]:
        bodies = {m.id: _body_hash(m) for m in mutations}
        answers: dict[str, MutationResult] = {}
        for row in conn.execute(
            sa.select(
                applied_mutations.c.mutation_id,
                applied_mutations.c.result,
                applied_mutations.c.body_hash,
            ).where(
                applied_mutations.c.device_id == device.device_id,
                applied_mutations.c.mutation_id.in_(list(bodies)),
            )
        ):
            if row.body_hash is not None and row.body_hash != bodies[row.mutation_id]:
                # Not stored: the first body and its answer stand for every retry of it.
                answers[row.mutation_id] = MutationResult(
                    id=row.mutation_id,
                    status="refused",
                    message=f"mutation {row.mutation_id} was already used for another change; "
                    "the first one stands",
                )
            else:
                answers[row.mutation_id] = MutationResult.model_validate_json(row.result)
        fresh = [m for m in mutations if m.id not in answers]
        if fresh:
            now = datetime.now(UTC)
            writes: dict[str, list[tuple[sa.Table, dict]]] = {}
            outcome_batch = [m for m in fresh if isinstance(m, RecordOutcome)]
            correction_batch = [m for m in fresh if isinstance(m, CorrectContact)]
            answers |= apply_outcomes(conn, device, outcome_batch, now, writes)
            answers |= self._apply_corrections(conn, device, correction_batch, now, writes)
            deposit_batch = [m for m in fresh if isinstance(m, RecordDeposit)]
            answers |= apply_deposits(conn, device, deposit_batch, now, writes)
            _write(conn, writes, answers)
            # A new promise takes over from the account's older ones, in the order made.
            made = sorted(
                (items[0][1]["recorded_at"], row["id"], row["account_id"], row["made_on"])
                for mutation_id, items in writes.items()
                if answers[mutation_id].status == "applied"
                for table, row in items
                if table is arrangements
            )
            replace_older(conn, [(a, b, c) for _when, a, b, c in made])
            # Other laptops with these accounts learn of the new promise or plan.
            touch_accounts(conn, {account for _when, _id, account, _day in made})
            # A dispute or a death told at the door holds the account at once, for every
            # laptop, until a supervisor resolves it.
            applied = [
                row
                for mutation_id, items in writes.items()
                if answers[mutation_id].status == "applied"
                for table, row in items
                if table is outcomes
            ]
            # Money taken at the door moves the limitation date, and may clear the account.
            payments_arrived(
                conn,
                {
                    row["account_id"]
                    for mutation_id, items in writes.items()
                    if answers[mutation_id].status == "applied"
                    for table, row in items
                    if table is payments
                },
            )
            for reason in (HoldReason.DISPUTE, HoldReason.DECEASED):
                hold_from_field(
                    conn,
                    reason,
                    (
                        (row["account_id"], _hold_words(row), device.collector)
                        for row in applied
                        if row["outcome"] == reason.value
                    ),
                )
            conn.execute(
                applied_mutations.insert(),
                [
                    {
                        "device_id": device.device_id,
                        "mutation_id": m.id,
                        "result": answers[m.id].model_dump_json(),
                        "body_hash": bodies[m.id],
                        "applied_at": now,
                    }
                    for m in fresh
                ],
            )
        return [answers[m.id] for m in mutations]

    def _apply_corrections(
        self,
        conn: Connection,
        device: Device,
        batch: list[CorrectContact],
        now: datetime,
        writes: dict[str, list[tuple[sa.Table, dict]]],
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
        answers = {}
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
                row = fix.model_dump() | {
                    "recorded_at": fix.recorded_at.astimezone(UTC),
                    "collector_id": device.collector_id,
                    "device_id": device.device_id,
                    "server_value": server_value,
                    "conflict": conflict,
                    "received_at": now,
                }
                writes[mutation.id] = [(corrections, row)]
        return answers

    def changes_after(self, collector_id: int, cursor: int, limit: int) -> PullResponse:
        with self.engine.connect() as conn:
            return changes_after(conn, collector_id, cursor, limit)


def _hold_words(row: dict) -> str:
    details = json.loads(row["details"] or "{}")
    return details.get("dispute_reason") or row["note"] or ""


def _body_hash(mutation: Mutation) -> str:
    # The mutation as pydantic reads it: the same change hashes the same however
    # its JSON was spelled (key order, offsets of one instant).
    return hashlib.sha256(mutation.model_dump_json().encode()).hexdigest()


def _write(
    conn: Connection,
    writes: dict[str, list[tuple[sa.Table, dict]]],
    answers: dict[str, MutationResult],
) -> None:
    """Store what the applied mutations carry; one the database refuses is refused alone.

    All in one statement per table first (a push of 500 is one round trip each);
    only when the database refuses that, each mutation again in a savepoint of
    its own, so the good ones are kept and the bad one is answered `refused`.
    """
    if not writes:
        return
    try:
        with conn.begin_nested():
            for table in (
                visits,
                outcomes,
                payments,
                corrections,
                arrangements,
                instalments,
                deposits,
            ):
                rows = [row for items in writes.values() for t, row in items if t is table]
                if rows:
                    conn.execute(table.insert(), rows)
        _audit(conn, [item for items in writes.values() for item in items])
        return
    except DBAPIError:
        pass
    stored: list[tuple[sa.Table, dict]] = []
    for mutation_id, items in writes.items():
        try:
            with conn.begin_nested():
                for table, row in items:
                    conn.execute(table.insert(), row)
            stored.extend(items)
        except DBAPIError as error:
            # The database's own message can carry the row's values: never echo it.
            answers[mutation_id] = MutationResult(
                id=mutation_id,
                status="refused",
                message=f"head office could not store this change ({type(error).__name__})",
            )
    _audit(conn, stored)


def _audit(conn: Connection, stored: list[tuple[sa.Table, dict]]) -> None:
    """The audit trail's entries for the rows just stored that it keeps whole (AUDITED)."""
    for name in AUDITED:
        rows = [row for table, row in stored if table.name == name]
        if rows:
            record_rows(conn, name, [], stored=rows)
