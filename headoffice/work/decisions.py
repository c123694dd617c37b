"""What a supervisor's decision on a review item does, in the resolution's own transaction."""

from __future__ import annotations

from datetime import date
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.arrangements import MOST_INSTALMENTS, Every, add_months, plan_problems, schedule
from fieldcore.audit import sha256
from fieldcore.contact import HoldReason
from headoffice import clock
from headoffice.evidence.trail import append
from headoffice.store.tables import accounts, outcomes, reserve_changes, touch_accounts
from headoffice.wire import ReviewItemWire
from headoffice.work.arrangements import arrangement_rows, store_arrangement
from headoffice.work.holds import release_in

Decision = Literal["accepted", "rejected"]
# The kinds a decision acts on; the others are resolved with a note only.
DECIDED = frozenset({"dispute", "hardship", "moved", "deceased", "legal"})


class DecisionError(ValueError):
    """The decision cannot be carried out (a plan past the balance, say); nothing changed."""


def carry_out(
    conn: Connection,
    item: ReviewItemWire,
    decision: Decision | None,
    first_date: date | None,
    today: date,
    note: str,
    by: str,
) -> None:
    """Do what the decision on `item` means; raise DecisionError to refuse it whole.

    The resolution is an entry of the audit trail (its note as a hash: a note can name
    the borrower, and the entry outlives the personal data it could hold).
    """
    append(
        conn,
        [
            (
                "review resolution",
                "resolutions",
                f"{item.kind}:{item.ref}",
                {
                    "kind": item.kind,
                    "ref": item.ref,
                    "account_id": item.account_id,
                    "decision": decision,
                    "by": by,
                    "note_sha256": sha256(note.encode()),
                },
            )
        ],
    )
    if item.kind == "dispute":
        # Settled either way, in the borrower's favour or rejected with a note: the hold
        # lifts, and every laptop with the account learns it at its next sync.
        release_in(conn, item.account_id, HoldReason.DISPUTE, note, by)
    elif item.kind == "deceased" and decision == "rejected":
        release_in(conn, item.account_id, HoldReason.DECEASED, note, by)
    elif item.kind == "moved" and decision == "accepted" and item.facts.new_address:
        seq = reserve_changes(conn, 1)
        conn.execute(
            accounts.update()
            .where(accounts.c.account_id == item.account_id)
            .values(address=item.facts.new_address, seq=seq)
        )
    elif item.kind == "hardship" and decision == "accepted":
        _plan_from_hardship(conn, item, first_date or add_months(today, 1), today)


def _plan_from_hardship(conn: Connection, item: ReviewItemWire, first: date, today: date) -> None:
    """The instalment and term asked for, monthly from `first`, capped at the balance."""
    facts = item.facts
    if not (facts.instalment_minor and facts.term_months):
        raise DecisionError("the hardship request names no instalment and term to make a plan of")
    account = conn.execute(
        sa.select(accounts.c.outstanding_minor, accounts.c.currency).where(
            accounts.c.account_id == item.account_id
        )
    ).one()
    collector_id = conn.execute(
        sa.select(outcomes.c.collector_id).where(outcomes.c.id == item.ref)
    ).scalar_one()
    total = min(facts.instalment_minor * facts.term_months, account.outstanding_minor)
    problems = plan_problems(
        total,
        facts.term_months,
        Every.MONTH,
        first,
        outstanding_minor=account.outstanding_minor,
        today=today,
        longest_months=MOST_INSTALMENTS,
    )
    if problems:
        raise DecisionError(
            "the plan cannot be made: "
            + "; ".join(f"{field.replace('_', ' ')} {why}" for field, why in problems.items())
        )
    rows = arrangement_rows(
        arrangement_id=item.ref,
        kind="plan",
        account_id=item.account_id,
        collector_id=collector_id,
        made_on=today,
        currency=account.currency,
        parts=schedule(total, facts.term_months, Every.MONTH, first),
        every=Every.MONTH.value,
        created_at=clock.now(),
    )
    store_arrangement(conn, rows)
    touch_accounts(conn, [item.account_id])
