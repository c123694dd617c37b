"""`fieldapp audit verify`: the laptop's audit chain and its records, as recorded."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("audit")
def audit_group() -> None:
    """The laptop's audit chain: each record saved here, chained by hash.

    Example:

    \b
      fieldapp audit verify
    """


@audit_group.command("verify")
@click.pass_obj
def verify_command(home: Path) -> None:
    """Recompute every link of the laptop's chain and compare each record with its entry.

    Exit 0 with the count when all holds; exit 1 naming the first break: the entry,
    or the record and the fields that differ.

    Example:

    \b
      fieldapp audit verify
    """
    from fieldapp.auditing import verify_laptop
    from fieldapp.store import Store

    store = Store(home)
    try:
        count, broken = verify_laptop(store)
    finally:
        store.close()
    if broken is not None:
        raise click.ClickException(f"audit trail broken: {broken}")
    click.echo(f"audit trail intact: {count} entries")
