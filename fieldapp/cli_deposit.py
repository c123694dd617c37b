"""`fieldapp deposit`: the day's cash paid in at the bank, recorded with the bank's slip."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from fieldapp.store import Store
from fieldcore.errors import FieldErrors
from fieldcore.money import format_money


@click.command()
@click.option("--amount", required=True, help="What you paid in, in major units, e.g. 1250.00.")
@click.option("--currency", required=True, help="Its currency, e.g. DKK.")
@click.option("--slip", required=True, metavar="REF", help="The number on the bank's slip.")
@click.option(
    "--at",
    "at",
    metavar="ISO8601",
    help="When it was paid in, with its offset [default: now].",
)
@click.pass_obj
def deposit(home: Path, amount: str, currency: str, slip: str, at: str | None) -> None:
    """Record cash paid in at the bank; saved here at once, sent at the next sync.

    Head office sets it against the cash you receipted: what is still with you, and
    for how long, is in the supervisor's `headoffice cash`.

    Example:

    \b
      fieldapp deposit --amount 500.00 --currency DKK --slip NB-448120
    """
    when = None
    if at is not None:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            raise click.BadParameter(
                f"{at!r} is not a moment like 2026-11-23T16:30+01:00"
            ) from None
        if when.tzinfo is None:
            raise click.BadParameter("give the moment with its offset, like 2026-11-23T16:30+01:00")
    store = Store(home)
    try:
        saved = store.record_deposit({"amount": amount, "currency": currency, "slip": slip}, when)
    except FieldErrors as error:
        for field, reason in error.errors.items():
            click.echo(f"--{field}: {reason}", err=True)
        raise click.ClickException("deposit not saved; nothing was changed") from None
    finally:
        store.close()
    money = format_money(saved.amount_minor, saved.currency)
    click.echo(f"saved deposit of {money} (slip {saved.slip}); it will go at the next sync")
