"""Message templates as data (content/messages/<language>.toml): checked, then written out."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from fieldcore.messaging import MessageChannel
from fieldcore.scripts import fill_placeholders, placeholder_problems
from fieldcore.text import check_line, check_lines

# What every template may name, filled from the account and head office's settings.
COMMON: dict[str, str] = {
    "name": "the borrower's name",
    "account": "the account's number",
    "lender": "the lender's name (head office's settings)",
    "lender_phone": "the lender's phone number",
    "lender_address": "the lender's address",
}
# And what each template adds.
OWN: dict[str, dict[str, str]] = {
    "reminder": {"amount": "the amount due", "due": "the day it falls due"},
    "broken": {"amount": "the amount that was due", "due": "the day it fell due"},
    "receipt": {
        "receipt": "the receipt's number, made by the collector's laptop",
        "amount": "the amount paid",
        "paid_on": "the day it was paid",
        "balance": "what is left to pay",
    },
    "collection_warning": {
        "amount": "the amount overdue",
        "pay_by": "the last day to pay before costs are added",
    },
    "stage_reminder": {"amount": "the amount overdue"},
    "visit_notice": {"visit_date": "the day of the planned visit"},
}
# Texts that must have an SMS: they go to a phone when the borrower has no e-mail.
NEEDS_SMS = ("reminder", "broken", "receipt")
MAX_SMS_CHARS = 480  # three parts of a concatenated SMS in GSM-7; fewer in UCS-2

Subject = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_line)]
Body = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(check_lines)]
Sms = Annotated[str, Field(min_length=1, max_length=MAX_SMS_CHARS), AfterValidator(check_lines)]


class MessageText(BaseModel):
    """One message in every form it can take: an e-mail, an SMS, a letter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: Subject  # the e-mail's subject and the letter's heading
    email: Body
    sms: Sms | None = None
    letter: Body | None = None  # else the e-mail's text


class MessageTemplates(BaseModel):
    """One language's templates, published and versioned like scripts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(pattern=r"^[a-z]{2}$")
    version: int = Field(ge=1)
    reminder: MessageText
    broken: MessageText
    receipt: MessageText
    collection_warning: MessageText
    stage_reminder: MessageText
    visit_notice: MessageText
    # The line every e-mail ends with: how to get no more of them.
    unsubscribe: Subject

    @model_validator(mode="after")
    def _placeholders(self) -> MessageTemplates:
        problems = [f"{where}: {why}" for where, why in template_problems(self)]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def template_problems(templates: MessageTemplates) -> list[tuple[str, str]]:
    """(where, what is wrong) for each placeholder a template names but cannot be filled,
    and each text that must have an SMS and has none."""
    found = []
    for name, own in OWN.items():
        text: MessageText = getattr(templates, name)
        names = COMMON | own
        for form in ("subject", "email", "sms", "letter"):
            written = getattr(text, form)
            if written is not None:
                found += [
                    (f"{name}.{form}", why) for _t, why in placeholder_problems(written, names)
                ]
        if name in NEEDS_SMS and text.sms is None:
            found.append(
                (f"{name}.sms", "is needed: this message goes by SMS to a borrower without e-mail")
            )
    found += [
        ("unsubscribe", why) for _t, why in placeholder_problems(templates.unsubscribe, COMMON)
    ]
    return found


_COMMON = frozenset(COMMON)


@lru_cache(maxsize=64)
def _names(template: str) -> frozenset[str]:
    """The placeholders template `template` may use: the common ones and its own."""
    return frozenset(COMMON | OWN[template])


def written(
    templates: MessageTemplates, name: str, channel: MessageChannel, values: Mapping[str, str]
) -> tuple[str, str] | None:
    """(subject, text) of template `name` for `channel`, filled; None when it has no such form.

    An e-mail ends with the unsubscribe line; an SMS has no subject.
    """
    text: MessageText = getattr(templates, name)
    names = _names(name)
    subject = fill_placeholders(text.subject, values, names)
    if channel is MessageChannel.SMS:
        return None if text.sms is None else ("", fill_placeholders(text.sms, values, names))
    if channel is MessageChannel.LETTER:
        return subject, fill_placeholders(text.letter or text.email, values, names)
    body = fill_placeholders(text.email, values, names)
    return subject, f"{body}\n\n{fill_placeholders(templates.unsubscribe, values, _COMMON)}"
