"""Whether an account may be contacted now, judged on the laptop from what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fieldapp.content import policy
from fieldapp.store import Store
from fieldcore.contact import Decision, Hold, HoldReason, attempt_of, decide
from fieldcore.policy import Channel, ContactPolicy
from fieldcore.stages import zone_of


@dataclass(frozen=True)
class ContactCheck:
    """The decision, with the policy it was judged by and the borrower's time zone."""

    decision: Decision
    policy: ContactPolicy
    zone: ZoneInfo


def check_contact(
    store: Store,
    account_id: str,
    channel: Channel | str,
    role: str = "borrower",
    at: datetime | None = None,
) -> ContactCheck:
    """Judge a contact by the account's policy, with every attempt this laptop knows of.

    `at` defaults to now; without an offset it is the borrower's local time.
    The attempts are this laptop's outcomes and head office's history of the account;
    a dispute among them holds the account (head office releases it). Raises
    VisitNotFound for an account that is not on this laptop.
    """
    account = store.account(account_id)
    rules = policy(store.published_content(), account.country)
    # The borrower's zone, else the country's main zone, else the collector's.
    zone = zone_of(account.timezone or rules.timezone or store.setting("timezone"))
    # A moment without an offset is the borrower's wall clock.
    moment = at or store.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    earlier = store.outcomes_for_account(account_id)
    attempts = [
        attempt_of(o.outcome, o.recorded_at, Channel.VISIT, o.details.contact_who) for o in earlier
    ]
    holds = [Hold(HoldReason.DISPUTE)] if any(o.outcome == "dispute" for o in earlier) else []
    decision = decide(rules, channel, role, moment, zone, attempts, holds=holds)
    return ContactCheck(decision=decision, policy=rules, zone=zone)
