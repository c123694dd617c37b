"""`headoffice arrangements`: promises and plans with their instalments, judged against payments."""

from __future__ import annotations

import json

import click

from fieldcore.money import format_money
from headoffice.cli.options import db_option, open_engine


@click.command("arrangements")
@db_option
@click.argument("account_id", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def arrangements_command(db_url: str | None, account_id: str | None, fmt: str) -> None:
    """Promises and payment plans, each instalment with what was paid toward it and its state.

    open: not yet due; kept: paid in full by its date; partly_kept: due and passed with
    part paid; broken: due and passed with nothing paid; replaced: a newer promise or
    plan took over. Payments from the field and from core banking both count.

    Example:

    \b
      headoffice arrangements DA-1002
    """
    from headoffice.clock import today
    from headoffice.ledger.judging import judged_instalments

    engine = open_engine(db_url)
    with engine.connect() as conn:
        found = judged_instalments(conn, today(), [account_id] if account_id else None)
    if account_id and not found:
        click.echo(f"{account_id} has no promise or plan")
        return
    if fmt == "json":
        rows = [
            {
                "arrangement": j.arrangement_id,
                "kind": j.kind,
                "account_id": j.account_id,
                "collector": j.collector,
                "made_on": j.made_on.isoformat(),
                "instalment": j.number,
                "of": j.count,
                "due": j.due.isoformat(),
                "currency": j.currency,
                "amount_minor": j.amount_minor,
                "paid_minor": j.paid_minor,
                "paid_by_due_minor": j.on_time_minor,
                "state": j.state.value,
            }
            for j in found
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{'account':<12} {'kind':<8} {'made':<10} {'part':>5} {'due':<10} "
        f"{'amount':>16} {'paid':>16}  state"
    )
    for j in found:
        click.echo(
            f"{j.account_id:<12} {j.kind:<8} {j.made_on.isoformat():<10} "
            f"{f'{j.number}/{j.count}':>5} {j.due.isoformat():<10} "
            f"{format_money(j.amount_minor, j.currency):>16} "
            f"{format_money(j.paid_minor, j.currency):>16}  {j.state.value}"
        )
