"""Whether an account may be contacted now, judged on the laptop from what it holds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fieldapp.content import policies, policy
from fieldapp.store import Store
from fieldcore.attempts import attempt_of, judge_contact
from fieldcore.contact import (
    Attempt,
    Decision,
    Hold,
    HoldReason,
    Notice,
    decide,
)
from fieldcore.policy import Channel, ContactPolicy
from fieldcore.stages import zone_of
from fieldcore.stops import RouteStop, VisitMark


@dataclass(frozen=True)
class ContactCheck:
    """The decision, with the policy it was judged by and the borrower's time zone."""

    decision: Decision
    policy: ContactPolicy
    zone: ZoneInfo


@dataclass(frozen=True)
class ContactFacts:
    """What the laptop knows of an account's contact: its policy, zone, attempts, holds."""

    policy: ContactPolicy
    zone: ZoneInfo
    attempts: list[Attempt]
    notices: list[Notice]
    holds: list[Hold]


def contact_facts(store: Store, account_id: str) -> ContactFacts:
    """The account's policy and zone, with every attempt, notice and hold this laptop knows.

    The attempts are this laptop's outcomes and head office's history of the
    account; the holds and notices are head office's, as last pulled. Raises
    VisitNotFound for an account that is not on this laptop.
    """
    account = store.account(account_id)
    rules = policy(store.published_content(), account.country)
    state = store.contact_states([account_id])[account_id]
    return _facts(rules, _zone(rules, account.timezone, store.setting("timezone")), state)


def _zone(rules: ContactPolicy, account_zone: str | None, collector_zone: str | None) -> ZoneInfo:
    # The borrower's zone, else the country's main zone, else the collector's.
    return zone_of(account_zone or rules.timezone or collector_zone)


def _facts(rules: ContactPolicy, zone: ZoneInfo, state: dict[str, list[dict]]) -> ContactFacts:
    attempts = []
    for row in state["attempts"]:
        # Our own rows, checked when saved or pulled: read plainly (a route reads thousands).
        details = json.loads(row["details"] or "{}")
        happened = details.get("happened_at")
        attempts.append(
            attempt_of(
                row["outcome"],
                datetime.fromisoformat(happened or row["recorded_at"]),
                details.get("channel") or Channel.VISIT,
                details.get("contact_who"),
                details.get("role"),
            )
        )
    holds = [Hold(HoldReason(h["reason"]), date.fromisoformat(h["since"])) for h in state["holds"]]
    # A dispute recorded here holds the account at once; head office's hold follows at sync
    # (and only head office releases it).
    if not any(h.reason is HoldReason.DISPUTE for h in holds) and any(
        row["outcome"] == "dispute" and row["unsent"] for row in state["attempts"]
    ):
        holds.append(Hold(HoldReason.DISPUTE))
    notices = [Notice(n["kind"], date.fromisoformat(n["sent_on"])) for n in state["notices"]]
    return ContactFacts(rules, zone, attempts, notices, holds)


def mark_route(
    store: Store, stops: list[RouteStop], at: datetime | None = None
) -> dict[str, VisitMark]:
    """For each stop to do (by visit id): may it be visited now, from when, or what forbids it.

    Today's stops are judged now; a later day's from the start of that day, so
    they say when the day's visiting opens. Done and past stops get no mark.
    """
    waiting = [s for s in stops if s.status == "to do"]
    if not waiting:
        return {}
    every = policies(store.published_content())
    moment = at or store.now()
    # Only attempts inside the longest cap or cool-down can block the borrower's visit.
    horizon = max(_horizon_days(rules) for rules in every.by_jurisdiction.values())
    states = store.contact_states(
        sorted({s.account_id for s in waiting}), since=moment - timedelta(days=horizon + 2)
    )
    collector_zone = store.setting("timezone")
    facts: dict[str, ContactFacts] = {}
    starts: dict[tuple[date, str], datetime | None] = {}
    marks: dict[str, VisitMark] = {}
    same: dict[tuple, VisitMark] = {}
    for stop in waiting:
        known = facts.get(stop.account_id)
        if known is None:
            rules = every.for_country(stop.country)
            zone = _zone(rules, stop.timezone, collector_zone)
            known = facts[stop.account_id] = _facts(rules, zone, states[stop.account_id])
        key = (stop.visit_date, known.zone.key)
        if key not in starts:
            opening = datetime.combine(stop.visit_date, time(0), known.zone)
            past = stop.visit_date < moment.astimezone(known.zone).date()
            starts[key] = None if past else max(moment, opening)
        when = starts[key]
        if when is None:
            continue
        # Accounts with no recent attempt and the same policy, zone, notices and holds
        # are judged alike: most of a day's route is decided once per kind of stop.
        alike = None
        if not known.attempts:
            notices, holds = tuple(known.notices), tuple(known.holds)
            alike = (known.policy.jurisdiction, known.zone.key, when, notices, holds)
        mark = same.get(alike) if alike else None
        if mark is None:
            decision = decide(
                known.policy,
                Channel.VISIT,
                "borrower",
                when,
                known.zone,
                known.attempts,
                known.notices,
                known.holds,
            )
            blocks = tuple(block.rule for block in decision.blocks)
            mark = VisitMark(blocks, decision.next_allowed) if blocks else _OPEN
            if alike:
                same[alike] = mark
        marks[stop.visit_id] = mark
    return marks


_OPEN = VisitMark()


def check_contact(
    store: Store,
    account_id: str,
    channel: Channel | str,
    role: str = "borrower",
    at: datetime | None = None,
) -> ContactCheck:
    """Judge a contact by the account's policy, with every attempt this laptop knows of.

    `at` defaults to now; without an offset it is the borrower's local time.
    """
    facts = contact_facts(store, account_id)
    moment = at or store.now()
    if moment.tzinfo is None:
        # A moment without an offset is the borrower's wall clock.
        moment = moment.replace(tzinfo=facts.zone)
    decision = decide_with(facts, channel, role, moment)
    return ContactCheck(decision=decision, policy=facts.policy, zone=facts.zone)


def decide_with(facts: ContactFacts, channel: Channel | str, role: str, at: datetime) -> Decision:
    """The decision for one contact, from facts already read (a screen asks for several)."""
    return decide(
        facts.policy, channel, role, at, facts.zone, facts.attempts, facts.notices, facts.holds
    )


def judge_recorded(
    facts: ContactFacts, outcome: str, attempt: Attempt, disclosure_given: bool
) -> Decision:
    """Was the contact an outcome records allowed, by the policy and what the laptop knows."""
    return judge_contact(
        facts.policy,
        outcome,
        attempt,
        facts.zone,
        facts.attempts,
        facts.notices,
        facts.holds,
        disclosure_given,
    )


def _horizon_days(rules: ContactPolicy) -> int:
    spans = [cap.days or 1 for cap in rules.caps] + [rule.days for rule in rules.cool_downs]
    return max(spans, default=1)
