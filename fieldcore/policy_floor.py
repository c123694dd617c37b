"""Whether a lender's policy is at least as strict as the shipped one: a floor, never a ceiling.

A lender may tighten any number of the shipped policies; publishing refuses a policy
that loosens one, naming each rule and what the shipped policy says.
"""

from __future__ import annotations

from fieldcore.policy import WEEKDAYS, Allowed, Cap, Channel, ContactPolicy

# How little each answer lets a collector do; a policy may only move a role rightwards.
_STRICTNESS = {
    Allowed.DISCUSS: 0,
    Allowed.LOCATE: 1,
    Allowed.LOCATE_ONCE: 2,
    Allowed.AFTER_UNREACHABLE: 2,
    Allowed.NONE: 3,
}


def loosened(policy: ContactPolicy, floor: ContactPolicy) -> list[str]:
    """Each rule where `policy` allows more than `floor` ("field: what and why"); [] if none."""
    found = _window_problems(policy, floor)
    found += _cap_problems(policy, floor)
    for rule in floor.cool_downs:
        if not any(c.channel == rule.channel and c.days >= rule.days for c in policy.cool_downs):
            found.append(
                f"cool_downs: the shipped policy waits {rule.days} days after a conversation "
                f"before the next {rule.channel.value} contact"
            )
    for role, allowed in floor.roles.items():
        mine = policy.allowed(role)
        if mine != allowed and _STRICTNESS[mine] <= _STRICTNESS[allowed]:
            found.append(f"roles.{role}: {mine.value}; the shipped policy allows {allowed.value}")
    if policy.unreachable_after < floor.unreachable_after:
        found.append(
            f"unreachable_after: {policy.unreachable_after}; the shipped policy asks for "
            f"{floor.unreachable_after} unanswered attempts"
        )
    if policy.longest_promise_days > floor.longest_promise_days:
        found.append(
            f"longest_promise_days: {policy.longest_promise_days}; "
            f"the shipped policy allows {floor.longest_promise_days}"
        )
    found += _notice_problems(policy, floor)
    for language, phrases in floor.forbidden_phrases.items():
        mine = {p.casefold() for p in policy.forbidden_phrases.get(language, [])}
        for phrase in phrases:
            if phrase.casefold() not in mine:
                found.append(f"forbidden_phrases.{language}: {phrase!r} is missing")
    return found


def _window_problems(policy: ContactPolicy, floor: ContactPolicy) -> list[str]:
    found = []
    for channel in Channel:
        for weekday, name in enumerate(WEEKDAYS):
            mine, theirs = policy.window(channel, weekday), floor.window(channel, weekday)
            where = f"windows.{channel.value}.{name}"
            if mine is None:
                continue
            if theirs is None:
                found.append(f"{where}: {mine}; the shipped policy allows no {channel.value}s")
            elif mine.start < theirs.start or mine.end > theirs.end:
                found.append(f"{where}: {mine}; the shipped policy allows only {theirs}")
    if floor.holidays is not None:
        mine = policy.holidays
        where = "holidays"
        if mine is None or mine.country != floor.holidays.country:
            found.append(f"{where}: the shipped policy keeps {floor.holidays.country}'s holidays")
        else:
            for channel in set(floor.holidays.channels) - set(mine.channels):
                found.append(f"{where}.channels: {channel.value} is missing")
            for day in sorted(set(floor.holidays.extra) - set(mine.extra)):
                found.append(f"{where}.extra: {day} is missing")
    return found


def _cap_problems(policy: ContactPolicy, floor: ContactPolicy) -> list[str]:
    found = []
    for cap in floor.caps:
        if not any(_as_tight(mine, cap) for mine in policy.caps):
            span = f"{cap.days} days" if cap.days else "a day"
            found.append(
                f"caps: the shipped policy allows at most {cap.most} {cap.counts} "
                f"by {cap.channel.value} in {span}"
            )
    return found


def _as_tight(mine: Cap, floor: Cap) -> bool:
    # The same count over at least as long a window, with no more contacts allowed.
    if mine.channel != floor.channel or mine.counts not in (floor.counts, "attempts"):
        return False
    if mine.most > floor.most:
        return False
    if floor.per == "day":
        return mine.per == "day" or (mine.days or 0) >= 1
    return mine.days is not None and mine.days >= (floor.days or 0)


def _notice_problems(policy: ContactPolicy, floor: ContactPolicy) -> list[str]:
    found = []
    if floor.visit_notice is not None:
        days = floor.visit_notice.days_before
        if policy.visit_notice is None or policy.visit_notice.days_before < days:
            found.append(f"visit_notice: the shipped policy asks for a notice {days} days before")
    if floor.disclosures is not None:
        said = policy.disclosures
        for language in floor.disclosures.first:
            if said is None or language not in said.first or language not in said.later:
                found.append(f"disclosures: the statements in {language} are missing")
    if floor.debt_advice is not None:
        # A borrower in hardship is owed a referral in their language; dropping it loosens.
        advice = policy.debt_advice
        for language in floor.debt_advice.text:
            if advice is None or language not in advice.text:
                found.append(f"debt_advice: the advice in {language} is missing")
    return found
