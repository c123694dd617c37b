"""The evidence pack's PDF: the account and its history for a person, in the borrower's
language, every page numbered and signed with the lender, the day made and the trail's head."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import BinaryIO
from zoneinfo import ZoneInfo

from fieldcore.i18n import N_, translated
from fieldcore.labels import (
    HOLD_REASONS,
    LABELS,
    MESSAGE_CHANNELS,
    MESSAGE_REASONS,
    REVIEW_KINDS,
)
from fieldcore.money import exponent, format_money
from headoffice import clock
from headoffice.evidence.events import Event
from headoffice.paper.pdf import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, PdfWriter
from headoffice.paper.wrap import wrap

TITLE = N_("Evidence file: account {account}")
KINDS = {
    "outcome": N_("Contact"),
    "payment": N_("Payment"),
    "correction": N_("Correction"),
    "hold": N_("Hold placed"),
    "hold_released": N_("Hold released"),
    "notice": N_("Notice sent"),
    "arrangement": N_("Arrangement"),
    "resolution": N_("Review resolved"),
    "message": N_("Message"),
    "opt_out": N_("Opted out"),
}
# A notice's kind in a word.
NOTICES = {
    "visit_notice": N_("Notice of a visit"),
    "collection_warning": N_("Collection warning"),
    "reminder": N_("Reminder"),
}
SOURCES = {"field": N_("collected in the field"), "import": N_("from the bank's file")}
WORDS = {
    "borrower": N_("Borrower"),
    "address": N_("Address"),
    "product": N_("Product"),
    "outstanding": N_("Outstanding"),
    "overdue": N_("Overdue since"),
    "imported": N_("Imported from a file with SHA-256"),
    "history": N_("History ({count} events; times in {zone})"),
    "entry": N_("audit entry {seq}"),
    "no_entry": N_("no audit entry: kept before the trail began"),
    "page": N_("Page {page} of"),
    "made": N_("Made {moment} by {lender}. Head of the audit trail: {seq} {hash}"),
    "script": N_("script {script} version {version}, step {step}"),
    "by": N_("by {who}"),
}
BODY, SMALL, LINE, GAP = 8.5, 6.5, 11.0, 4.0
TOP, BOTTOM = 74.0, PAGE_HEIGHT - 48.0


class PackPdf:
    """Lays out the account and its events on pages as they stream past."""

    def __init__(self, out: BinaryIO, account: dict, lender: str, head: tuple[int, str]) -> None:
        self.account = account
        self.language = account.get("language") or "en"
        if self.language not in ("en", "da", "zh"):
            self.language = "en"
        self.zone = ZoneInfo(account.get("timezone") or "UTC")
        self.lender = lender
        self.head = head
        self.made_at = clock.now()
        self.title = self.t(TITLE).format(account=account["account_id"])
        self.pdf = PdfWriter(out, self.title, self.made_at)
        self.y = TOP
        self._page_furniture()

    def t(self, text: str) -> str:
        return translated(text, self.language)

    def account_block(self, import_sha256: str | None, events: int) -> None:
        """Who the borrower is and what they owe, as imported."""
        a = self.account
        money = _money_in(self.language)
        rows = [
            (WORDS["borrower"], a.get("borrower_name") or ""),
            (WORDS["address"], ", ".join(p for p in (a.get("address"), a.get("city")) if p)),
            (WORDS["product"], a.get("product") or ""),
            (WORDS["outstanding"], money(a["outstanding_minor"], a["currency"])),
            (WORDS["overdue"], str(a.get("oldest_due_date") or "")),
        ]
        for word, value in rows:
            if value:
                self.line(f"{self.t(word)}: {value}")
        self.line(f"{self.t(WORDS['imported'])}: {import_sha256 or '-'}", size=SMALL, grey=True)
        self.y += GAP * 2
        zone = str(self.zone)
        self.line(self.t(WORDS["history"]).format(count=events, zone=zone), size=BODY + 1)
        self.y += GAP

    def event(self, event: Event) -> None:
        """Two lines or more: when, what, who and the particulars; then its audit entry."""
        kind = KINDS[event.kind]
        if event.kind == "outcome":
            channel = json.loads(event.record.get("details") or "{}").get("channel") or "visit"
            kind = LABELS.get(channel, kind)
        text = f"{self._when(event.at)}  {self.t(kind)}  {self._what(event)}"
        self.wrapped(text)
        if event.entries:
            proof = "; ".join(
                f"{self.t(WORDS['entry']).format(seq=e['seq'])} {e['hash']}" for e in event.entries
            )
        else:
            proof = self.t(WORDS["no_entry"])
        self.wrapped(proof, size=SMALL, grey=True)
        self.y += GAP

    def close(self) -> None:
        self.pdf.close()

    def wrapped(self, text: str, size: float = BODY, grey: bool = False) -> None:
        for part in wrap(self.pdf, text, PAGE_WIDTH - 2 * MARGIN, size):
            self.line(part, size, grey)

    def line(self, text: str, size: float = BODY, grey: bool = False) -> None:
        if self.y > BOTTOM:
            self.pdf.end_page()
            self.y = TOP
            self._page_furniture()
        self.pdf.text(MARGIN, self.y, size, text, grey)
        self.y += LINE * size / BODY

    def _page_furniture(self) -> None:
        pdf = self.pdf
        pdf.text(MARGIN, 40, 11, self.lender)
        pdf.text(MARGIN, 56, 9, self.title)
        page = self.t(WORDS["page"]).format(page=len(pdf.pages) + 1)
        right = PAGE_WIDTH - MARGIN - 30
        pdf.text(right - pdf.width(page, 8) - 3, 40, 8, page)
        pdf.total_pages_at(right, 40, 8)
        seq, entry_hash = self.head
        made = self.t(WORDS["made"]).format(
            moment=self.made_at.strftime("%Y-%m-%d %H:%M UTC"),
            lender=self.lender,
            seq=seq,
            hash=entry_hash,
        )
        for n, part in enumerate(wrap(pdf, made, PAGE_WIDTH - 2 * MARGIN, SMALL)):
            pdf.text(MARGIN, PAGE_HEIGHT - 30 + n * 8, SMALL, part, grey=True)

    def _when(self, at: str) -> str:
        if "T" not in at:
            return at
        local = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(self.zone)
        return f"{local.date().isoformat()} {local.hour:02d}:{local.minute:02d}"

    def _what(self, event: Event) -> str:
        r, t = event.record, self.t
        money = _money_in(self.language)
        amount = (
            money(r["amount_minor"], r["currency"])
            if r.get("amount_minor") is not None and r.get("currency")
            else ""
        )
        if event.kind == "outcome":
            details = json.loads(r["details"]) if r.get("details") else {}
            parts = [t(LABELS.get(r["outcome"], r["outcome"])), amount]
            parts += [t(LABELS.get(r["method"], r["method"])) if r.get("method") else ""]
            parts += [str(r.get("promise_date") or ""), r.get("receipt_no") or ""]
            if details.get("script_id"):
                parts.append(
                    t(WORDS["script"]).format(
                        script=details["script_id"],
                        version=details.get("script_version", "-"),
                        step=details.get("script_step", "-"),
                    )
                )
            parts += [r.get("note") or ""]
            if r.get("collector"):
                parts.append(t(WORDS["by"]).format(who=r["collector"]))
        elif event.kind == "payment":
            source = r.get("source") or ""
            parts = [amount, t(SOURCES.get(source, source)), r.get("reference") or ""]
        elif event.kind == "correction":
            parts = [f"{r['field']}: {r['value']}", f"({r.get('server_value') or '-'})"]
        elif event.kind in ("hold", "hold_released"):
            note = r["note"] if event.kind == "hold" else r.get("release_note")
            who = r["placed_by"] if event.kind == "hold" else r.get("released_by")
            reason = t(HOLD_REASONS.get(r["reason"], r["reason"]))
            parts = [reason, note or "", t(WORDS["by"]).format(who=who)]
        elif event.kind == "notice":
            notice = t(NOTICES.get(r["kind"], r["kind"]))
            parts = [notice, t(WORDS["by"]).format(who=r["recorded_by"])]
        elif event.kind == "arrangement":
            total = money(r["total_minor"], r["currency"])
            parts = [t(LABELS.get(r["kind"], r["kind"])), total, r.get("every") or ""]
        elif event.kind == "message":
            # What head office sent by itself: why, how, how far it got, and its words.
            parts = [
                t(MESSAGE_REASONS.get(r["reason"], r["reason"])),
                t(MESSAGE_CHANNELS.get(r["channel"], r["channel"])),
                r["state"],
                r.get("sent_at") or "",
                r["subject"],
                " ".join(r["body"].split()),
                r.get("last_error") or "",
            ]
        elif event.kind == "opt_out":
            channel = t(MESSAGE_CHANNELS.get(r["channel"], r["channel"]))
            parts = [channel, r["note"], t(WORDS["by"]).format(who=r["placed_by"])]
        else:
            kind = t(REVIEW_KINDS.get(r["kind"], r["kind"]))
            parts = [
                kind,
                r.get("decision") or "",
                r["note"],
                t(WORDS["by"]).format(who=r["resolved_by"]),
            ]
        return " · ".join(p for p in parts if p)


@lru_cache(maxsize=8)
def _money_in(language: str) -> Callable[[int, str], str]:
    """format_money for one language, laid out without Babel once each currency is known.

    Babel takes a tenth of a millisecond an amount, and a pack of 10,000 events has
    thousands of them: each currency's layout is learnt from one amount Babel writes,
    kept only when it writes a second one the same way, and used for the rest.
    """
    layouts: dict[str, tuple[str, str, str, str] | None] = {}

    def money(minor: int, currency: str) -> str:
        if currency not in layouts:
            layouts[currency] = _layout(language, currency)
        layout = layouts[currency]
        if layout is None or minor < 0:
            return format_money(minor, currency, language)
        return _laid_out(minor, exponent(currency), layout)

    return money


def _layout(language: str, currency: str) -> tuple[str, str, str, str] | None:
    digits = exponent(currency)
    probe = int("1234567" + "891"[:digits])
    text = format_money(probe, currency, language)
    first, last = text.find("1"), max(text.rfind(d) for d in "0123456789") + 1
    middle = text[first:last]
    if len(middle) < 9:
        return None
    layout = (text[:first], middle[1], middle[-digits - 1] if digits else "", text[last:])
    for sample in (probe, 5, 10**digits * 1000 + 7):
        if _laid_out(sample, digits, layout) != format_money(sample, currency, language):
            return None
    return layout


def _laid_out(minor: int, digits: int, layout: tuple[str, str, str, str]) -> str:
    before, group, point, after = layout
    whole, part = divmod(minor, 10**digits)
    text = f"{whole:,}".replace(",", group)
    if digits:
        text += f"{point}{part:0{digits}d}"
    return before + text + after
