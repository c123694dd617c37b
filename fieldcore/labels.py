"""Words the screens show for codes, marked for translation (catalogs in fieldcore/locale)."""

from __future__ import annotations

from collections.abc import Mapping

from fieldcore.i18n import N_, _

LABELS: dict[str, str] = {
    # outcome codes
    "promise": N_("Promise to pay"),
    "plan": N_("Payment plan"),
    "paid": N_("Paid (receipt given)"),
    "not_home": N_("Nobody home"),
    "refused": N_("Refused to pay"),
    "dispute": N_("Disputes the debt"),
    "hardship": N_("Hardship"),
    "moved": N_("Moved away"),
    "callback": N_("Call back later"),
    "third_party": N_("Spoke to a third party"),
    "deceased": N_("Borrower deceased"),
    "no_answer": N_("No answer (phone)"),
    # payment methods
    "cash": N_("Cash"),
    "card": N_("Card"),
    "transfer": N_("Bank transfer"),
    "cheque": N_("Cheque"),
    # stages
    "current": N_("current"),
    "early": N_("early"),
    "middle": N_("middle"),
    "late": N_("late"),
    # route status
    "to do": N_("to do"),
    "done": N_("done"),
    "skipped": N_("skipped"),
    # default reasons
    "job_loss": N_("Lost job"),
    "illness": N_("Illness"),
    "business_downturn": N_("Business downturn"),
    "overindebted": N_("Too many debts"),
    "disputes_debt": N_("Disputes the debt"),
    "will_not_pay": N_("Will not pay"),
    "other": N_("Other"),
    # ability and willingness
    "able": N_("Able to pay"),
    "short_for_now": N_("Short of cash for now"),
    "lasting_loss": N_("Lasting loss of ability"),
    "willing": N_("Willing"),
    "reluctant": N_("Reluctant"),
    "refuses": N_("Refuses"),
    # the people a collector contacts
    "borrower": N_("Borrower"),
    "spouse": N_("Spouse"),
    "employer": N_("Employer"),
    "guarantor": N_("Guarantor"),
    "relative": N_("Relative"),
    "neighbour": N_("Neighbour"),
    "attorney": N_("Attorney"),
    # script situations and channels
    "can_pay_wont": N_("Can pay but will not"),
    "disputes": N_("Disputes the debt"),
    "cannot_find": N_("Cannot be found"),
    "visit": N_("Visit"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "email": N_("E-mail"),
    # contact policy
    "discuss": N_("may discuss the debt"),
    "locate": N_("only to locate the borrower; never discuss the debt"),
    "locate_once": N_("once, only to locate the borrower; never discuss the debt"),
    "after_unreachable": N_(
        "only once the borrower cannot be reached, to locate them; never discuss the debt"
    ),
    "none": N_("may not be contacted"),
    # promise and instalment states
    "open": N_("open"),
    "kept": N_("kept"),
    "partly_kept": N_("partly kept"),
    "broken": N_("broken"),
    "replaced": N_("replaced"),
    # how often a plan's instalments fall due
    "week": N_("every week"),
    "fortnight": N_("every two weeks"),
    "month": N_("every month"),
}


# Codes that mean something else where they stand, so they keep a list of their own:
# a loan's security ("guarantor" is a guarantee here, not the person spoken to) ...
SECURITY: dict[str, str] = {
    "unsecured": N_("Unsecured"),
    "guarantor": N_("Personal guarantee"),
    "mortgage": N_("Mortgage"),
    "pledge": N_("Pledge"),
}
# ... a hold's reason in a word (the console's table, the evidence pack) ...
HOLD_REASONS: dict[str, str] = {
    "cease": N_("Asked to stop"),
    "attorney": N_("Has an attorney"),
    "dispute": N_("Disputed"),
    "bankruptcy": N_("Bankruptcy"),
    "deceased": N_("Deceased"),
    "vulnerable": N_("Vulnerable"),
    "referred": N_("Referred"),
    "legal_hold": N_("Legal hold"),
}
# ... the messages head office sends by itself: why ("broken" is a payment missed) and how ...
MESSAGE_REASONS: dict[str, str] = {
    "reminder": N_("reminder"),
    "broken": N_("missed payment"),
    "stage_notice": N_("stage notice"),
    "visit_notice": N_("visit notice"),
    "receipt": N_("receipt"),
}
MESSAGE_CHANNELS: dict[str, str] = {
    "email": N_("E-mail"),
    "sms": N_("SMS"),
    "letter": N_("Letter"),
}
# ... and the kinds of item in head office's review queue ("late" is a late outcome).
REVIEW_KINDS: dict[str, str] = {
    "dispute": N_("Dispute"),
    "hardship": N_("Hardship"),
    "moved": N_("Moved"),
    "deceased": N_("Deceased"),
    "late": N_("Late outcome"),
    "conflict": N_("Conflict"),
    "legal": N_("Legal referral?"),
    "policy": N_("Contact policy"),
    "location": N_("Far from the address"),
    "cash": N_("Cash to bank"),
    "limitation": N_("Claim expiring"),
}


def label(code: object, words: Mapping[str, str] = LABELS) -> str:
    """The word for a code in the UI language, from `words`; the code itself if unknown."""
    key = str(getattr(code, "value", code))
    return _(words[key]) if key in words else key
