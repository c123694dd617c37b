"""`headoffice close` and `retention`: an account leaves the field, and its personal data goes."""

from __future__ import annotations

import click

from fieldcore.keeping import CloseReason
from fieldcore.text import printable
from headoffice.cli.options import db_option, open_engine


@click.command()
@db_option
@click.argument("account_id")
@click.option(
    "--reason",
    required=True,
    type=click.Choice([r.value for r in CloseReason]),
    help="Why it closes.",
)
@click.option("--note", default="", help="What happened; kept with the account until erased.")
@click.option("--by", "by", default="head office", show_default=True, help="Who closes it.")
def close(db_url: str | None, account_id: str, reason: str, note: str, by: str) -> None:
    """Close an account: it leaves every route (laptops drop it at their next sync), no
    route takes it again, and its retention period starts. An account whose payments clear
    its balance closes by itself, as repaid. The close is an entry of the audit trail.

    Example:

    \b
      headoffice close DA-1003 --reason settled --note "settled for 80% on 20 Nov"
    """
    from headoffice.work.closing import CloseError, close_account

    try:
        done = close_account(open_engine(db_url), account_id, reason, note, by)
    except CloseError as error:
        raise click.ClickException(str(error)) from None
    left = f"; {done.recalled} visit(s) taken off the routes" if done.recalled else ""
    click.echo(f"{account_id} closed ({reason}) on {done.closed_on}{left}")


@click.command()
@db_option
@click.option(
    "--dry-run/--apply",
    "dry_run",
    default=True,
    show_default=True,
    help="List the accounts past retention, or erase their personal data.",
)
def retention(db_url: str | None, dry_run: bool) -> None:
    """Closed accounts past their policy's retention (US: 3 years after the last activity;
    DK, CN: 5 years after closing), and with --apply their personal data erased: names,
    addresses, phones, e-mail, notes and corrections' values. Amounts, dates, stages and
    outcome codes stay, so the numbers still add up, and the audit trail still verifies.
    A legal_hold hold keeps an account as it is. Today is head office's (HEADOFFICE_TODAY
    when pinned). All or nothing; a second --apply finds nothing more to do.

    Example:

    \b
      headoffice retention --dry-run
    """
    from headoffice.clock import today
    from headoffice.work.retention import apply_retention, list_past_retention

    engine = open_engine(db_url)
    day = today()
    due = list_past_retention(engine, day)
    if not due:
        click.echo(f"no closed account is past its retention on {day}")
        return
    click.echo(f"{'account':<16} {'policy':<8} {'closed':<10} {'last activity':<13} ended")
    for item in due:
        held = "  (legal hold: kept)" if item.held else ""
        click.echo(
            printable(
                f"{item.account_id:<16} {item.jurisdiction:<8} {item.closed_on!s:<10} "
                f"{item.last_activity!s:<13} {item.ended_on}{held}"
            )
        )
    if dry_run:
        erasable = sum(1 for item in due if not item.held)
        click.echo(f"{erasable} account(s) to erase; run with --apply to erase them")
        return
    erased = apply_retention(engine, day)
    click.echo(f"personal data erased from {len(erased)} account(s); the audit trail records it")
