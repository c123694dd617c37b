"""Head office judges every pushed contact again, with what every collector did.

The laptop judged the contact by what it knew; head office knows more: another
collector's call yesterday, a hold placed while the laptop was offline. The same
kernel function decides, and what it blocks is kept with the outcome for review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.attempts import attempt_from, judge_contact
from fieldcore.contact import (
    Attempt,
    Hold,
    HoldReason,
    Notice,
    decide,
)
from fieldcore.outcomes import OutcomeDetails
from fieldcore.policy import ContactPolicy
from headoffice.compliance.policies import policies_in_force, zone_for
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, holds, notices, outcomes


@dataclass
class _Held:
    reason: HoldReason
    placed_at: datetime
    released_at: datetime | None

    def at(self, moment: datetime, zone: ZoneInfo) -> bool:
        """In force at `moment`: from the start of the borrower's day it was placed on
        (a hold placed today covers the whole of today), until the moment released."""
        placed = self.placed_at.astimezone(zone).date()
        released = self.released_at is not None and self.released_at <= moment
        return placed <= moment.astimezone(zone).date() and not released


@dataclass
class AccountContacts:
    """One account's contact history at head office: attempts, notices, holds over time."""

    attempts: list[Attempt] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    holds: list[_Held] = field(default_factory=list)


def account_contacts(conn: Connection, account_ids: Iterable[str]) -> dict[str, AccountContacts]:
    """Every stored attempt, notice and hold (released or not) of the accounts."""
    wanted = sorted(set(account_ids))
    found = {a: AccountContacts() for a in wanted}
    for chunk in chunks(wanted):
        for row in conn.execute(
            sa.select(
                outcomes.c.account_id,
                outcomes.c.outcome,
                outcomes.c.recorded_at,
                outcomes.c.details,
            ).where(outcomes.c.account_id.in_(chunk))
        ):
            details = OutcomeDetails.model_validate_json(row.details or "{}")
            found[row.account_id].attempts.append(
                attempt_from(row.outcome, _utc(row.recorded_at), details)
            )
        for row in conn.execute(
            sa.select(notices.c.account_id, notices.c.kind, notices.c.sent_on).where(
                notices.c.account_id.in_(chunk)
            )
        ):
            found[row.account_id].notices.append(Notice(row.kind, row.sent_on))
        for row in conn.execute(
            sa.select(
                holds.c.account_id, holds.c.reason, holds.c.placed_at, holds.c.released_at
            ).where(holds.c.account_id.in_(chunk))
        ):
            released = _utc(row.released_at) if row.released_at else None
            found[row.account_id].holds.append(
                _Held(HoldReason(row.reason), _utc(row.placed_at), released)
            )
    return found


def breaches(
    policy: ContactPolicy,
    zone: ZoneInfo,
    outcome: str,
    recorded_at: datetime,
    details: OutcomeDetails,
    known: AccountContacts,
) -> tuple[str, ...]:
    """The rules a pushed contact broke, judged when it happened; the laptop's overrides too.

    Adds the contact to `known`, so the next outcome of the same push counts it.
    """
    attempt = attempt_from(outcome, recorded_at, details)
    in_force = [Hold(h.reason, h.placed_at.date()) for h in known.holds if h.at(attempt.at, zone)]
    decision = judge_contact(
        policy,
        outcome,
        attempt,
        zone,
        known.attempts,
        known.notices,
        in_force,
        bool(details.disclosure_given),
    )
    known.attempts.append(attempt)
    found = {block.rule for block in decision.blocks} | set(details.overridden or ())
    return tuple(sorted(found))


def rules_text(rules: tuple[str, ...]) -> str | None:
    """How the broken rules are stored with the outcome: a JSON list, or nothing."""
    return json.dumps(list(rules)) if rules else None


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def closed_for_visits(
    conn: Connection, account_ids: list[str], day: date, collector_zone: str | None
) -> dict[str, tuple[str, ...]]:
    """The accounts that may not be visited at any time on `day`, with the rules that say so.

    Judged as the laptop will judge the stop: the borrower's policy and time zone,
    with every collector's attempts and the holds and notices in force.
    """
    policies = policies_in_force(conn)
    rows = {
        row.account_id: row
        for chunk in chunks(account_ids)
        for row in conn.execute(
            sa.select(accounts.c.account_id, accounts.c.country, accounts.c.timezone).where(
                accounts.c.account_id.in_(chunk)
            )
        )
    }
    contacts = account_contacts(conn, list(rows))
    closed = {}
    for account_id, row in rows.items():
        policy = policies.for_country(row.country)
        zone = zone_for(policy, row.timezone, collector_zone)
        opening = datetime.combine(day, time(0), zone)
        known = contacts[account_id]
        in_force = [Hold(h.reason, h.placed_at.date()) for h in known.holds if h.at(opening, zone)]
        decision = decide(
            policy, "visit", "borrower", opening, zone, known.attempts, known.notices, in_force
        )
        later = decision.next_allowed
        if decision.blocks and (later is None or later.date() != day):
            # The rules that close the whole day, not the hours before the window opens.
            closed[account_id] = tuple(
                block.rule
                for block in decision.blocks
                if block.until is None or block.until.astimezone(zone).date() > day
            )
    return closed
