"""May this person be contacted on this channel now? One pure function over the policy.

`decide()` answers allowed, or blocked with every rule that blocks (a rule id and a
sentence the collector understands), and when contact next becomes allowed if it
will. The laptop asks it for the route, the visit and the outcome; head office asks
it again for every pushed outcome with every collector's attempts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from fieldcore import contact_words as sentences
from fieldcore.closed_days import ClosedDay, holiday_name
from fieldcore.i18n import LOCALES, format_day, format_time, translated
from fieldcore.i18n import language as current_language
from fieldcore.labels import LABELS
from fieldcore.policy import Allowed, Channel, ContactPolicy


class HoldReason(StrEnum):
    """Why head office stopped contact with an account."""

    CEASE = "cease"
    ATTORNEY = "attorney"
    DISPUTE = "dispute"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    VULNERABLE = "vulnerable"
    # Sent to court or to a collection agency: out of the field (headoffice refer).
    REFERRED = "referred"
    # Keeps the account's records from erasure (a lawsuit, a regulator's inquiry). It is
    # about data, not contact: it stops no contact, and laptops are never sent it.
    LEGAL_HOLD = "legal_hold"


class NoticeKind(StrEnum):
    """Written notices a policy can ask for."""

    VISIT_NOTICE = "visit_notice"
    COLLECTION_WARNING = "collection_warning"
    REMINDER = "reminder"


@dataclass(frozen=True)
class Attempt:
    """One contact tried: when, how, with whom (`role`), and whether anyone answered."""

    at: datetime
    channel: Channel
    role: str = "borrower"
    answered: bool = False


@dataclass(frozen=True)
class Notice:
    """A written notice sent to the borrower (visit_notice, collection_warning, reminder)."""

    kind: str
    sent_on: date


@dataclass(frozen=True)
class Hold:
    reason: HoldReason
    since: date | None = None


@dataclass(frozen=True)
class Block:
    """One rule that forbids the contact: its id, its sentence and the facts in it.

    `until` is when this rule stops blocking (None: not by the passing of time).
    """

    rule: str
    words: str
    facts: dict = field(default_factory=dict)
    until: datetime | None = None

    def said(self, language: str | None = None) -> str:
        """The sentence in `language`: the UI's unless named (head office keeps English)."""
        spoken = language or current_language()
        facts = {key: _shown(value, spoken) for key, value in self.facts.items()}
        return translated(self.words, spoken).format(**facts)


@dataclass(frozen=True)
class Decision:
    """Allowed, or the rules that block; when it next becomes allowed, in the borrower's time."""

    at: datetime
    blocks: tuple[Block, ...]
    next_allowed: datetime | None = None

    @property
    def allowed(self) -> bool:
        return not self.blocks


# Enough steps for a week of closed days, holidays and caps to fall away one by one.
_MOST_STEPS = 64


def decide(
    policy: ContactPolicy,
    channel: Channel | str,
    role: str,
    at: datetime,
    zone: ZoneInfo,
    attempts: Sequence[Attempt] = (),
    notices: Iterable[Notice] = (),
    holds: Iterable[Hold] = (),
) -> Decision:
    """Whether `role` may be contacted by `channel` at `at` (aware), judged in `zone`.

    Only attempts before `at` count. The next allowed moment is searched forward
    from the blocks' own ends; none when a block does not end with time.
    """
    channel = Channel(channel)
    notices, holds = tuple(notices), tuple(holds)
    blocks = _blocks(policy, channel, role, at, zone, attempts, notices, holds)
    if not blocks:
        return Decision(at=at, blocks=())
    moment, current = at, blocks
    for _step in range(_MOST_STEPS):
        ends = [block.until for block in current]
        if any(end is None for end in ends):
            return Decision(at=at, blocks=blocks)
        moment = max(max(ends), moment + timedelta(minutes=1))
        current = _blocks(policy, channel, role, moment, zone, attempts, notices, holds)
        if not current:
            return Decision(at=at, blocks=blocks, next_allowed=moment.astimezone(zone))
    return Decision(at=at, blocks=blocks)


def _blocks(
    policy: ContactPolicy,
    channel: Channel,
    role: str,
    at: datetime,
    zone: ZoneInfo,
    attempts: Sequence[Attempt],
    notices: tuple[Notice, ...],
    holds: tuple[Hold, ...],
) -> tuple[Block, ...]:
    local = at.astimezone(zone)
    earlier = [a for a in attempts if a.at < at]
    # An attorney hold leaves one person to talk to: the attorney. A legal hold keeps
    # records and stops no contact.
    found: list[Block] = [
        Block(f"hold.{hold.reason.value}", sentences.HOLDS[hold.reason])
        for hold in holds
        if not (hold.reason is HoldReason.ATTORNEY and role == "attorney")
        and hold.reason is not HoldReason.LEGAL_HOLD
    ]
    found += _role_blocks(policy, role, earlier)
    found += _window_blocks(policy, channel, local, zone)
    if channel is Channel.VISIT and policy.visit_notice is not None:
        found += _notice_blocks(policy.visit_notice.days_before, local, notices, zone)
    found += _cap_blocks(policy, channel, role, local, zone, earlier)
    found += _cool_down_blocks(policy, channel, role, local, zone, earlier)
    return tuple(found)


