"""`headoffice review` and `headoffice resolve`: the queue of what needs a supervisor's decision."""

from __future__ import annotations

from datetime import date

import click

from fieldcore.text import printable
from headoffice.cli.options import day_option, db_option, open_engine


@click.command("review")
@db_option
@click.option("--all", "show_all", is_flag=True, help="Resolved items too, with their notes.")
def review_list(db_url: str | None, show_all: bool) -> None:
    """The review queue: disputes, hardship, late outcomes, conflicts, legal candidates.

    Example:

    \b
      headoffice review --all
    """
    from headoffice.clock import today
    from headoffice.oversight.review import review_queue

    items = review_queue(open_engine(db_url), today(), include_resolved=show_all)
    if not items:
        click.echo("nothing to review")
    for item in items:
        when = f"{item.at:%Y-%m-%d}" if item.at else ""
        # Names, reasons and notes come from the field and from core banking:
        # a control character among them would act on the supervisor's terminal.
        click.echo(
            printable(
                f"{item.kind:<9} {item.ref:<38} {item.account_id:<12} {item.borrower_name:<24} "
                f"{item.collector:<16} {when}  {item.summary}"
            )
        )
        if item.resolution:
            r = item.resolution
            click.echo(
                printable(f"{'':<9} resolved by {r.resolved_by} {r.resolved_at:%Y-%m-%d}: {r.note}")
            )


@click.command()
@db_option
@click.argument("kind")
@click.argument("ref")
@click.option("--note", required=True, help="What was decided; kept with the item.")
@click.option("--by", "by", default="head office", show_default=True, help="Who decided.")
@click.option(
    "--accept",
    "decision",
    flag_value="accepted",
    help="dispute: in the borrower's favour; hardship: make the plan; moved: new address; "
    "deceased: confirmed; legal: refer the account to court.",
)
@click.option(
    "--reject",
    "decision",
    flag_value="rejected",
    help="Turn the request down (a dispute's hold lifts either way; a death not confirmed "
    "lifts its hold).",
)
@click.option(
    "--first-date",
    callback=day_option,
    help="hardship --accept: the plan's first instalment, YYYY-MM-DD [default: a month on].",
)
def resolve(
    db_url: str | None,
    kind: str,
    ref: str,
    note: str,
    by: str,
    decision: str | None,
    first_date: date | None,
) -> None:
    """Resolve a review item (KIND and REF as `headoffice review` lists them).

    A dispute, hardship request, move, death or legal referral takes --accept or
    --reject, and the decision acts at once: see each option (a legal referral
    accepted sends the account to court with its evidence pack, as `headoffice refer`).

    Example:

    \b
      headoffice resolve legal ZH-1010 --accept --note "sent to the lawyers" --by "Anna Holm"
    """
    from headoffice.api.resolving import resolve as record
    from headoffice.clock import today
    from headoffice.oversight.review import ReviewError

    try:
        record(open_engine(db_url), today(), kind, ref, note, by, decision, first_date)
    except ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"resolved {kind} {ref}" + (f": {decision}" if decision else ""))
