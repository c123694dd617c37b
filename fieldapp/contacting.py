"""Whether an account may be contacted now, judged on the laptop from what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fieldapp.content import policy
from fieldapp.store import Store
from fieldcore.contact import Decision, Hold, HoldReason, Notice, attempt_of, decide
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
    the holds and notices are head office's, as last pulled. Raises
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
    held, sent = store.contact_state(account_id)
    holds = [Hold(HoldReason(h["reason"]), date.fromisoformat(h["since"])) for h in held]
    # A dispute recorded here holds the account at once; head office's hold follows at sync
    # (and only head office releases it).
    if not any(h.reason is HoldReason.DISPUTE for h in holds) and any(
        o.outcome == "dispute" and not o.synced for o in earlier
    ):
        holds.append(Hold(HoldReason.DISPUTE))
    notices = [Notice(n["kind"], date.fromisoformat(n["sent_on"])) for n in sent]
    decision = decide(rules, channel, role, moment, zone, attempts, notices, holds)
    return ContactCheck(decision=decision, policy=rules, zone=zone)
