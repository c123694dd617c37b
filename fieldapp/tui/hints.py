"""What to type in each field of the laptop's forms, said under it when a save is refused."""

from __future__ import annotations

from datetime import date, timedelta

from fieldcore.i18n import N_, _

_AMOUNT = N_("Write it with a point, like 1234.50")
_HOW = {
    # the outcome form
    "outcome": N_("Choose what happened from the list"),
    "amount": _AMOUNT,
    "instalment": _AMOUNT,
    "promise_date": N_("Write it like {day}"),
    "callback_at": N_("Write it like {day} 14:00"),
    "term_months": N_("Write a whole number from 1 to 120"),
    "instalments": N_("Write a whole number from 1 to 120"),
    "first_date": N_("Write it like {day}"),
    "dispute_reason": N_("Write what the borrower disputes, and why"),
    "new_address": N_("Write the new address on one line"),
    "note": N_("Write in a few words what was said"),
    "happened_at": N_("Leave it empty for now, or write it like {yesterday} 14:00"),
    "override": N_("Say why the contact happened although the policy blocks it"),
    "statement": N_("Press ctrl+t and correct the line"),
    # the correction dialog
    "phone": N_("Write the number in digits, like +45 21 43 65 87"),
    "address": N_("Write the whole address on one line"),
    "email": N_("Write it like name@example.com"),
}
_CHOOSE = N_("Choose one from the list")


def what_to_type(field: str, today: date) -> str:
    """The sentence that says what goes in `field` (a choice from a list for the others)."""
    # Tomorrow is a day every date field takes, so the example is one that works.
    return _(_HOW.get(field, _CHOOSE)).format(
        day=(today + timedelta(days=1)).isoformat(),
        yesterday=(today - timedelta(days=1)).isoformat(),
    )
