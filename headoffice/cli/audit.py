"""`headoffice audit verify|anchor`: the audit trail recomputed, and its head to lodge elsewhere."""

from __future__ import annotations

import re

import click

from headoffice.cli.options import db_option, open_engine

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(_ctx, _param, value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    found = _ANCHOR.match(value.strip().lower())
    if not found:
        raise click.BadParameter("give it as `headoffice audit anchor` prints it: SEQ:HASH")
    return int(found[1]), found[2]


@click.group("audit")
def audit() -> None:
    """The audit trail: outcomes, payments, deposits, arrangements, holds... chained by hash.

    Each entry holds the SHA-256 of the one before it and of each field of the row it
    records (or of what a supervisor did), so an edit made in the database behind head
    office's back is found.

    Example:

    \b
      headoffice audit verify
    """


@audit.command("verify")
@db_option
@click.option(
    "--anchor",
    metavar="SEQ:HASH",
    callback=_anchor,
    help="A head lodged earlier (audit anchor): prove nothing up to it changed since.",
)
def verify_command(db_url: str | None, anchor: tuple[int, str] | None) -> None:
    """Recompute every link of the trail and compare every audited row with its entry.

    Exit 0 with the count when all holds; exit 1 naming the first break: the entry,
    or the table, the id and the fields that differ.

    Example:

    \b
      headoffice audit verify
    """
    from headoffice.evidence.trail import verify

    count, broken = verify(open_engine(db_url), anchor)
    if broken is not None:
        raise click.ClickException(f"audit trail broken: {broken}")
    since = f" (from anchor {anchor[0]})" if anchor else ""
    click.echo(f"audit trail intact: {count} entries{since}")


@audit.command("anchor")
@db_option
def anchor_command(db_url: str | None) -> None:
    """Print the trail's head (SEQ:HASH) and its time, to lodge outside head office.

    E-mail it to compliance or a timestamping service; `audit verify --anchor` later
    proves that nothing recorded up to it changed.

    Example:

    \b
      headoffice audit anchor
    """
    from fieldcore.audit import plain_value
    from headoffice.evidence.trail import head

    found = head(open_engine(db_url))
    when = str(plain_value(found.at)) if found.at else "no entry yet"
    click.echo(f"{found.seq}:{found.entry_hash}  {when}")
