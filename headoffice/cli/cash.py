"""`headoffice cash`: cash taken at doors, paid in at the bank, and still with each collector."""

from __future__ import annotations

import json

import click

from fieldcore.money import format_money
from headoffice.cli.options import db_option, open_engine


@click.command("cash")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def cash_command(db_url: str | None, fmt: str) -> None:
    """Per collector and currency: cash receipted in the field, deposited, and not yet
    deposited with its age in working days.

    Cash held longer than the policy allows (2 working days unless it says otherwise),
    or taken before a deposit that fell short of it, is also in `headoffice review`.

    Example:

    \b
      headoffice cash --format json
    """
    from headoffice.clock import today
    from headoffice.compliance.policies import policies_in_force
    from headoffice.oversight.cash import cash_lines

    engine = open_engine(db_url)
    with engine.connect() as conn:
        days = policies_in_force(conn).for_country(None).cash_deposit_days
        found = cash_lines(conn, today(), days)
    if fmt == "json":
        rows = [
            {
                "collector": c.collector,
                "currency": c.currency,
                "receipted_minor": c.held.receipted_minor,
                "deposited_minor": c.held.deposited_minor,
                "held_minor": c.held.held_minor,
                "oldest_held": c.held.oldest_held.isoformat() if c.held.oldest_held else None,
                "age_working_days": c.age_days,
                "shortfall_minor": c.held.shortfall_minor,
                "too_old": c.too_old,
            }
            for c in found
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no cash taken in the field yet")
        return
    click.echo(
        f"{'collector':<20} {'receipted':>16} {'deposited':>16} {'held':>16}  "
        f"{'since':<10} {'days':>4}  note"
    )
    for c in found:
        h = c.held
        note = "; ".join(
            filter(
                None,
                [
                    f"over {days} working days" if c.too_old else "",
                    f"short by {format_money(h.shortfall_minor, c.currency)}" if c.short else "",
                ],
            )
        )
        click.echo(
            f"{c.collector[:20]:<20} {format_money(h.receipted_minor, c.currency):>16} "
            f"{format_money(h.deposited_minor, c.currency):>16} "
            f"{format_money(h.held_minor, c.currency):>16}  "
            f"{h.oldest_held.isoformat() if h.oldest_held else '—':<10} {c.age_days:>4}  {note}"
        )
