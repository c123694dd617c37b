"""Writing one account's message: its language, the channel it can go by, the words, the hour."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.i18n import format_day_written
from fieldcore.message_rules import MessageRules
from fieldcore.message_templates import written
from fieldcore.messaging import MessageChannel, MessageReason, message_key
from fieldcore.money import money_in_text
from fieldcore.policy import ContactPolicy
from fieldcore.sending_hours import first_moment
from headoffice.compliance.policies import message_rules, policies_in_force, zone_for
from headoffice.compliance.stopped import contact_stopped
from headoffice.messages.opt_outs import opted_out
from headoffice.messages.outbox import Planned
from headoffice.messages.templates import InForce, templates_in_force
from headoffice.store.db import among
from headoffice.store.tables import accounts, messages, settings
from headoffice.work.closing import balance_left

# What a message needs from head office's settings; without them nothing is written, so
# no borrower ever reads "the lender" where its name belongs.
NEEDED_SETTINGS = {"lender.name": "lender", "lender.phone": "lender_phone"}


class MessagesRefused(ValueError):
    """Nothing was planned or sent; the sentence says what to set first."""


@dataclass(frozen=True)
class Borrower:
    """What writing a message needs of one account."""

    account_id: str
    name: str
    address_lines: tuple[str, ...]
    phone: str | None
    email: str | None
    language: str | None
    zone: ZoneInfo
    policy: ContactPolicy
    rules: MessageRules
    currency: str
    overdue_minor: int
    balance_minor: int
    oldest_due_date: date
    closed: bool

    def today(self, now: datetime) -> date:
        """The borrower's own date at `now`."""
        return now.astimezone(self.zone).date()

    def start_of(self, day: date) -> datetime:
        """Midnight at the start of `day` where the borrower lives."""
        return datetime.combine(day, time(0), self.zone)


# What writing a message reads of an account (the whole row is twice the work).
_READ = [
    accounts.c[name]
    for name in (
        "account_id", "borrower_name", "address", "postal_code", "city", "country", "phone",
        "email", "language", "timezone", "currency", "overdue_minor", "oldest_due_date",
        "closed_on",
    )
]  # fmt: skip


