"""A review item's facts in words: English for the API, the supervisor's language in the console."""

from __future__ import annotations

from fieldcore.contact_words import rule_name
from fieldcore.i18n import N_, format_day, language, translated
from fieldcore.labels import LABELS, MESSAGE_CHANNELS, MESSAGE_REASONS
from fieldcore.money import money_in_text
from headoffice.wire import ReviewFacts, ReviewItemWire

_NO_REASON = N_("no reason given")
_UNDELIVERED = N_("The {message} by {channel} could not be delivered: {why}")
_NO_PLAN = N_("no plan proposed")
_AFFORDS = N_("Their statement leaves {left} a month; an instalment they can keep: {amount}.")
_NO_ROOM = N_("Their statement leaves nothing a month to pay from.")
_LEAVES = N_("Their statement leaves {left} a month.")
_PLAN = N_("asks to pay {amount} a month for {months} months.")
_LATE = N_("“{outcome}” arrived after the visit was recalled or moved")
_CONFLICT = N_("{field}: the collector wrote {value}, head office has {server} (it was {base})")
_LEGAL = N_(
    "{days} days past due, {overdue} overdue, {count} promise(s) or instalment(s) not kept "
    "in full, the last due {day}"
)
_EMPTY = N_("(empty)")
_MOVED = N_("now lives at {address}.")
_NO_ADDRESS = N_("no new address given")
_DECEASED = N_("reported deceased at the door")
_HELD = N_("{amount} in cash still held, the oldest taken {day} ({days} working days ago)")
_SHORT = N_("the deposit of {day} fell short of the cash taken before it by {amount}")
_FAR = N_("“{outcome}” recorded {away} from the address")
_OVERRIDDEN = N_("{channel} against the contact policy ({rules}); the collector's reason: {why}")
_LIMITATION = N_("the claim expires on {day}, in {days} days ({source})")
_FOUND = N_("{channel} against the contact policy ({rules}), found at head office")


def review_summary(kind: str, facts: ReviewFacts, language: str = "en") -> str:
    """What the item is about, in `language`; the borrower's own words are kept as written."""

    def say(text: str) -> str:
        return translated(text, language)

    def word(code: str | None) -> str:
        return say(LABELS[code]) if code in LABELS else (code or "")

    def money(minor: int) -> str:
        return money_in_text(minor, facts.currency or "", language)

    if kind == "dispute":
        return facts.reason or say(_NO_REASON)
    if kind == "hardship":
        plan = ""
        if facts.instalment_minor and facts.term_months:
            plan = say(_PLAN).format(amount=money(facts.instalment_minor), months=facts.term_months)
        afford = ""
        left = facts.surplus_minor or 0
        if facts.statement is not None and left <= 0:
            afford = say(_NO_ROOM)
        elif facts.statement is not None and facts.affordable_minor:
            afford = say(_AFFORDS).format(left=money(left), amount=money(facts.affordable_minor))
        elif facts.statement is not None:
            # Something is left, but no instalment to propose: nothing is outstanding now,
            # or less than one whole unit a month is.
            afford = say(_LEAVES).format(left=money(left))
        return " ".join(filter(None, [plan, afford, facts.note])) or say(_NO_PLAN)
    if kind == "moved":
        moved = say(_MOVED).format(address=facts.new_address) if facts.new_address else ""
        return " ".join(filter(None, [moved, facts.note])) or say(_NO_ADDRESS)
    if kind == "deceased":
        return facts.note or say(_DECEASED)
    if kind == "location":
        metres = facts.distance_m or 0
        away = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres} m"
        return say(_FAR).format(outcome=word(facts.outcome), away=away)
    if kind == "cash":
        held = money(facts.cash_minor or 0)
        day = format_day(facts.since, language) if facts.since else ""
        if facts.short:
            return say(_SHORT).format(amount=held, day=day)
        return say(_HELD).format(amount=held, day=day, days=facts.days_past_due)
    if kind == "late":
        return say(_LATE).format(outcome=word(facts.outcome))
    if kind == "conflict":
        return say(_CONFLICT).format(
            field=word(facts.field),
            value=facts.value or say(_EMPTY),
            server=facts.server_value or say(_EMPTY),
            base=facts.base_value or say(_EMPTY),
        )
    if kind == "legal":
        return say(_LEGAL).format(
            days=facts.days_past_due,
            overdue=money(facts.overdue_minor or 0),
            count=facts.broken_promises,
            day=format_day(facts.last_due, language) if facts.last_due else "",
        )
    if kind == "limitation":
        day = format_day(facts.expires_on, language) if facts.expires_on else ""
        return say(_LIMITATION).format(day=day, days=facts.days_left, source=facts.source or "")
    if kind == "message":
        return say(_UNDELIVERED).format(
            message=say(MESSAGE_REASONS.get(facts.message or "", facts.message or "")),
            channel=say(MESSAGE_CHANNELS.get(facts.channel or "", facts.channel or "")),
            why=facts.note or "",
        )
    if kind == "policy":
        rules = ", ".join(dict.fromkeys(say(rule_name(r)) for r in facts.rules or []))
        channel = word(facts.channel or "visit")
        if facts.override:
            return say(_OVERRIDDEN).format(channel=channel, rules=rules, why=facts.override)
        return say(_FOUND).format(channel=channel, rules=rules)
    return ""


def said(item: ReviewItemWire) -> str:
    """The item's summary in the language the screen shows."""
    return review_summary(item.kind, item.facts, language())
