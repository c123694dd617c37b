"""`fieldapp check`: may this borrower (or this person) be contacted now, and if not, why."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from fieldapp.contacting import check_contact
from fieldapp.store import Store, VisitNotFound
from fieldcore.contact_fields import ContactRole
from fieldcore.i18n import set_language
from fieldcore.text import printable

ROLES = tuple(role.value for role in ContactRole)


def _moment(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a moment: write it like 2026-12-07T10:30 or 2026-12-07T10:30+01:00"
        ) from None


@click.command()
@click.argument("account_id")
@click.option(
    "--channel", required=True, type=click.Choice(["visit", "phone"]), help="How you would contact."
)
@click.option(
    "--role",
    default="borrower",
    show_default=True,
    type=click.Choice(ROLES),
    help="Whom you would contact.",
)
@click.option(
    "--at",
    callback=_moment,
    metavar="ISO8601",
    help="When; without an offset, the borrower's local time [default: now].",
)
@click.option("--json", "as_json", is_flag=True, help="Answer as JSON.")
@click.pass_obj
def check(
    home: Path, account_id: str, channel: str, role: str, at: datetime | None, as_json: bool
) -> None:
    """May you contact this borrower (or this person) now? Exit 0 if allowed, 3 if blocked.

    Judged on this laptop, by the contact policy of the borrower's country, in the
    borrower's time, with every attempt this laptop knows of. Prints `allowed`, or
    one `blocked: RULE: why` line per rule, then when contact is next allowed.

    Example:

    \b
      fieldapp check DA-1002 --channel visit --at 2026-12-07T10:30
    """
    store = Store(home)
    try:
        set_language(store.setting("ui_language") or "en")
        found = check_contact(store, account_id, channel, role, at)
    except VisitNotFound as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    decision = found.decision
    later = decision.next_allowed
    if as_json:
        answer = {
            "account_id": account_id,
            "channel": channel,
            "role": role,
            "at": decision.at.astimezone(found.zone).isoformat(),
            "policy": found.policy.jurisdiction,
            "policy_version": found.policy.version,
            "allowed": decision.allowed,
            "blocks": [
                {"rule": b.rule, "said": b.said(), "english": b.said("en")} for b in decision.blocks
            ],
            "next_allowed": later.isoformat() if later else None,
        }
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    elif decision.allowed:
        click.echo("allowed")
    else:
        for block in decision.blocks:
            click.echo(f"blocked: {block.rule}: {printable(block.said())}")
        if later is not None:
            click.echo(f"next allowed: {later:%Y-%m-%d %H:%M} ({found.zone.key})")
    if not decision.allowed:
        click.get_current_context().exit(3)