class Writer:
    """Writes planned messages for the accounts given to it, as of one moment."""

    def __init__(self, conn: Connection, now: datetime) -> None:
        self.now = now
        self.policies = policies_in_force(conn)
        self.templates: InForce = templates_in_force(conn)
        self.lender = _lender(conn)
        self.borrowers: dict[str, Borrower] = {}
        self.stopped: dict[str, list[str]] = {}
        self.opted: set[tuple[str, str]] = set()
        # The outbox's keys for the loaded accounts: a message queued by an earlier run is
        # not written again (every run of the day finds the same reminders due).
        self.queued: set[str] = set()
        # Why a message was not written, counted: the run's summary says it.
        self.skipped: dict[str, int] = {}
        self._moments: dict[tuple, datetime | None] = {}
        self._rules: dict[tuple, tuple[ContactPolicy, MessageRules, ZoneInfo]] = {}

    def load(self, conn: Connection, account_ids: Iterable[str] | sa.Select) -> None:
        """Read these accounts (ids, or a query of them), their holds, their opt-outs and
        their keys in the outbox, once for the run."""
        wanted = account_ids
        if not isinstance(wanted, sa.Select):
            wanted = sorted(set(wanted) - self.borrowers.keys())
        for among_them in among(accounts.c.account_id, wanted):
            for row in conn.execute(
                sa.select(*_READ, balance_left().label("balance")).where(
                    among_them, accounts.c.erased_on.is_(None)
                )
            ).tuples():
                self.borrowers[row[0]] = self._borrower(*row)
        self.stopped |= contact_stopped(conn, wanted)
        self.opted |= opted_out(conn, wanted)
        for among_them in among(messages.c.account_id, wanted):
            self.queued.update(conn.execute(sa.select(messages.c.key).where(among_them)).scalars())

    def write(
        self,
        account_id: str,
        reason: MessageReason,
        ref: str,
        template: str,
        channels: Sequence[MessageChannel],
        values: dict[str, str],
        due_at: datetime,
        expires_at: datetime | None,
    ) -> Planned | None:
        """The message, or None (counted in `skipped`) when it may not or cannot go."""
        key = message_key(reason, account_id, ref)
        if key in self.queued:
            return None
        borrower = self.borrowers.get(account_id)
        if borrower is None:
            return self._skip("account erased or unknown")
        if account_id in self.stopped:
            return self._skip("account on hold")
        templates = self.templates.for_language(borrower.language)
        for channel in channels:
            to = self._address(borrower, channel)
            if to is None:
                continue
            words = written(templates, template, channel, self._values(borrower) | values)
            if words is None:
                continue
            moment = self._first_moment(borrower, due_at)
            if moment is None or (expires_at is not None and moment >= expires_at):
                return self._skip("no hour the policy allows before it would be pointless")
            return Planned(
                key=key,
                account_id=account_id,
                reason=reason.value,
                ref=ref,
                channel=channel.value,
                language=templates.language,
                templates=InForce.named(templates),
                to_address=to,
                subject=words[0],
                body=words[1],
                due_at=moment,
                expires_at=expires_at,
            )
        return self._skip("no channel: no address, or opted out")

    def money(self, borrower: Borrower, minor: int) -> str:
        """An amount in the borrower's currency, as their language writes it in a sentence."""
        return _money(minor, borrower.currency, borrower.language or "en")

    def day(self, borrower: Borrower, day: date) -> str:
        """A date as a letter in the borrower's language writes it."""
        return _day(day, borrower.language or "en")

    def _borrower(
        self,
        account_id: str,
        name: str,
        address: str | None,
        postal_code: str | None,
        city: str | None,
        country: str | None,
        phone: str | None,
        email: str | None,
        language: str | None,
        timezone: str | None,
        currency: str,
        overdue_minor: int,
        oldest_due_date: date,
        closed_on: date | None,
        balance: int,
    ) -> Borrower:
        # The columns of _READ and the balance, in order: a Row's attributes cost a
        # lookup each, a hundred thousand rows a run.
        policy, rules, zone = self._rules_of(country, timezone)
        place = " ".join(p for p in (postal_code, city) if p)
        return Borrower(
            account_id,
            name,
            tuple(p for p in (address, place, country) if p),
            phone or None,
            email or None,
            language,
            zone,
            policy,
            rules,
            currency,
            overdue_minor,
            max(0, balance),
            oldest_due_date,
            closed_on is not None,
        )

    def _rules_of(
        self, country: str | None, timezone: str | None
    ) -> tuple[ContactPolicy, MessageRules, ZoneInfo]:
        # A portfolio has a few countries and zones: each pair is looked up once a run.
        key = (country, timezone)
        if key not in self._rules:
            policy = self.policies.for_country(country)
            rules = message_rules(self.policies, country)
            self._rules[key] = (policy, rules, zone_for(policy, timezone, None))
        return self._rules[key]

    def _first_moment(self, borrower: Borrower, due_at: datetime) -> datetime | None:
        # Most messages of a run share a policy, a zone and a due moment (a day's start).
        policy = borrower.policy
        key = (policy.jurisdiction, policy.version, borrower.zone.key, due_at)
        if key not in self._moments:
            self._moments[key] = first_moment(policy, due_at, borrower.zone)
        return self._moments[key]

    def _address(self, borrower: Borrower, channel: MessageChannel) -> str | None:
        if (borrower.account_id, channel.value) in self.opted:
            return None
        if channel is MessageChannel.EMAIL:
            return borrower.email
        if channel is MessageChannel.SMS:
            return borrower.phone
        return "\n".join(borrower.address_lines) if borrower.address_lines else None

    def _values(self, borrower: Borrower) -> dict[str, str]:
        return self.lender | {"name": borrower.name, "account": borrower.account_id}

    def _skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def expiry(borrower: Borrower, day: date) -> datetime:
    """The end of `day` where the borrower lives: the moment a message about it goes stale."""
    return borrower.start_of(day + timedelta(days=1))


def _lender(conn: Connection) -> dict[str, str]:
    found = dict(conn.execute(sa.select(settings.c.key, settings.c.value)).all())
    missing = [key for key in NEEDED_SETTINGS if not found.get(key)]
    if missing:
        commands = "; ".join(f'headoffice settings set {key} "..."' for key in missing)
        raise MessagesRefused(
            f"messages name the lender and its phone number, and {', '.join(missing)} "
            f"is not set: {commands}"
        )
    values = {name: found[key] for key, name in NEEDED_SETTINGS.items()}
    return values | {"lender_address": found.get("lender.address", "")}


@lru_cache(maxsize=65536)
def _money(minor: int, currency: str, language: str) -> str:
    # Many messages name the same amounts: Babel's formatting is the slow part of writing.
    return money_in_text(minor, currency, language)


@lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    return format_day_written(day, language)
