"""`fieldapp printer` and `fieldapp receipt`: the laptop's receipt printer, and receipts again."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from fieldapp.content import lender
from fieldapp.printing import (
    NO_PRINTER,
    PRINTER,
    RULE,
    PrinterError,
    no_printer,
    print_receipt,
    printer_from_setting,
    receipt_lines,
)
from fieldapp.store import ReceiptNotFound, Store, VisitNotFound
from fieldcore.i18n import format_day, format_time, set_language
from fieldcore.money import format_money
from fieldcore.text import printable

if TYPE_CHECKING:
    from fieldcore.route import OutcomeRecord


@click.command()
@click.argument("setting", required=False)
@click.pass_obj
def printer(home: Path, setting: str | None) -> None:
    """Show or set this laptop's receipt printer, once for every receipt.

    SETTING is one of:

    \b
      file:PATH            a printer the system shows as a file, e.g. file:/dev/usb/lp0
      network:HOST[:PORT]  a printer on the network (port 9100 unless given)
      usb:VENDOR:PRODUCT   a USB printer by its ids in hex, e.g. usb:0x04b8:0x0202
      none                 no printer: receipts are shown on screen only

    Example:

    \b
      fieldapp printer file:/tmp/receipts.bin
    """
    store = Store(home)
    try:
        if setting is None:
            now = store.setting(PRINTER)
            if no_printer(now):
                click.echo("no printer set; set one with: fieldapp printer file:/dev/usb/lp0")
            else:
                click.echo(f"printer: {printable(now or '')}")
            return
        try:
            printer_from_setting(setting)  # only to check it: nothing is opened
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="SETTING") from None
        except PrinterError as error:
            raise click.ClickException(str(error)) from None
        chosen = NO_PRINTER if no_printer(setting) else setting.strip()
        store.set_settings(**{PRINTER: chosen})
    finally:
        store.close()
    if chosen == NO_PRINTER:
        click.echo("no printer: receipts are shown on screen only")
    else:
        click.echo(f"printer set: {printable(chosen)}; press p on a receipt to print it")


@click.command()
@click.argument("receipt_no", required=False)
@click.option("--print", "on_paper", is_flag=True, help="Print it on this laptop's printer.")
@click.pass_obj
def receipt(home: Path, receipt_no: str | None, on_paper: bool) -> None:
    """List, show or reprint the receipts this laptop issued.

    \b
    Print one again on the printer `fieldapp printer` set:
      fieldapp receipt K7Q2M-000001 --print

    Example:

    \b
      fieldapp receipt
    """
    store = Store(home)
    try:
        # The language the app shows, so paper from here and from the app say the same.
        language = store.setting("ui_language") or store.setting("language") or "en"
        set_language(language)
        if receipt_no is None:
            _list(store.receipts(), language)
            return
        payment = store.receipt(receipt_no)
        rows = receipt_lines(
            payment,
            store.account(payment.account_id),
            lender(store.published_content("lender")),
            store.setting("collector"),
            language,
        )
        setting = store.setting(PRINTER)
    except (ReceiptNotFound, VisitNotFound) as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if not on_paper:
        for row in rows:
            click.echo(printable(f"{row.label}: {row.value}" if row.label else RULE))
        return
    if no_printer(setting):
        raise click.ClickException("no printer set; set one with: fieldapp printer file:PATH")
    try:
        print_receipt(printer_from_setting(setting), rows, language)
    except (ValueError, PrinterError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(printable(f"printed receipt {receipt_no} on {setting}"))


def _list(receipts: list[OutcomeRecord], language: str) -> None:
    if not receipts:
        click.echo("no receipts on this laptop")
        return
    for paid in receipts:
        local = paid.recorded_at.astimezone()
        when = f"{format_day(local.date(), language)} {format_time(local, language)}"
        money = format_money(paid.amount_minor or 0, paid.currency or "", language)
        click.echo(printable(f"{paid.receipt_no}  {when:<20} {paid.account_id:<12} {money:>16}"))