def _role_blocks(policy: ContactPolicy, role: str, earlier: list[Attempt]) -> list[Block]:
    allowed = policy.allowed(role)
    if allowed is Allowed.NONE:
        return [Block("role.never", sentences.NEVER, {"role": Code(role)})]
    if allowed is Allowed.LOCATE_ONCE and any(a.role == role and a.answered for a in earlier):
        return [Block("role.once", sentences.ONCE, {"role": Code(role)})]
    if allowed is Allowed.AFTER_UNREACHABLE:
        missed = sum(1 for a in earlier if a.role == "borrower" and not a.answered)
        if missed < policy.unreachable_after:
            facts = {"role": Code(role), "most": policy.unreachable_after, "count": missed}
            return [Block("role.unreachable", sentences.UNREACHABLE, facts)]
    return []


def _window_blocks(
    policy: ContactPolicy, channel: Channel, local: datetime, zone: ZoneInfo
) -> list[Block]:
    found = []
    window = policy.window(channel, local.weekday())
    if window is None:
        found.append(
            Block(
                "window.day",
                sentences.NO_DAY[channel],
                {"weekday": _weekday(local.date())},
                _next_opening(policy, channel, local, zone),
            )
        )
    elif not window.start <= local.time() < window.end:
        facts = {
            "start": window.start,
            "end": window.end,
            "weekday": _weekday(local.date()),
        }
        found.append(
            Block(
                "window.hours",
                sentences.HOURS[channel],
                facts,
                _next_opening(policy, channel, local, zone),
            )
        )
    rules = policy.holidays
    if rules is not None and channel in rules.channels:
        name = holiday_name(rules.country, tuple(rules.extra), local.date())
        if name is not None:
            facts = {"day": local.date(), "name": name}
            found.append(
                Block("holiday", sentences.HOLIDAY[channel], facts, _midnight_after(local, zone))
            )
    return found


def _notice_blocks(
    days_before: int, local: datetime, notices: tuple[Notice, ...], zone: ZoneInfo
) -> list[Block]:
    sent = [n.sent_on for n in notices if n.kind == "visit_notice" and n.sent_on <= local.date()]
    if not sent:
        return [Block("notice.missing", sentences.NO_NOTICE, {"days": days_before})]
    first_day = min(sent) + timedelta(days=days_before)  # the first to come of age
    if any(day + timedelta(days=days_before) <= local.date() for day in sent):
        return []
    return [
        Block(
            "notice.recent",
            sentences.RECENT_NOTICE,
            {"sent": min(sent), "day": first_day},
            datetime.combine(first_day, time(0), zone),
        )
    ]


def _cap_blocks(
    policy: ContactPolicy,
    channel: Channel,
    role: str,
    local: datetime,
    zone: ZoneInfo,
    earlier: list[Attempt],
) -> list[Block]:
    found = []
    mine = [a for a in earlier if a.channel == channel and a.role == role]
    for cap in policy.caps:
        if cap.channel != channel:
            continue
        kind = [a for a in mine if _counts(cap.counts, a)]
        if cap.days is not None:
            since = local - timedelta(days=cap.days)
            counted = sorted(a.at for a in kind if a.at > since)
        else:
            counted = sorted(a.at for a in kind if a.at.astimezone(zone).date() == local.date())
        if len(counted) < cap.most:
            continue
        rule, facts = f"cap.{channel}.{cap.counts}", {"count": len(counted), "most": cap.most}
        if cap.days is not None:
            # Allowed again once enough of the counted attempts have left the window.
            until = counted[len(counted) - cap.most] + timedelta(days=cap.days)
            words = sentences.CAP_DAYS[channel, cap.counts]
            found.append(Block(rule, words, facts | {"days": cap.days}, until))
        else:
            words = sentences.CAP_DAY[channel, cap.counts]
            found.append(Block(rule, words, facts, _midnight_after(local, zone)))
    return found


def _cool_down_blocks(
    policy: ContactPolicy,
    channel: Channel,
    role: str,
    local: datetime,
    zone: ZoneInfo,
    earlier: list[Attempt],
) -> list[Block]:
    found = []
    for rule in policy.cool_downs:
        if rule.channel != channel:
            continue
        talks = [a.at for a in earlier if a.channel == channel and a.role == role and a.answered]
        if not talks:
            continue
        last = max(talks)
        until = last + timedelta(days=rule.days)
        if local < until:
            facts = {"day": last.astimezone(zone).date(), "until": until.astimezone(zone)}
            found.append(Block(f"cooldown.{channel}", sentences.COOL_DOWN[channel], facts, until))
    return found


def _counts(counts: str, attempt: Attempt) -> bool:
    if counts == "unanswered":
        return not attempt.answered
    if counts == "conversations":
        return attempt.answered
    return True


def _next_opening(
    policy: ContactPolicy, channel: Channel, local: datetime, zone: ZoneInfo
) -> datetime | None:
    """The start of the next window after `local`; None when the channel has none at all."""
    for ahead in range(8):
        day = local.date() + timedelta(days=ahead)
        window = policy.window(channel, day.weekday())
        if window is None:
            continue
        opening = datetime.combine(day, window.start, zone)
        if opening > local:
            return opening
    return None


def _midnight_after(local: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(local.date() + timedelta(days=1), time(0), zone)


def _weekday(day: date) -> _Weekday:
    return _Weekday(day.year, day.month, day.day)


class Code(str):
    """A code shown by its word (a role, a channel)."""


class _Weekday(date):
    """A day shown by its weekday's name."""


def _shown(value: object, language: str) -> str:
    from babel.dates import format_date

    if isinstance(value, Code):
        code = str(value)
        return translated(LABELS[code], language).lower() if code in LABELS else code
    if isinstance(value, ClosedDay):
        return value.name(language)
    if isinstance(value, _Weekday):
        return format_date(value, "EEEE", locale=LOCALES[language])
    if isinstance(value, datetime):
        return f"{format_day(value.date(), language)} {format_time(value, language)}"
    if isinstance(value, date):
        return format_day(value, language)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return str(value)
