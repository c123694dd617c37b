"""`fieldapp follow-ups` and `fieldapp arrangements`: who to see again, and what was agreed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fieldapp.store import Store, VisitNotFound
from fieldcore.money import format_money
from fieldcore.text import printable


@click.command("follow-ups")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def follow_ups(home: Path, as_json: bool) -> None:
    """Borrowers to see again: callbacks, promises and instalments due today, and missed ones.

    Read from this laptop alone: what head office judged at the last sync, and what
    was recorded here since.

    Example:

    \b
      fieldapp follow-ups
    """
    store = Store(home)
    try:
        found = store.follow_ups(store.today())
    finally:
        store.close()
    rows = [
        {
            "day": f.visit_date.isoformat(),
            "account_id": f.account_id,
            "borrower_name": f.borrower_name,
            "why": f.why,
            "detail": f.detail,
            "visit_id": f.visit_id,
        }
        for f in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no follow-ups on this laptop")
        return
    for r in rows:
        who = f"{r['account_id']:<12} {r['borrower_name']:<24}"
        click.echo(printable(f"{r['day']}  {who} {r['why']:<8} {r['detail']}"))


@click.command()
@click.argument("account_id")
@click.pass_obj
def arrangements(home: Path, account_id: str) -> None:
    """An account's promises and plans, instalment by instalment, with what was paid.

    Example:

    \b
      fieldapp arrangements DA-1002
    """
    store = Store(home)
    try:
        store.account(account_id)
        parts = store.arrangements_for_account(account_id, store.today())
    except VisitNotFound as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if not parts:
        click.echo(f"{account_id} has no promise or plan on this laptop")
        return
    for p in parts:
        sent = "" if p.sent else "  (not sent yet)"
        click.echo(
            f"{p.kind:<8} {p.number:>3}/{p.count:<3} {p.due.isoformat()}  "
            f"{format_money(p.amount_minor, p.currency):>16} "
            f"{format_money(p.paid_minor, p.currency):>16}  {p.state.value}{sent}"
        )
