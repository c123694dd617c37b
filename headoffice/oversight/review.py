"""The supervisors' review queue: what needs a person's decision, and the decisions with notes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import get_args

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.affordability import statement_sums
from fieldcore.arrangements import ArrangementState
from fieldcore.stages import days_past_due
from headoffice.compliance.policies import policies_in_force
from headoffice.ledger.judging import judged_instalments
from headoffice.oversight.cash import cash_lines
from headoffice.oversight.expiring import limitation_items
from headoffice.oversight.undelivered import failed_messages
from headoffice.phrasing import review_summary
from headoffice.store.db import utc
from headoffice.store.tables import accounts, collectors, corrections, outcomes, resolutions

# The wire's models are the queue's own: what the API sends is what the queue holds.
from headoffice.wire import ResolutionWire as Resolution
from headoffice.wire import ReviewFacts, ReviewKind
from headoffice.wire import ReviewItemWire as ReviewItem

# What lands in the queue, in the order a supervisor works through it.
KINDS = {
    "dispute": "borrower disputes the debt; collection is on hold",
    "hardship": "borrower asks for a hardship arrangement",
    "moved": "borrower has moved: accept to change the address for every later visit",
    "deceased": "borrower reported deceased; contact is on hold until released",
    "late": "outcome arrived for a visit that was recalled or moved",
    "conflict": "contact correction based on a value head office has since changed",
    "legal": "90+ days past due with a broken promise or instalment: a legal referral candidate",
    "policy": "a contact the contact policy blocks: overridden in the field or found here",
    "location": "a visit recorded farther from the address than the policy allows",
    "cash": "cash held past the policy's working days, or a deposit short of the cash taken",
    "limitation": "the claim is near its limitation date: act before it, or let it go knowingly",
    "message": "a message head office could not deliver: reach the borrower another way",
}
Kind = ReviewKind
assert set(get_args(Kind)) == set(KINDS)
LEGAL_DAYS = 90


class ReviewError(ValueError):
    """A resolution that cannot be recorded; nothing was changed. `status` is its HTTP code."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def review_queue(engine: Engine, today: date, include_resolved: bool = False) -> list[ReviewItem]:
    """Open items (and resolved ones when asked), by kind then oldest first."""
    with engine.connect() as conn:
        items = _items(conn, today)
        done = _resolutions(conn, sa.select(resolutions))
    order = list(KINDS)
    found = [ReviewItem(**item, resolution=done.get((item["kind"], item["ref"]))) for item in items]
    if not include_resolved:
        found = [item for item in found if item.resolution is None]
    far_past = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda i: (order.index(i.kind), utc(i.at) if i.at else far_past))


def review_item(engine: Engine, today: date, kind: str, ref: str) -> ReviewItem | None:
    """One item, resolved or not, looked up without building the whole queue."""
    with engine.connect() as conn:
        found = [i for i in _items(conn, today, kind, ref) if i["kind"] == kind]
        if not found:
            return None
        query = sa.select(resolutions).where(resolutions.c.kind == kind, resolutions.c.ref == ref)
        done = _resolutions(conn, query)
    return ReviewItem(**found[0], resolution=done.get((kind, ref)))


def _items(
    conn: Connection, today: date, kind: str | None = None, ref: str | None = None
) -> list[dict]:
    # Only the sources that can hold this kind; `ref` narrows each to one row.
    items = []
    if kind in (None, "dispute", "hardship", "moved", "deceased", "late", "policy", "location"):
        items += _outcome_items(conn, ref)
    if kind in (None, "conflict"):
        items += _conflict_items(conn, ref)
    if kind in (None, "legal"):
        items += _legal_items(conn, today, ref)
    if kind in (None, "cash"):
        items += _cash_items(conn, today, ref)
    if kind in (None, "limitation"):
        items += limitation_items(conn, today, ref)
    if kind in (None, "message"):
        items += failed_messages(conn, ref)
    return items


def _resolutions(conn: Connection, query: sa.Select) -> dict[tuple[str, str], Resolution]:
    return {
        (row.kind, row.ref): Resolution(
            note=row.note,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            decision=row.decision,
        )
        for row in conn.execute(query)
    }


def _outcome_items(conn: Connection, ref: str | None = None) -> list[dict]:
    query = (
        sa.select(
            outcomes.c.id,
            outcomes.c.outcome,
            outcomes.c.account_id,
            outcomes.c.note,
            outcomes.c.details,
            outcomes.c.recorded_at,
            outcomes.c.needs_review,
            outcomes.c.review_reason,
            outcomes.c.policy_rules,
            outcomes.c.far_from_address,
            outcomes.c.distance_m,
            accounts.c.borrower_name,
            accounts.c.currency,
            accounts.c.outstanding_minor,
            collectors.c.name.label("collector"),
        )
        .join(accounts, accounts.c.account_id == outcomes.c.account_id)
        .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
        .where(
            sa.or_(
                outcomes.c.outcome.in_(["dispute", "hardship", "moved", "deceased"]),
                outcomes.c.needs_review,
                outcomes.c.policy_rules.is_not(None),
                outcomes.c.far_from_address,
            )
        )
    )
    if ref is not None:
        query = query.where(outcomes.c.id == ref)
    items = []
    for row in conn.execute(query):
        base = {
            "ref": row.id,
            "account_id": row.account_id,
            "borrower_name": row.borrower_name,
            "collector": row.collector,
            "at": row.recorded_at,
        }
        details = json.loads(row.details) if row.details else {}
        if row.outcome == "dispute":
            facts = ReviewFacts(reason=details.get("dispute_reason") or row.note)
            items.append(_item(base, "dispute", facts))
        elif row.outcome == "hardship":
            facts = ReviewFacts(
                note=row.note,
                currency=row.currency,
                instalment_minor=details.get("instalment_minor"),
                term_months=details.get("term_months"),
                **statement_sums(details.get("statement"), row.outstanding_minor),
            )
            items.append(_item(base, "hardship", facts))
        elif row.outcome == "moved":
            facts = ReviewFacts(new_address=details.get("new_address"), note=row.note)
            items.append(_item(base, "moved", facts))
        elif row.outcome == "deceased":
            items.append(_item(base, "deceased", ReviewFacts(note=row.note)))
        if row.needs_review:
            items.append(_item(base, "late", ReviewFacts(outcome=row.outcome)))
        if row.policy_rules:
            facts = ReviewFacts(
                outcome=row.outcome,
                rules=json.loads(row.policy_rules),
                channel=details.get("channel") or "visit",
                override=details.get("override"),
            )
            items.append(_item(base, "policy", facts))
        if row.far_from_address:
            facts = ReviewFacts(outcome=row.outcome, distance_m=row.distance_m)
            items.append(_item(base, "location", facts))
    return items


