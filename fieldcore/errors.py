"""Field-level validation errors that say what is wrong and where, for forms, CLIs and files;
and how a form says them in the UI language."""

from __future__ import annotations

import re

from pydantic import ValidationError

from fieldcore.i18n import N_, _
from fieldcore.labels import label


class FieldErrors(ValueError):
    """One or more fields refused, each with a reason a collector or supervisor can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors.items()))


def from_validation_error(error: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: reason}, first reason per field, without pydantic jargon."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "input"
        message = item["msg"]
        # Our own ValueErrors arrive as "Value error, <reason>": keep only the reason.
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a known field"
        found.setdefault(field, message)
    return found


_NOT_THE_ONE = N_("is not the person spoken to ({who})")
_BLOCKED = N_("is needed: the contact policy blocks this contact; say why it happened")
# The rule sentences the kernel, the wire and pydantic write, each with the words a form
# shows for it; {parts} are carried over, an outcome code by its word (see reason_shown).
_REASONS = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"is required for (?P<code>\w+): say why", N_("is needed for “{code}”: say why")),
        (r"is required for (?P<code>\w+)(?: \(.*\))?", N_("is needed for “{code}”")),
        (r"does not apply to (?P<code>\w+)", N_("does not apply to “{code}”")),
        (r"is required|an amount is required|the new value is empty", N_("is empty")),
        (r"\w+ should have at least 1 (?:character|item).*", N_("is empty")),
        (r"(?:the amount )?must be more than zero", N_("must be more than zero")),
        (r"is more than the outstanding balance", N_("is more than the outstanding balance")),
        (r"is in the past", N_("is in the past")),
        (r"is in the future", N_("is in the future")),
        (r"is more than (?P<n>\d+) days ago", N_("is more than {n} days ago")),
        (r"must be (?P<channel>\w+) for (?P<code>\w+)", N_("must be “{channel}” for “{code}”")),
        (r"is not the third party spoken to \((?P<who>\w+)\)", _NOT_THE_ONE),
        (r"is needed: the contact policy blocks this.*", _BLOCKED),
        (r"is more than (?P<n>\d+) days away", N_("is more than {n} days away")),
        (r"is longer than (?P<n>\d+) characters", N_("is too long (at most {n})")),
        (
            r"\w+ should have at most (?P<n>\d+) (?:characters?|items).*",
            N_("is too long (at most {n})"),
        ),
        (r"is too long", N_("is too long")),
        (r"is 1 to (?P<n>\d+) instalments", N_("is 1 to {n} instalments")),
        (
            r"leaves an instalment of less than one minor unit",
            N_("leaves an instalment too small to pay"),
        ),
        (
            r"is more than a month away: .*",
            N_("is more than a month away: the first instalment comes sooner"),
        ),
        (
            r"end the plan on (?P<day>[0-9-]+), past the longest term of (?P<n>\d+) months",
            N_("end the plan on {day}, past the longest term of {n} months"),
        ),
        (
            r"cannot be agreed while a dispute holds the account.*",
            N_(
                "cannot be agreed while a dispute holds the account; a payment the borrower "
                "offers is still taken"
            ),
        ),
        (r"is 1 to 120 months|Input should be (?:greater|less) than .*", N_("is out of range")),
        (r".* is not a phone number", N_("is not a phone number")),
        (r".* is not an e-mail address", N_("is not an e-mail address")),
        (r".* is not an amount.*", N_("is not an amount")),
        (r"an amount cannot be negative", N_("cannot be negative")),
        (
            r".* has more decimals than (?P<currency>[A-Z]{3}) allows \((?P<n>\d+)\)",
            N_("has more decimals than {currency} allows ({n})"),
        ),
        (r".* is implausibly large", N_("is implausibly large")),
        (
            r"holds a character that does not belong in (?:one line of )?text "
            r"\((?P<char>U\+[0-9A-F]+).*\)",
            N_("holds a character that does not belong in text ({char})"),
        ),
        (r"says nothing: write at least one word", N_("says nothing")),
        (r"names an account twice", N_("names an account twice")),
        (r"say which accounts: .*", N_("is empty")),
        (r"Input should be a valid date or .*|is not a day written .*", N_("is not a date")),
        (r"Input should be a valid datetime.*", N_("is not a date and time")),
        (
            r"Input should be a valid (?:integer|number).*|is not a whole number",
            N_("is not a number"),
        ),
        (r"Input should be .*", N_("is not one of the choices")),
    )
)


def reason_shown(reason: str) -> str:
    """The kernel's reason for a refused field in the UI language, for forms to show.

    The rules stay English for logs, files and head office; a form shows them in
    the collector's words. A reason none of the rules writes reads "cannot be read".
    """
    for pattern, words in _REASONS:
        if found := pattern.fullmatch(reason):
            parts = found.groupdict()
            # Codes are shown by their words.
            for name in ("code", "channel", "who"):
                if name in parts:
                    parts[name] = label(parts[name])
            return _(words).format(**parts)
    return _("cannot be read")


def field_message(field: str, reason: str, hint: str) -> str:
    """What a form says under a refused field: its name, what is wrong, what to type."""
    return _("{field}: {problem}. {hint}").format(
        field=field, problem=reason_shown(reason), hint=hint
    )
