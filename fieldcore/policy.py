"""The contact policy as data, one per jurisdiction: windows, holidays, caps, roles, notices."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import time
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fieldcore.keeping import HEAD_OFFICE_ONLY, Limitation, Retention
from fieldcore.message_rules import MessageRules
from fieldcore.stages import zone_of
from fieldcore.text import Line


class Allowed(StrEnum):
    """What a person other than the borrower may be contacted for, if at all."""

    DISCUSS = "discuss"  # may discuss the debt
    LOCATE = "locate"  # may only be asked where the borrower can be reached
    LOCATE_ONCE = "locate_once"  # as locate, and only once
    AFTER_UNREACHABLE = "after_unreachable"  # locate, once the borrower proved unreachable
    NONE = "none"  # never


class Channel(StrEnum):
    VISIT = "visit"
    PHONE = "phone"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPAN = re.compile(r"(?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)")


class Window(BaseModel):
    """From `start` until `end` on one day, in the borrower's local time ("08:00-21:00")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            found = _SPAN.fullmatch(value.strip())
            if not found:
                raise ValueError(f"{value!r} is not a window written like 08:00-21:00")
            return found.groupdict()
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError("a window ends after it starts")
        return self

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class Cap(BaseModel):
    """At most `most` contacts of one kind in a rolling window, per person, account, channel.

    `counts`: every attempt, the unanswered ones, or the conversations. `days`: a
    rolling window of that many days back from the moment; `per: "day"` counts the
    borrower's calendar day instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Channel
    counts: Literal["attempts", "unanswered", "conversations"]
    most: int = Field(ge=1, le=1000)
    days: int | None = Field(None, ge=1, le=366)
    per: Literal["day"] | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_window(self) -> Cap:
        if (self.days is None) == (self.per is None):
            raise ValueError('a cap counts over `days` or `per = "day"`, one of the two')
        return self


class CoolDown(BaseModel):
    """After a conversation with the borrower, no `channel` contact for `days`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Channel
    days: int = Field(ge=1, le=90)
    source: str = ""


class VisitNotice(BaseModel):
    """A home visit needs a written notice sent at least `days_before` days earlier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days_before: int = Field(ge=0, le=60)
    source: str = ""


class Disclosures(BaseModel):
    """What the collector says at a first contact and at every later one, per language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: dict[str, Annotated[str, Field(min_length=1, max_length=600)]]
    later: dict[str, Annotated[str, Field(min_length=1, max_length=600)]]
    source: str = ""


class DebtAdvice(BaseModel):
    """Where a borrower in hardship gets free debt advice in this jurisdiction, per language.

    The hardship script reads it out as {debt_advice}: a referral, never pressure, is
    what a borrower who cannot pay is owed, and it names services of the borrower's
    country, whatever language the script is in.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: dict[str, Annotated[Line, Field(min_length=1, max_length=600)]] = Field(min_length=1)
    source: str = ""

    def said_in(self, language: str) -> str:
        """The advice in `language`, else in English, else in any language it has."""
        return self.text.get(language) or self.text.get("en") or next(iter(self.text.values()))


class Holidays(BaseModel):
    """No contact on the channels named on the country's public holidays and the fixed days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Z]{2}$")
    channels: list[Channel]
    # Days the law names beside the public holidays, as MM-DD (24 December: "12-24").
    extra: list[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]] = []
    source: str = ""