def _item(base: dict, kind: str, facts: ReviewFacts) -> dict:
    # The facts travel for consoles to say in their language; the summary is the English.
    return base | {"kind": kind, "facts": facts, "summary": review_summary(kind, facts)}


def _conflict_items(conn: Connection, ref: str | None = None) -> list[dict]:
    query = (
        sa.select(
            corrections,
            accounts.c.borrower_name,
            collectors.c.name.label("collector"),
        )
        .join(accounts, accounts.c.account_id == corrections.c.account_id)
        .join(collectors, collectors.c.collector_id == corrections.c.collector_id)
        .where(corrections.c.conflict)
    )
    if ref is not None:
        query = query.where(corrections.c.id == ref)
    return [
        _item(
            {
                "ref": row.id,
                "account_id": row.account_id,
                "borrower_name": row.borrower_name,
                "collector": row.collector,
                "at": row.recorded_at,
            },
            "conflict",
            ReviewFacts(
                field=row.field,
                value=row.value,
                server_value=row.server_value,
                base_value=row.base_value,
            ),
        )
        for row in conn.execute(query)
    ]


def _legal_items(conn: Connection, today: date, ref: str | None = None) -> list[dict]:
    cutoff = date.fromordinal(today.toordinal() - LEGAL_DAYS)
    query = sa.select(
        accounts.c.account_id,
        accounts.c.borrower_name,
        accounts.c.oldest_due_date,
        accounts.c.overdue_minor,
        accounts.c.currency,
    ).where(
        accounts.c.oldest_due_date < cutoff,
        accounts.c.overdue_minor > 0,
        accounts.c.closed_on.is_(None),
    )
    if ref is not None:
        query = query.where(accounts.c.account_id == ref)
    late = {row.account_id: row for row in conn.execute(query)}
    if not late:
        return []
    # Not kept in full: due and passed with nothing paid, or only part of it. A borrower
    # 90 days late who pays a token against each promise is still for the supervisor to
    # weigh; one a newer promise or plan replaced was never missed.
    broken: dict[str, list] = {}
    for part in judged_instalments(conn, today, late):
        if part.state in (ArrangementState.BROKEN, ArrangementState.PARTLY_KEPT):
            broken.setdefault(part.account_id, []).append(part)
    items = []
    for account_id, found in broken.items():
        account = late[account_id]
        last = max(found, key=lambda p: (p.due, p.made_on))
        facts = ReviewFacts(
            days_past_due=days_past_due(account.oldest_due_date, today),
            overdue_minor=account.overdue_minor,
            currency=account.currency,
            broken_promises=len(found),
            last_due=last.due,
        )
        base = {
            "ref": account_id,
            "account_id": account_id,
            "borrower_name": account.borrower_name,
            "collector": last.collector or "",
            "at": datetime.combine(last.made_on, datetime.min.time(), UTC),
        }
        items.append(_item(base, "legal", facts))
    return items


def _cash_items(conn: Connection, today: date, ref: str | None = None) -> list[dict]:
    """Per collector and currency: cash held too long, and a deposit short of the cash taken.

    The ref names the collector, the currency and the day it is about, so a new shortfall
    or a new late day is a new item, and a resolved one stays resolved.
    """
    days = policies_in_force(conn).for_country(None).cash_deposit_days
    items = []
    for line in cash_lines(conn, today, days):
        held = line.held
        base = {"account_id": "", "borrower_name": "", "collector": line.collector}
        if line.too_old and held.oldest_held is not None:
            facts = ReviewFacts(
                currency=line.currency, cash_minor=held.held_minor, since=held.oldest_held,
                short=False, days_past_due=line.age_days,
            )  # fmt: skip
            key = f"held:{line.collector_id}:{line.currency}:{held.oldest_held.isoformat()}"
            at = datetime.combine(held.oldest_held, datetime.min.time(), UTC)
            items.append(_item(base | {"ref": key, "at": at}, "cash", facts))
        if line.short and held.last_deposit is not None:
            facts = ReviewFacts(
                currency=line.currency, cash_minor=held.shortfall_minor,
                since=held.last_deposit.date(), short=True,
            )  # fmt: skip
            key = f"short:{line.collector_id}:{line.currency}:{held.last_deposit:%Y%m%dT%H%M%S}"
            items.append(_item(base | {"ref": key, "at": held.last_deposit}, "cash", facts))
    return [i for i in items if ref is None or i["ref"] == ref]
