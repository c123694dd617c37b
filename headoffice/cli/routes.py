"""`headoffice assign`, `reassign` and `recall`: whose route a visit is on, and when."""

from __future__ import annotations

from datetime import date

import click

from fieldcore.stages import Stage
from fieldcore.text import printable
from headoffice.cli.options import db_option, open_engine, point_option, roster_errors, route_date
from headoffice.work import roster


@click.command()
@db_option
@click.option("--collector", "who", required=True, help="Collector's name.")
@route_date
@click.option("--region", help="Every account in this region.")
@click.option("--postal-code", help="Every account whose postal code starts with this.")
@click.option(
    "--stage", type=click.Choice([s.value for s in Stage]), help="Every account at this stage."
)
@click.option("--optimise", is_flag=True, help="Order the route by distance (needs lat/lon).")
@click.option("--start", callback=point_option, metavar="LAT,LON", help="Where the walk starts.")
@click.argument("account_ids", nargs=-1)
def assign(
    db_url: str | None,
    who: str,
    visit_date: date,
    region: str | None,
    postal_code: str | None,
    stage: str | None,
    optimise: bool,
    start: tuple[float, float] | None,
    account_ids: tuple[str, ...],
) -> None:
    """Put accounts on a collector's route: named, or all of a region, postal code or stage.

    The order given is the route order, unless --optimise plans the shortest
    walk from --start (nearest neighbour, then 2-opt), with the collector's due
    follow-ups first (a promise or instalment due that day, or missed). An
    account on someone else's route that day moves to this collector.

    Example:

    \b
      headoffice assign --collector "Wei Chen" --date 2026-11-24 --region Zealand --optimise
    """
    from headoffice.clock import today
    from headoffice.work.assignment import Selection
    from headoffice.work.assignment import assign as assign_accounts

    selection = Selection(account_ids, region, postal_code, Stage(stage) if stage else None)
    engine = open_engine(db_url)
    follow_ups = None
    if optimise:
        from headoffice.oversight.follow_ups import due_follow_ups

        with engine.connect() as conn:
            follow_ups = due_follow_ups(conn, who, visit_date)
    done = roster_errors(
        assign_accounts, engine, who, visit_date, selection, today(), optimise, start, follow_ups
    )
    click.echo(f"assigned {len(done.account_ids)} visit(s) to {who} on {visit_date}")
    if done.follow_ups_first:
        click.echo(f"first the {done.follow_ups_first} follow-up(s) due: promises and instalments")
    if done.km is not None:
        click.echo(f"planned walk: {done.km:.1f} km")
    if done.without_coordinates:
        click.echo(f"{len(done.without_coordinates)} without coordinates are at the end")
    if done.not_visitable:
        click.echo(f"left out {len(done.not_visitable)} that may not be visited on {visit_date}:")
        for account_id, rules in done.not_visitable.items():
            click.echo(f"  {printable(account_id)}: {', '.join(rules)}")
    if done.notice_too_soon:
        click.echo(
            f"warning: {len(done.notice_too_soon)} visit(s) come before their written notice "
            "can have reached the borrower; the collector may not visit until:"
        )
        for account_id, first_day in done.notice_too_soon.items():
            click.echo(f"  {printable(account_id)}: from {first_day}")
        click.echo(
            "  the next `headoffice messages run` prints the notices; they count once "
            "`headoffice messages posted` marks their batch"
        )


@click.command()
@db_option
@click.option("--from", "giver", required=True, help="Collector whose stops move.")
@click.option("--to", "taker", required=True, help="Collector who takes them.")
@route_date
def reassign(db_url: str | None, giver: str, taker: str, visit_date: date) -> None:
    """Move a collector's unvisited stops of a day to another (off sick, car broke down).

    Stops with an outcome stay. The moved stops follow the taker's own; both
    laptops change at their next sync.

    Example:

    \b
      headoffice reassign --from "Lars Berg" --to "Wei Chen" --date 2026-11-23
    """
    moved = roster_errors(roster.reassign, open_engine(db_url), giver, taker, visit_date)
    click.echo(f"moved {len(moved)} stop(s) from {giver} to {taker} on {visit_date}")


@click.command()
@db_option
@route_date
@click.argument("account_ids", nargs=-1, required=True)
def recall(db_url: str | None, visit_date: date, account_ids: tuple[str, ...]) -> None:
    """Take visits back; they leave the laptop at its next sync.

    Example:

    \b
      headoffice recall --date 2026-11-23 DA-1002
    """
    count = roster_errors(roster.recall, open_engine(db_url), visit_date, list(account_ids))
    click.echo(f"recalled {count} visit(s) on {visit_date}")
