"""The contact an outcome records: how (visit or phone), with whom, when; checked as typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from fieldcore.policy import Channel
from fieldcore.text import check_lines

# The longest reason a collector gives for a contact the policy blocks.
LONGEST_OVERRIDE = 500


class ThirdParty(StrEnum):
    """Who besides the borrower was spoken to."""

    SPOUSE = "spouse"
    EMPLOYER = "employer"
    GUARANTOR = "guarantor"
    RELATIVE = "relative"
    NEIGHBOUR = "neighbour"
    OTHER = "other"


# Whom the collector reached: the borrower, a third party, or the borrower's attorney.
ContactRole = StrEnum(
    "ContactRole",
    [("BORROWER", "borrower"), *((p.name, p.value) for p in ThirdParty), ("ATTORNEY", "attorney")],
    module=__name__,
)


# Each channel's own word for "nobody answered".
CHANNEL_ONLY = {"not_home": Channel.VISIT, "no_answer": Channel.PHONE}
# How far back an outcome may say it happened (entered late, after a day without the laptop).
LONGEST_LATE_DAYS = 7


def contact_problems(code: str, values: Mapping[str, object], now: datetime) -> dict[str, str]:
    """How, with whom and when: the channel fits the code, the role the third party."""
    errors: dict[str, str] = {}
    channel = values.get("channel") or Channel.VISIT
    only = CHANNEL_ONLY.get(code)
    if only is not None and channel != only:
        errors["channel"] = f"must be {only.value} for {code}"
    role, who = values.get("role"), values.get("contact_who")
    if role is not None and who is not None and role != who:
        errors["role"] = f"is not the third party spoken to ({who})"
    happened = values.get("happened_at")
    if isinstance(happened, datetime):
        when = happened if happened.tzinfo else happened.replace(tzinfo=now.tzinfo)
        if now.tzinfo is not None and when > now + timedelta(minutes=5):
            errors["happened_at"] = "is in the future"
        elif now.tzinfo is not None and when < now - timedelta(days=LONGEST_LATE_DAYS):
            errors["happened_at"] = f"is more than {LONGEST_LATE_DAYS} days ago"
    override = values.get("override")
    if isinstance(override, str):
        if len(override) > LONGEST_OVERRIDE:
            errors["override"] = f"is longer than {LONGEST_OVERRIDE} characters"
        else:
            try:
                check_lines(override)
            except ValueError as error:
                errors["override"] = str(error)
    return errors
