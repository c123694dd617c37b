"""The sentences of the contact rules, marked for translation; {facts} are filled when shown."""

from __future__ import annotations

from fieldcore.i18n import N_
from fieldcore.policy import Channel

# The words for each rule; {facts} are filled as the UI language writes them.
# Holds, by their reason.
HOLDS = {
    "cease": N_("the borrower asked for contact to stop: no contact while the hold lasts"),
    "attorney": N_("the borrower has an attorney for this debt: contact the attorney only"),
    "dispute": N_("the debt is disputed: on hold until head office releases it"),
    "bankruptcy": N_("the borrower is in bankruptcy: no collection contact"),
    "deceased": N_("the borrower has died: head office deals with the estate"),
    "vulnerable": N_("the borrower is vulnerable: on hold, refer them to support"),
    "referred": N_("the account went to court or to an agency: no field contact"),
    "legal_hold": N_(
        "the account's records are kept for a legal matter: nothing is erased; "
        "contact goes on as the policy allows"
    ),
}
NEVER = N_("{role} may not be contacted under this policy")
ONCE = N_("{role} was already asked once and may not be contacted again")
UNREACHABLE = N_(
    "{role} may be asked only after {most} unanswered attempts to reach the borrower "
    "({count} so far)"
)
# Per channel, so each sentence reads as one: "no visits on Sunday", "no calls ...".
_V, _P = Channel.VISIT, Channel.PHONE
NO_DAY = {_V: N_("no visits on {weekday}"), _P: N_("no calls on {weekday}")}
HOURS = {
    _V: N_("visits only {start}–{end} on {weekday}"),
    _P: N_("calls only {start}–{end} on {weekday}"),
}
HOLIDAY = {
    _V: N_("{day} is a public holiday ({name}): no visits"),
    _P: N_("{day} is a public holiday ({name}): no calls"),
}
NO_NOTICE = N_(
    "a home visit needs a written notice sent at least {days} days before; none is on record"
)
RECENT_NOTICE = N_("the visit notice was sent on {sent}; the visit may follow from {day}")
CAP_DAYS = {
    (_V, "attempts"): N_("{count} visits in the last {days} days (at most {most})"),
    (_V, "unanswered"): N_(
        "{count} visits with nobody home in the last {days} days (at most {most})"
    ),
    (_V, "conversations"): N_(
        "{count} conversations at the door in the last {days} days (at most {most})"
    ),
    (_P, "attempts"): N_("{count} calls in the last {days} days (at most {most})"),
    (_P, "unanswered"): N_("{count} unanswered calls in the last {days} days (at most {most})"),
    (_P, "conversations"): N_(
        "{count} conversations by phone in the last {days} days (at most {most})"
    ),
}
CAP_DAY = {
    (_V, "attempts"): N_("{count} visits today (at most {most})"),
    (_V, "unanswered"): N_("{count} visits with nobody home today (at most {most})"),
    (_V, "conversations"): N_("{count} conversations at the door today (at most {most})"),
    (_P, "attempts"): N_("{count} calls today (at most {most})"),
    (_P, "unanswered"): N_("{count} unanswered calls today (at most {most})"),
    (_P, "conversations"): N_("{count} conversations by phone today (at most {most})"),
}
COOL_DOWN = {
    _V: N_("a conversation on {day}: no visits until {until}"),
    _P: N_("a conversation on {day}: no calls until {until}"),
}
# What an outcome adds when it is recorded: what was said, and to whom.
LOCATE_ONLY = N_(
    "{role} may only be asked where the borrower is; the debt may not be discussed with them"
)
NO_DISCLOSURE = N_("the policy asks for the disclosure in every conversation; confirm you gave it")
# A rule's short name, by its id or the first part of it, for lists and the review queue.
RULE_NAMES = {
    "hold": N_("on hold"),
    "role": N_("person not allowed"),
    "window": N_("outside contact hours"),
    "holiday": N_("public holiday"),
    "notice": N_("no visit notice"),
    "notice.recent": N_("visit notice too recent"),
    "cap": N_("too many attempts"),
    "cooldown": N_("too soon after a conversation"),
    "disclosure": N_("no disclosure"),
}


def rule_name(rule: str) -> str:
    """A rule's short name (its own, else its family's: "on hold"), untranslated."""
    return RULE_NAMES.get(rule) or RULE_NAMES.get(rule.split(".")[0], rule)
