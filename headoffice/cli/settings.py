"""`headoffice settings`: the lender's name, address and phone, for scripts, receipts, summaries."""

from __future__ import annotations

from collections.abc import Callable

import click

from fieldcore.text import printable
from headoffice.cli.options import db_option, open_engine


@click.group("settings")
def settings() -> None:
    """Head office's settings: the lender's name, address and phone.

    Laptops get them at their next sync: the call scripts say the name where
    they say {lender}, receipts show all three, and the day summary says whom
    to deposit with.

    Example:

    \b
      headoffice settings set lender.name "Nordbank A/S"
    """


@settings.command("show")
@db_option
def show(db_url: str | None) -> None:
    """Every setting and its value.

    Example:

    \b
      headoffice settings show
    """
    from headoffice.work.settings import current

    for setting in current(open_engine(db_url)):
        value = printable(setting.value) if setting.value is not None else "(not set)"
        click.echo(f"{setting.key:<16}{value}")


@settings.command("set")
@db_option
@click.argument("key")
@click.argument("value")
def set_command(db_url: str | None, key: str, value: str) -> None:
    """Set KEY (lender.name, lender.address or lender.phone) to VALUE.

    Laptops get it at their next sync. VALUE is one line: a name up to 100
    characters, an address up to 200, a phone of digits, spaces and a + at the
    start.

    Example:

    \b
      headoffice settings set lender.name "Nordbank A/S"
    """
    from headoffice.work.settings import set_setting

    engine = open_engine(db_url)
    shown = printable(value.strip())
    if _refusals(set_setting, engine, key, value):
        click.echo(f'{key} is now "{shown}"; laptops get it at their next sync')
    else:
        click.echo(f'{key} is already "{shown}"; nothing changed')


@settings.command("unset")
@db_option
@click.argument("key")
def unset(db_url: str | None, key: str) -> None:
    """Clear KEY; laptops then say it neutrally ("the lender").

    Example:

    \b
      headoffice settings unset lender.phone
    """
    from headoffice.work.settings import set_setting

    if _refusals(set_setting, open_engine(db_url), key, None):
        click.echo(f"{key} is no longer set; laptops get the change at their next sync")
    else:
        click.echo(f"{key} was not set; nothing changed")


def _refusals(action: Callable[..., bool], *args: object) -> bool:
    """Run a settings action; a refused key or value is a usage error naming the argument."""
    from headoffice.work.settings import SettingRefused

    try:
        return action(*args)
    except SettingRefused as refused:
        raise click.BadParameter(
            printable(str(refused)), param_hint=refused.field.upper()
        ) from None
