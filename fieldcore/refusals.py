"""Head office's refusals in the collector's language: the sync sentences, read back as facts.

Head office answers in English, for logs and for every laptop alike; the laptop
says each sentence again in the UI language. The sentences are head office's own
(sync/server.py, headoffice/api/judging.py and syncstore.py), so the list is closed:
one it does not know is shown as head office wrote it, after words that say whose
they are.
"""

from __future__ import annotations

import re

from fieldcore.errors import reason_shown
from fieldcore.i18n import N_, _
from fieldcore.labels import label

# The fields head office names when it refuses an outcome, in the form's own words.
_FIELDS = {
    "amount": N_("Amount"),
    "promise_date": N_("Promised for"),
    "method": N_("Paid by"),
    "dispute_reason": N_("What is disputed, and why"),
    "instalment": N_("Proposed instalment"),
    "term_months": N_("For how many months"),
    "new_address": N_("New address"),
    "callback_at": N_("Call back at"),
    "contact_who": N_("Who was contacted"),
    "note": N_("Note"),
}

_SENTENCES = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"visit \S+ was never on .*'s route", N_("this visit was never on your route")),
        (r"account \S+ was never on .*'s route", N_("this borrower was never on your route")),
        (r"visit \S+ is for another account", N_("this visit is for another borrower's account")),
        (
            r"an amount needs its currency, and a currency its amount",
            N_("an amount needs its currency"),
        ),
        (
            r"amount in (?P<got>[A-Z]{3}), the account is in (?P<want>[A-Z]{3})",
            N_("the amount is in {got}, the account is in {want}"),
        ),
        (
            r"a payment needs the receipt number the laptop gave the borrower",
            N_("a payment needs its receipt number"),
        ),
        (
            r"a receipt number belongs to a payment, not to (?P<code>\w+)",
            N_("a receipt number belongs to a payment, not to “{code}”"),
        ),
        (
            r"receipt (?P<receipt>\S+) was already booked from this laptop",
            N_("receipt {receipt} was already booked from this laptop"),
        ),
        (
            r"mutation \S+ was already used for another change; the first one stands",
            N_("this change was sent before with other contents; the first one stands"),
        ),
        (
            r"head office could not store this change .*",
            N_("head office could not store this change; tell your supervisor"),
        ),
        (r"unsendable: .*", N_("this change could not be sent; tell your supervisor")),
        (
            r"this fieldapp speaks sync protocol \d+, the server needs .*",
            N_("this fieldapp is too old for head office: update it (your changes are kept)"),
        ),
        (
            r"this fieldapp speaks sync protocol \d+, newer than the server's .*",
            N_("head office's server is older than this fieldapp: tell your supervisor"),
        ),
        (
            r"no device token: enroll this laptop first",
            N_("this laptop is not enrolled: ask your supervisor for an enrollment token"),
        ),
        (
            r"this laptop's token is not known .*",
            N_("head office does not know this laptop: ask your supervisor for a new token"),
        ),
        (
            r"head office cannot continue from this laptop's cursor.*|cursor .* was not made .*",
            N_("head office asked for the route to be downloaded again"),
        ),
        (
            r"a push names the same mutation id twice|this push is being applied concurrently.*",
            N_("head office could not take this sync; it will be tried again"),
        ),
    )
)
_FIELD_RULE = re.compile(r"(?P<field>[a-z_]+) (?P<why>.+)")


def refusal_shown(message: str | None) -> str:
    """Head office's sentence in the UI language; one it never writes, quoted as it came."""
    message = (message or "").strip()
    for pattern, words in _SENTENCES:
        if found := pattern.fullmatch(message):
            parts = found.groupdict()
            if "code" in parts:
                parts["code"] = label(parts["code"])
            return _(words).format(**parts)
    # An outcome against the kernel's rules: "field why; field why", each said in words.
    rules = [_FIELD_RULE.fullmatch(part.strip()) for part in message.split(";")]
    if message and all(rule and rule["field"] in _FIELDS for rule in rules):
        named = [(_FIELDS[rule["field"]], rule["why"]) for rule in rules]
        return "; ".join(
            _("{field}: {problem}").format(field=_(words), problem=reason_shown(why))
            for words, why in named
        )
    return _("head office says: {message}").format(message=message or "?")