class ContactPolicy(BaseModel):
    """One jurisdiction's rules, as in content/policy/<jurisdiction>.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str = Field(pattern=r"^[a-z]{2,20}$")
    version: int = Field(ge=1)
    # The country's main time zone: the borrower's, when the account names none.
    timezone: str | None = None
    longest_promise_days: int = Field(30, ge=1, le=365)
    # The lender's longest payment plan agreed at the door; longer ones go to head office.
    longest_plan_months: int = Field(24, ge=1, le=120)
    # A visit recorded farther than this from the address goes to a supervisor.
    visit_distance_m: int = Field(500, ge=50, le=50_000)
    # Working days cash may stay with a collector before it is paid in at the bank.
    cash_deposit_days: int = Field(2, ge=0, le=30)
    # Days a laptop may go without reaching head office before its borrower data locks:
    # a lost laptop stops showing borrowers even if nobody revokes it.
    offline_lock_days: int = Field(14, ge=1, le=90)
    # Minutes without a key or a click before the app locks and asks for the PIN again.
    idle_lock_minutes: int = Field(5, ge=1, le=60)
    windows: dict[Channel, dict[Weekday, Window]]
    holidays: Holidays | None = None
    caps: list[Cap] = []
    cool_downs: list[CoolDown] = []
    roles: dict[str, Allowed]
    # A third party may be asked only once this many unanswered attempts at the borrower
    # are on record (for `after_unreachable`).
    unreachable_after: int = Field(3, ge=1, le=100)
    visit_notice: VisitNotice | None = None
    disclosures: Disclosures | None = None
    debt_advice: DebtAdvice | None = None
    forbidden_phrases: dict[str, list[Annotated[str, Field(min_length=2, max_length=200)]]] = {}
    # Head office's alone (HEAD_OFFICE_ONLY): when a claim expires, and how long a closed
    # account's personal data is kept. Left out of what laptops are sent.
    limitation: Limitation | None = None
    retention: Retention | None = None
    # What head office sends by itself (reminders, notices, receipts), also its alone.
    messages: MessageRules | None = None

    @model_validator(mode="before")
    @classmethod
    def _version_one(cls, data: object) -> object:
        # Policies published before windows per weekday had one daily span for every
        # channel and a weekly count of visits; they read as that, so none is lost.
        if not isinstance(data, dict) or "contact_hours" not in data:
            return data
        data = dict(data)
        hours = data.pop("contact_hours")
        span = {"start": hours["start"], "end": hours["end"]} if isinstance(hours, dict) else hours
        data.setdefault("windows", {channel: dict.fromkeys(WEEKDAYS, span) for channel in Channel})
        weekly = data.pop("attempts_per_week", 3)
        data.setdefault(
            "caps", [{"channel": "visit", "counts": "attempts", "most": weekly, "days": 7}]
        )
        return data

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and zone_of(value).key != value:
            raise ValueError(f"{value!r} is not a time zone (like Europe/Copenhagen)")
        return value

    def allowed(self, role: str) -> Allowed:
        """What a role may be contacted for; anyone not listed may not be contacted."""
        return self.roles.get(role, Allowed.NONE)

    def window(self, channel: Channel, weekday: int) -> Window | None:
        """The window on a weekday (0 is Monday); None: no contact that day."""
        return self.windows.get(channel, {}).get(WEEKDAYS[weekday])


def published_body(policy: ContactPolicy) -> str:
    """The policy as published: the head-office keys only when set, so a policy without them
    publishes the same text as before they existed."""
    unset = {key for key in HEAD_OFFICE_ONLY if getattr(policy, key) is None}
    return policy.model_dump_json(exclude=unset)


def for_laptops(body: str) -> str:
    """A published policy body without the keys only head office reads.

    A laptop of an earlier protocol refuses a policy with keys it does not know (and would
    fall back to its shipped one), so none of these ever reaches a laptop.
    """
    try:
        found = json.loads(body)
    except ValueError:
        return body
    if not isinstance(found, dict) or not any(key in found for key in HEAD_OFFICE_ONLY):
        return body
    for key in HEAD_OFFICE_ONLY:
        found.pop(key, None)
    return json.dumps(found, ensure_ascii=False, separators=(",", ":"))


def newest_policies(defaults: Iterable[ContactPolicy], published: Iterable[str]) -> Policies:
    """Per jurisdiction, the published policy (JSON bodies) of the highest version, else
    the shipped one.

    The laptop chooses from what it pulled, head office from what it published:
    the same choice, so both judge by the same rules.
    """
    chosen = {policy.jurisdiction: policy for policy in defaults}
    for body in published:
        try:
            candidate = ContactPolicy.model_validate(json.loads(body))
        except (ValueError, RecursionError):
            # Publishing checks every policy; a body that still cannot be read is
            # no policy at all, and both ends then judge by the shipped one alike.
            continue
        known = chosen.get(candidate.jurisdiction)
        if known is None or candidate.version >= known.version:
            chosen[candidate.jurisdiction] = candidate
    return Policies(chosen)


class Policies:
    """The policies in force, by jurisdiction; an account's comes from its country."""

    def __init__(self, by_jurisdiction: Mapping[str, ContactPolicy]) -> None:
        if "default" not in by_jurisdiction:
            raise ValueError("the policies need a default")
        self.by_jurisdiction = dict(by_jurisdiction)

    def for_country(self, country: str | None) -> ContactPolicy:
        """The country's policy (DK -> dk), else the default."""
        if country:
            found = self.by_jurisdiction.get(country.lower())
            if found is not None:
                return found
        return self.by_jurisdiction["default"]

    @property
    def default(self) -> ContactPolicy:
        return self.by_jurisdiction["default"]


def newest_policy(default: ContactPolicy, published: Iterable[str]) -> ContactPolicy:
    """The default jurisdiction's policy in force (for callers that judge no account)."""
    return newest_policies([default], published).default


def read_policies(tables: Iterable[Mapping]) -> list[ContactPolicy]:
    """Policies from their read TOML (the shipped files); a bad one is a bug, and raises."""
    return [ContactPolicy.model_validate(table) for table in tables]
