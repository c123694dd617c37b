"""Judge a pushed outcome by the kernel's rules, against the account and policy head office has."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fieldcore.outcomes import OutcomeCode, outcome_problems
from fieldcore.policy import ContactPolicy
from sync.protocol import MutationResult, OutcomePayload
from sync.server import Device


def judge_outcome(
    device: Device,
    mutation_id: str,
    outcome: OutcomePayload,
    visit: sa.Row | None,
    policy: ContactPolicy,
    zone: ZoneInfo,
) -> MutationResult:
    """Accept or refuse one outcome; a late one is accepted and flagged, never lost.

    `visit` carries the visit's account, collector and status with the
    account's currency and balance; `policy` is the account's contact policy and
    `zone` the borrower's time zone, as the laptop chose them.
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
    local = outcome.recorded_at.astimezone(zone)
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
            "instalments": details.instalments,
            "every": details.every,
            "first_date": details.first_date,
            "new_address": details.new_address,
            "callback_at": details.callback_at,
            "contact_who": details.contact_who,
            "note": outcome.note,
            "channel": details.channel,
            "role": details.role,
            "happened_at": details.happened_at,
            "override": details.override,
            "statement": details.statement,
        },
        outstanding_minor=visit.outstanding_minor,
        today=local.date(),
        now=local.replace(tzinfo=None),
        longest_promise_days=policy.longest_promise_days,
        longest_plan_months=policy.longest_plan_months,
        currency=visit.currency,
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
