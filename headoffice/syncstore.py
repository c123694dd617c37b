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

    def apply_outcome(
        self, device: Device, mutation_id: str, outcome: OutcomePayload
    ) -> MutationResult:
        # Two copies of one push racing each other: the loser hits the primary
        # key of applied_mutations, rolls back, and then reads the winner's answer.
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return self._apply_once(conn, device, mutation_id, outcome)
            except IntegrityError:
                continue
        raise SyncRefused(409, f"mutation {mutation_id} is being applied concurrently; retry")

    def _apply_once(
        self, conn: Connection, device: Device, mutation_id: str, outcome: OutcomePayload
    ) -> MutationResult:
        prior = conn.execute(
            sa.select(applied_mutations.c.result).where(
                applied_mutations.c.device_id == device.device_id,
                applied_mutations.c.mutation_id == mutation_id,
            )
        ).scalar_one_or_none()
        if prior is not None:
            return MutationResult.model_validate_json(prior)
        result = self._judge_and_store(conn, device, mutation_id, outcome)
        conn.execute(
            applied_mutations.insert().values(
                device_id=device.device_id,
                mutation_id=mutation_id,
                result=result.model_dump_json(),
                applied_at=datetime.now(UTC),
            )
        )
        return result

    def _judge_and_store(
        self, conn: Connection, device: Device, mutation_id: str, outcome: OutcomePayload
    ) -> MutationResult:
        visit = conn.execute(
            sa.select(
                visits.c.account_id, visits.c.collector_id, visits.c.status, accounts.c.currency
            )
            .join(accounts, accounts.c.account_id == visits.c.account_id)
            .where(visits.c.visit_id == outcome.visit_id)
        ).first()

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
        late = visit.status != "assigned"
        reason = "outcome arrived after the visit was recalled" if late else None
        exists = conn.execute(sa.select(outcomes.c.id).where(outcomes.c.id == outcome.id)).first()
        if exists is None:
            conn.execute(
                outcomes.insert().values(
                    **outcome.model_dump(),
                    collector_id=device.collector_id,
                    device_id=device.device_id,
                    received_at=datetime.now(UTC),
                    needs_review=late,
                    review_reason=reason,
                )
            )
        return MutationResult(id=mutation_id, status="applied", message=reason, flagged=late)

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
