"""The contact policies in force at head office, and the borrower's time zone under one."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from content import shipped_policies
from fieldcore.keeping import Limitation, Retention
from fieldcore.message_rules import MessageRules
from fieldcore.policy import ContactPolicy, Policies, newest_policies, read_policies
from fieldcore.stages import zone_of
from headoffice.store.tables import content


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


def zone_for(
    policy: ContactPolicy, account_zone: str | None, collector_zone: str | None
) -> ZoneInfo:
    """The borrower's zone, else the country's main zone, else the collector's: as the laptop."""
    return zone_of(account_zone or policy.timezone or collector_zone)


def limitation_rule(policies: Policies, country: str | None) -> Limitation:
    """The limitation period for an account of `country`.

    From the policy in force; a policy published before policies had one falls back on the
    shipped policy of its jurisdiction, then on the shipped default (which always has it).
    """
    policy = policies.for_country(country)
    found = policy.limitation or _shipped_rule(policy.jurisdiction, "limitation")
    assert isinstance(found, Limitation)
    return found


def retention_rule(policies: Policies, country: str | None) -> Retention:
    """How long a closed account of `country` keeps its personal data (as limitation_rule)."""
    policy = policies.for_country(country)
    found = policy.retention or _shipped_rule(policy.jurisdiction, "retention")
    assert isinstance(found, Retention)
    return found


def message_rules(policies: Policies, country: str | None) -> MessageRules:
    """What head office sends by itself to a borrower of `country` (as limitation_rule)."""
    policy = policies.for_country(country)
    found = policy.messages or _shipped_rule(policy.jurisdiction, "messages")
    assert isinstance(found, MessageRules)
    return found


def _shipped_rule(jurisdiction: str, key: str) -> Limitation | Retention | MessageRules:
    shipped = {policy.jurisdiction: policy for policy in _shipped()}
    own = shipped.get(jurisdiction)
    return getattr(own, key, None) or getattr(shipped["default"], key)
