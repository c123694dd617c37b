"""Head office's implementation of the sync storage port over SQLAlchemy Core."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from fieldapp.domain.accounts import Account
from headoffice import roster
from headoffice.db import accounts, applied_mutations, collectors, devices, outcomes, visits
from sync.protocol import EnrollResponse, MutationResult, OutcomePayload, PullResponse, VisitWire
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

    def apply_outcomes(
        self, device: Device, mutations: list[tuple[str, OutcomePayload]]
    ) -> list[MutationResult]:
        # One transaction per push: each outcome commits together with its
        # (device, mutation id) record, and a push of 500 costs one commit.
        # Two copies of one push racing each other: the loser hits the primary
        # key of applied_mutations, rolls back whole, and then reads the
        # winner's answers.
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return self._apply_batch(conn, device, mutations)
            except IntegrityError:
                continue
        raise SyncRefused(409, "this push is being applied concurrently; retry")

    def _apply_batch(
        self, conn: Connection, device: Device, mutations: list[tuple[str, OutcomePayload]]
    ) -> list[MutationResult]:
        prior = {
            row.mutation_id: MutationResult.model_validate_json(row.result)
            for row in conn.execute(
                sa.select(applied_mutations.c.mutation_id, applied_mutations.c.result).where(
                    applied_mutations.c.device_id == device.device_id,
                    applied_mutations.c.mutation_id.in_([m for m, _ in mutations]),
                )
            )
        }
        fresh = [(m, o) for m, o in mutations if m not in prior]
        if not fresh:
            return [prior[m] for m, _ in mutations]
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
                .where(visits.c.visit_id.in_({o.visit_id for _, o in fresh}))
            )
        }
        # An outcome that already arrived through another mutation is not stored twice.
        stored = set(
            conn.execute(
                sa.select(outcomes.c.id).where(outcomes.c.id.in_([o.id for _, o in fresh]))
            ).scalars()
        )
        now = datetime.now(UTC)
        answers = dict(prior)
        new_outcomes, records = [], []
        for mutation_id, outcome in fresh:
            result = _judge(device, mutation_id, outcome, found_visits.get(outcome.visit_id))
            answers[mutation_id] = result
            records.append(
                {
                    "device_id": device.device_id,
                    "mutation_id": mutation_id,
                    "result": result.model_dump_json(),
                    "applied_at": now,
                }
            )
            if result.status == "applied" and outcome.id not in stored:
                stored.add(outcome.id)
                new_outcomes.append(
                    outcome.model_dump()
                    | {
                        "collector_id": device.collector_id,
                        "device_id": device.device_id,
                        "received_at": now,
                        "needs_review": result.flagged,
                        "review_reason": result.message,
                    }
                )
        if new_outcomes:
            conn.execute(outcomes.insert(), new_outcomes)
        conn.execute(applied_mutations.insert(), records)
        return [answers[m] for m, _ in mutations]

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
            mine = sa.select(visits.c.visit_id).where(
                visits.c.account_id == accounts.c.account_id,
                visits.c.collector_id == collector_id,
                visits.c.status == "assigned",
                visits.c.seq < accounts.c.seq,
            )
            account_rows = conn.execute(
                sa.select(accounts)
                .where(accounts.c.seq > cursor, sa.exists(mine))
                .order_by(accounts.c.seq)
                .limit(limit + 1)
            ).all()
        # Merge both streams in change order and cut one page from the front.
        merged = sorted(
            [(row.seq, "visit", row) for row in visit_rows]
            + [(row.seq, "account", row) for row in account_rows],
            key=lambda item: item[0],
        )
        page, more = merged[:limit], len(merged) > limit
        response = PullResponse(cursor=str(page[-1][0] if page else cursor), more=more)
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
                    )
                )
            else:
                response.removed_visits.append(row.visit_id)
        return response


def _judge(
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
