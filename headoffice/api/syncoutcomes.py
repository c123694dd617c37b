"""Pushed outcomes and deposits judged and turned into the rows head office stores for each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.location import distance_m
from fieldcore.outcomes import OutcomeDetails
from fieldcore.policy import Channel
from fieldcore.stops import callback_visit_id
from headoffice.api.judging import judge_outcome
from headoffice.compliance.breaches import account_contacts, breaches, rules_text
from headoffice.compliance.policies import policies_in_force, zone_for
from headoffice.store.tables import (
    accounts,
    collectors,
    deposits,
    outcomes,
    payments,
    reserve_changes,
    visits,
)
from headoffice.work.arrangements import agreement_rows
from headoffice.work.payments import field_payment
from sync.protocol import MutationResult, OutcomePayload, RecordDeposit, RecordOutcome
from sync.server import Device


def apply_outcomes(
    conn: Connection,
    device: Device,
    batch: list[RecordOutcome],
    now: datetime,
    writes: dict[str, list[tuple[sa.Table, dict]]],
) -> dict[str, MutationResult]:
    """Judge each pushed outcome and queue the rows an applied one stores, in `writes`."""
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
                accounts.c.outstanding_minor,
                accounts.c.closed_on,
                accounts.c.lat,
                accounts.c.lon,
                accounts.c.country,
                accounts.c.timezone.label("account_timezone"),
                collectors.c.timezone.label("collector_timezone"),
            )
            .join(accounts, accounts.c.account_id == visits.c.account_id)
            .join(collectors, collectors.c.collector_id == visits.c.collector_id)
            .where(visits.c.visit_id.in_({m.payload.visit_id for m in batch}))
        )
    }
    # An outcome that already arrived through another mutation is not stored twice.
    stored = set(
        conn.execute(
            sa.select(outcomes.c.id).where(outcomes.c.id.in_([m.payload.id for m in batch]))
        ).scalars()
    )
    receipts = {m.payload.receipt_no for m in batch if m.payload.receipt_no}
    booked = set(
        conn.execute(
            sa.select(outcomes.c.receipt_no).where(
                outcomes.c.device_id == device.device_id,
                outcomes.c.receipt_no.in_(receipts),
            )
        ).scalars()
    )
    policies = policies_in_force(conn)
    contacts = account_contacts(conn, {m.payload.account_id for m in batch})
    answers = {}
    for mutation in batch:
        outcome = mutation.payload
        visit = found_visits.get(outcome.visit_id)
        policy = policies.for_country(visit.country if visit else None)
        zone = zone_for(
            policy,
            visit.account_timezone if visit else None,
            visit.collector_timezone if visit else None,
        )
        result = judge_outcome(device, mutation.id, outcome, visit, policy, zone)
        fresh = result.status == "applied" and outcome.id not in stored
        if fresh and outcome.receipt_no is not None and outcome.receipt_no in booked:
            result = MutationResult(
                id=mutation.id,
                status="refused",
                message=f"receipt {outcome.receipt_no} was already booked from this laptop",
            )
        answers[mutation.id] = result
        if result.status == "applied" and fresh:
            stored.add(outcome.id)
            if outcome.receipt_no is not None:
                booked.add(outcome.receipt_no)
            row = outcome.model_dump() | {
                # Stored in UTC: SQLite keeps no offset, and days are counted in UTC.
                "recorded_at": outcome.recorded_at.astimezone(UTC),
                "details": outcome.details.model_dump_json(exclude_defaults=True),
                "collector_id": device.collector_id,
                "device_id": device.device_id,
                "received_at": now,
                "needs_review": result.flagged,
                "review_reason": result.message,
                # Judged again with every collector's attempts: for the review queue.
                "policy_rules": rules_text(
                    breaches(
                        policy,
                        zone,
                        outcome.outcome,
                        outcome.recorded_at,
                        outcome.details,
                        contacts[outcome.account_id],
                    )
                ),
            }
            row |= proof_of_visit(outcome.details, visit, policy.visit_distance_m)
            rows = [(outcomes, row)]
            # Money taken at the door counts toward promises from the moment it arrives.
            if row["outcome"] == "paid":
                rows.append((payments, field_payment(row, now)))
            if row["outcome"] in ("promise", "plan"):
                rows += agreement_rows(row, now)
            # A closed account is off the field for good: a callback makes no stop for it.
            if outcome.details.callback_at is not None and visit.closed_on is None:
                stop = callback_stop(conn, outcome, visit, now)
                if stop is not None:
                    rows.append((visits, stop))
                    # Outcomes later in this push may be recorded at that stop.
                    found_visits[stop["visit_id"]] = SimpleNamespace(
                        **(visit._asdict() | {"visit_id": stop["visit_id"]})
                    )
            writes[mutation.id] = rows
    return answers


def proof_of_visit(details: OutcomeDetails, visit: sa.Row, farthest_m: int) -> dict:
    """The columns that say where a visit was recorded against where the borrower lives."""
    found = details.location
    if found is None:
        return {"fix_status": None, "distance_m": None, "far_from_address": False}
    gone = None
    # Only a visit is at the address: a call or a letter is made from anywhere.
    at_door = (details.channel or Channel.VISIT) is Channel.VISIT
    if found.fix is not None and at_door and visit.lat is not None and visit.lon is not None:
        gone = round(distance_m(found.fix.lat, found.fix.lon, visit.lat, visit.lon))
    return {
        "fix_status": found.status,
        "distance_m": gone,
        "far_from_address": gone is not None and gone > farthest_m,
    }


def callback_stop(conn: Connection, outcome: OutcomePayload, visit, now: datetime) -> dict | None:
    """The stop a callback makes on the collector's route that day, as the laptop made it
    (same id), unless the borrower is already on that day's route."""
    at = outcome.details.callback_at
    assert at is not None
    day = at.date()
    mine = sa.and_(
        visits.c.collector_id == visit.collector_id,
        visits.c.visit_date == day,
        visits.c.status == "assigned",
    )
    on_it = conn.execute(
        sa.select(visits.c.visit_id).where(mine, visits.c.account_id == outcome.account_id)
    ).first()
    if on_it is not None:
        return None
    last = conn.execute(sa.select(sa.func.max(visits.c.sequence)).where(mine)).scalar()
    return {
        "visit_id": callback_visit_id(outcome.id),
        "account_id": outcome.account_id,
        "collector_id": visit.collector_id,
        "visit_date": day,
        "sequence": (last or 0) + 1,
        "status": "assigned",
        "seq": reserve_changes(conn, 1),
        "created_at": now,
        "callback_at": at,
    }


def apply_deposits(
    conn: Connection,
    device: Device,
    batch: list[RecordDeposit],
    now: datetime,
    writes: dict[str, list[tuple[sa.Table, dict]]],
) -> dict[str, MutationResult]:
    """Each deposit is stored once, whoever sends it again; one slip is one deposit."""
    if not batch:
        return {}
    stored = set(
        conn.execute(
            sa.select(deposits.c.id).where(deposits.c.id.in_([m.payload.id for m in batch]))
        ).scalars()
    )
    answers = {}
    for mutation in batch:
        deposit = mutation.payload
        if deposit.deposited_at > now + timedelta(days=1):
            answers[mutation.id] = MutationResult(
                id=mutation.id, status="refused", message="deposited_at is in the future"
            )
            continue
        answers[mutation.id] = MutationResult(id=mutation.id, status="applied")
        if deposit.id in stored:
            continue
        stored.add(deposit.id)
        row = deposit.model_dump() | {
            "deposited_at": deposit.deposited_at.astimezone(UTC),
            "recorded_at": deposit.recorded_at.astimezone(UTC),
            "collector_id": device.collector_id,
            "device_id": device.device_id,
            "received_at": now,
        }
        writes[mutation.id] = [(deposits, row)]
    return answers
