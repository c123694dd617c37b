"""Receipts on paper: the laptop's ESC/POS printer, set once, and a receipt printed on it."""

from __future__ import annotations

import logging
import os
import textwrap
from contextlib import suppress
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from fieldcore.i18n import N_, _, format_day, format_time, translated
from fieldcore.labels import LABELS
from fieldcore.money import format_money
from fieldcore.text import printable

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from fieldcore.accounts import Account
    from fieldcore.route import OutcomeRecord
    from sync.protocol import LenderWire

# The store's settings key; its value is one of FORMS.
PRINTER = "printer"
NO_PRINTER = "none"
FORMS = "file:PATH, network:HOST[:PORT], usb:VENDOR:PRODUCT (hex ids) or none"
# A printer that does not answer must not hold the collector at the door for long.
TIMEOUT_SECONDS = 10
# 58 mm paper holds 32 characters; on 80 mm paper a short rule still reads as one.
RULE = "-" * 32

TITLE = N_("RECEIPT")
THANKS = N_("Thank you. Keep this number: it is your proof of payment.")
NO_LENDER = N_("the lender named in your loan agreement")


class PrinterError(Exception):
    """The printer did not print; the message is one sentence for the collector."""


class ReceiptRow(NamedTuple):
    """One line of a receipt: what it is and its value; ("", "") separates the lender's part."""

    label: str
    value: str
    strong: bool = False  # the amount: bold on paper, bold green on screen


def printer_from_setting(text: str | None) -> Escpos | None:
    """The printer a setting names, not opened yet (None for `none`); ValueError names the forms.

    PrinterError when this laptop cannot drive that kind of printer (USB without pyusb).
    """
    if no_printer(text):
        return None
    kind, _colon, rest = (text or "").strip().partition(":")
    kind = kind.lower()
    if kind == "file" and rest:
        return _escpos().File(rest)
    if kind == "network" and rest:
        host, _colon, port = rest.rpartition(":") if ":" in rest else (rest, "", "9100")
        if host and port.isascii() and port.isdigit() and 0 < int(port) < 65536:
            return _escpos().Network(host, int(port), timeout=TIMEOUT_SECONDS)
    if kind == "usb":
        with suppress(ValueError):  # not two ids, or not hex
            vendor, product = [int(part, 16) for part in rest.split(":")]
            if 0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF:
                printers = _escpos()
                if not printers.Usb.is_usable():
                    raise PrinterError(
                        _("printing on USB needs the pyusb package; use file:/dev/usb/lp0 instead")
                    )
                return printers.Usb(vendor, product, timeout=TIMEOUT_SECONDS * 1000)  # in ms
    said = _("'{setting}' is not a printer; write {forms}")
    raise ValueError(said.format(setting=text, forms=FORMS))


def no_printer(text: str | None) -> bool:
    """Whether a setting leaves this laptop without a printer: `none`, or nothing set."""
    return (text or NO_PRINTER).strip().lower() == NO_PRINTER


def receipt_lines(
    payment: OutcomeRecord,
    account: Account,
    lender: LenderWire,
    collector: str | None,
    language: str,
    balance_minor: int | None = None,
) -> list[ReceiptRow]:
    """What a receipt says in `language`: the lender, then number, date, payer, amount, collector.

    The balance left is a row only when the caller knows it (`balance_minor`).
    """

    def row(label: str, value: str | None, strong: bool = False) -> list[ReceiptRow]:
        return [ReceiptRow(translated(label, language), value, strong)] if value else []

    local, method = payment.recorded_at.astimezone(), payment.method or ""
    currency = payment.currency or account.currency
    left = None if balance_minor is None else format_money(balance_minor, currency, language)
    # Before head office sets the lender, the borrower is pointed to their agreement.
    return [
        *row(N_("Issued by"), lender.name or translated(NO_LENDER, language)),
        *row(N_("Address"), lender.address),
        *row(N_("Phone"), lender.phone),
        ReceiptRow("", ""),
        *row(N_("Receipt no."), payment.receipt_no),
        *row(N_("Date"), f"{format_day(local.date(), language)} {format_time(local, language)}"),
        *row(N_("Received from"), account.borrower_name),
        *row(N_("Account"), account.account_id),
        *row(N_("Amount"), format_money(payment.amount_minor or 0, currency, language), True),
        *row(N_("Paid by"), translated(LABELS[method], language) if method in LABELS else method),
        *row(N_("Collector"), collector),
        *row(N_("Balance left"), left),
    ]


def print_receipt(printer: Escpos, rows: list[ReceiptRow], language: str) -> None:
    """Print the rows under a centred title, the amount bold, and cut; else PrinterError."""
    from escpos.exceptions import Error as EscposError

    try:
        _write(printer, rows, language)
        printer.close()
    except (EscposError, OSError) as error:
        with suppress(EscposError, OSError):
            printer.close()
        said = _("cannot print on {printer}: {reason}")
        raise PrinterError(said.format(printer=_where(printer), reason=_reason(error))) from error


def _write(printer: Escpos, rows: list[ReceiptRow], language: str) -> None:
    printer.hw("INIT")
    # Danish goes in PC865 (Nordic), which most ESC/POS printers have; left to itself
    # escpos would pick PC857 (Turkish), fewer have that. Other letters still find their
    # own page; a line with Chinese goes as GB18030, which Chinese printers read and
    # others print as wrong marks.
    printer.magic.encoding = None  # ESC @ reset the page (MagicEncode of escpos 3.1, pinned)
    printer.magic.write_with_encoding("CP865", None)
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    printer.textln(_clean(translated(TITLE, language)))
    printer.set(align="left", bold=False, normal_textsize=True)
    printer.textln(RULE)
    for row in rows:
        printer.set(bold=row.strong)
        printer.textln(_clean(f"{row.label}: {row.value}") if row.label else RULE)
    printer.set(bold=False)
    printer.textln(RULE)
    printer.set(align="center")
    printer.textln(_clean(translated(THANKS, language)))
    printer.cut()


def _clean(text: str) -> str:
    # Babel puts no-break spaces in amounts and times; a plain one prints the same in
    # every code page, and in a GB18030 line it is one byte instead of four.
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    # A control character in a name would be a printer command, and a lone surrogate
    # cannot be encoded: each becomes visible text instead, never an error.
    text = printable(text).encode("utf-8", "replace").decode("utf-8")
    # Not inside a receipt number; Chinese, with no spaces, the printer wraps at its edge.
    lines = textwrap.wrap(text, len(RULE), break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)


def _where(printer: Escpos) -> str:
    place = getattr(printer, "devfile", None) or getattr(printer, "host", None)
    return str(place) if place else _("the printer")


def _reason(error: BaseException) -> str:
    # escpos wraps the system's error in its own, several lines long: say the system's.
    for cause in (error, error.__cause__, error.__context__):
        if isinstance(cause, OSError):
            return cause.strerror or str(cause) or type(cause).__name__
    return (str(error).splitlines() or [type(error).__name__])[0]


def _escpos() -> ModuleType:
    """escpos.printer, imported on first use and without its side effects on this process."""
    from platformdirs import user_cache_dir

    # escpos caches its printer profiles in a new temporary folder at each import
    # unless told where: one folder of ours instead, private to this user.
    folder = os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", user_cache_dir("fieldapp"))
    os.makedirs(folder, exist_ok=True)
    before = set(logging.root.handlers)
    import escpos.printer

    # escpos calls logging.basicConfig() on import: its log would be drawn over the screen.
    for handler in set(logging.root.handlers) - before:
        logging.root.removeHandler(handler)
    return escpos.printer
