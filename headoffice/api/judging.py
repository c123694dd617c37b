"""Judge a pushed outcome by the kernel's rules, against the account and policy head office has."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from content import shipped_policies
from fieldcore.outcomes import OutcomeCode, outcome_problems
from fieldcore.policy import ContactPolicy, Policies, newest_policies, read_policies
from fieldcore.stages import zone_of
from headoffice.store.tables import content
from sync.protocol import MutationResult, OutcomePayload
from sync.server import Device


@cache
def _shipped() -> tuple[ContactPolicy, ...]:
    return tuple(read_policies(shipped_policies()))


def policies_in_force(conn: Connection) -> Policies:
    """Per jurisdiction, the newest published policy, else the shipped one.

    The same choice the laptop makes from what it pulled, so both ends judge an
    outcome by the same rules.
    """
    bodies = conn.execute(sa.select(content.c.body).where(content.c.kind == "policy")).scalars()
    return newest_policies(_shipped(), bodies)


def longest_promise_days(conn: Connection) -> int:
    """The default policy's promise window (kept for callers that judge no account)."""
    return policies_in_force(conn).default.longest_promise_days


def judge_outcome(
    device: Device,
    mutation_id: str,
    outcome: OutcomePayload,
    visit: sa.Row | None,
    promise_days: int,
) -> MutationResult:
    """Accept or refuse one outcome; a late one is accepted and flagged, never lost.

    `visit` carries the visit's account, collector and status with the
    account's currency, balance and time zone (and the collector's zone).
    """

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
    paid = outcome.outcome == OutcomeCode.PAID
    if paid and outcome.receipt_no is None:
        return refuse("a payment needs the receipt number the laptop gave the borrower")
    if not paid and outcome.receipt_no is not None:
        return refuse(f"a receipt number belongs to a payment, not to {outcome.outcome.value}")
    # The rules are judged as they stood where and when the outcome was recorded.
    local = outcome.recorded_at.astimezone(
        zone_of(visit.account_timezone, visit.collector_timezone)
    )
    details = outcome.details
    problems = outcome_problems(
        outcome.outcome,
        {
            "amount": outcome.amount_minor,
            "promise_date": outcome.promise_date,
            "method": outcome.method,
            "dispute_reason": details.dispute_reason,
            "instalment": details.instalment_minor,
            "term_months": details.term_months,
            "new_address": details.new_address,
            "callback_at": details.callback_at,
            "contact_who": details.contact_who,
            "note": outcome.note,
        },
        outstanding_minor=visit.outstanding_minor,
        today=local.date(),
        now=local.replace(tzinfo=None),
        longest_promise_days=promise_days,
    )
    if problems:
        return refuse("; ".join(f"{field} {why}" for field, why in problems.items()))
    if visit.status != "assigned":
        return MutationResult(
            id=mutation_id,
            status="applied",
            message="outcome arrived after the visit was recalled",
            flagged=True,
        )
    return MutationResult(id=mutation_id, status="applied")
