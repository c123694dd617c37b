"""`headoffice hold`, `release` and `notice record`: stop contact, lift it, note a letter sent."""

from __future__ import annotations

from datetime import date

import click

from fieldcore.contact import HoldReason, NoticeKind
from headoffice.cli.options import day_option, db_option, open_engine

_REASONS = click.Choice([r.value for r in HoldReason])


@click.command()
@db_option
@click.argument("account_id")
@click.option("--reason", required=True, type=_REASONS, help="Why contact stops.")
@click.option("--note", default="", help="What happened; kept with the hold.")
@click.option("--by", "by", default="head office", show_default=True, help="Who holds it.")
def hold(db_url: str | None, account_id: str, reason: str, note: str, by: str) -> None:
    """Stop all contact with an account until it is released; laptops learn at their next sync.

    cease: the borrower asked in writing; attorney: contact the attorney only; dispute:
    until the debt is verified; bankruptcy, deceased, vulnerable. legal_hold is the one
    that stops no contact: it keeps the account's records from erasure at retention.

    Example:

    \b
      headoffice hold DA-1005 --reason cease --note "letter of 20 Nov asks us to stop"
    """
    from headoffice.compliance.holds import HoldError
    from headoffice.work.holds import place_hold

    try:
        place_hold(open_engine(db_url), account_id, reason, note, by)
    except HoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{account_id} is on hold ({reason}); laptops get it at their next sync")


@click.command()
@db_option
@click.argument("account_id")
@click.option("--reason", required=True, type=_REASONS, help="Which hold to lift.")
@click.option("--note", default="", help="Why it is lifted; kept with the hold.")
@click.option("--by", "by", default="head office", show_default=True, help="Who lifts it.")
def release(db_url: str | None, account_id: str, reason: str, note: str, by: str) -> None:
    """Lift an account's hold; contact may resume as the policy allows.

    Example:

    \b
      headoffice release ZH-1012 --reason vulnerable --note "spoke to the family; may call"
    """
    from headoffice.compliance.holds import HoldError
    from headoffice.work.holds import release_hold

    try:
        release_hold(open_engine(db_url), account_id, reason, note, by)
    except HoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{account_id}: the {reason} hold is lifted; laptops get it at their next sync")


@click.group()
def notice() -> None:
    """Written notices sent to borrowers outside fieldapp (a visit notice, a warning).

    Example:

    \b
      headoffice notice record DA-1001 --kind visit_notice --sent-on 2026-11-18
    """


@notice.command("record")
@db_option
@click.argument("account_id")
@click.option(
    "--kind", required=True, type=click.Choice([k.value for k in NoticeKind]), help="Which notice."
)
@click.option("--sent-on", required=True, callback=day_option, help="When it was sent, YYYY-MM-DD.")
@click.option("--by", "by", default="head office", show_default=True, help="Who records it.")
def notice_record(db_url: str | None, account_id: str, kind: str, sent_on: date, by: str) -> None:
    """Record a written notice sent to the borrower; a visit notice counts for the visit rule.

    Example:

    \b
      headoffice notice record DA-1001 --kind visit_notice --sent-on 2026-11-18
    """
    from headoffice.clock import today
    from headoffice.compliance.holds import HoldError
    from headoffice.work.holds import record_notice

    try:
        record_notice(open_engine(db_url), account_id, kind, sent_on, by, today())
    except HoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{kind} sent on {sent_on} recorded for {account_id}")
