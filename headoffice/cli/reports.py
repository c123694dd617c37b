"""`headoffice numbers` and `headoffice export`: what the field achieved; data for core banking."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import click

from fieldcore.money import format_money
from headoffice.cli.options import day_option, db_option, open_engine
from headoffice.oversight import exports

# Taken in the field, paid through core banking's payment files, and the two added up.
MONEY = ("field", "bank", "collected")


@click.command("numbers")
@db_option
@click.option(
    "--by", type=click.Choice(["collector", "stage", "day"]), default="collector", show_default=True
)
@click.option("--since", callback=day_option, help="First day, YYYY-MM-DD [default: 13 days ago].")
@click.option("--until", callback=day_option, help="Last day, YYYY-MM-DD [default: today].")
def numbers_command(db_url: str | None, by: str, since: date | None, until: date | None) -> None:
    """Contact rate, promises taken and kept, contacts against the policy, money collected.

    Breaches are contacts the policy blocks that head office found on arrival;
    overrides, those the collector recorded anyway with a reason.

    Example:

    \b
      headoffice numbers --by stage --since 2026-11-16
    """
    from headoffice.clock import today
    from headoffice.oversight.numbers import numbers, totals

    until = until or today()
    since = since or until - timedelta(days=13)
    try:
        found = numbers(open_engine(db_url), by, since, until, today())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    rows = [*found, totals(found)]
    money = [
        [_money(r.collected_field), _money(r.collected_bank), _money(r.collected)] for r in rows
    ]
    # Each money column as wide as its widest cell: a row may hold several currencies.
    widths = [max(len(title), *(len(cells[i]) for cells in money)) for i, title in enumerate(MONEY)]
    click.echo(
        f"{by:<20} {'visits':>7} {'contact':>8} {'promised':>9} {'kept':>5} {'broken':>7} "
        f"{'breaches':>8} {'overrides':>9}  " + _columns(MONEY, widths)
    )
    for row, cells in zip(rows, money, strict=True):
        click.echo(
            f"{row.key:<20} {row.visits:>7} {row.contact_rate:>8.0%} {row.promises_taken:>9} "
            f"{row.promises_kept:>5} {row.promises_broken:>7} {row.policy_breaches:>8} "
            f"{row.policy_overrides:>9}  " + _columns(cells, widths)
        )


def _money(by_currency: dict[str, int]) -> str:
    return ", ".join(format_money(m, c) for c, m in sorted(by_currency.items())) or "-"


def _columns(cells: list[str] | tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


@click.command()
@db_option
@click.argument("what", type=click.Choice(["outcomes", "corrections", "accounts"]))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
def export(db_url: str | None, what: str, fmt: str, output: Path | None) -> None:
    """Export outcomes or corrections from the field, or the accounts, for core banking.

    Example:

    \b
      headoffice export outcomes --format csv --output outcomes.csv
    """
    engine = open_engine(db_url)
    rows, columns = {
        "outcomes": (exports.outcome_rows, exports.OUTCOME_COLUMNS),
        "corrections": (exports.correction_rows, exports.CORRECTION_COLUMNS),
        "accounts": (exports.account_rows, exports.ACCOUNT_COLUMNS),
    }[what]
    text = exports.render(rows(engine), fmt, columns)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
