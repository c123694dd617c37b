"""`fieldapp enroll`, `fieldapp sync` and `fieldapp reset`: this laptop and head office."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from fieldapp.syncing import enroll_laptop, sync_once
from fieldapp.wiping import WipeOrdered, erase, wiped_sentence
from sync.client import SyncError


@click.command()
@click.option("--server", required=True, metavar="URL", help="Head office address.")
@click.option("--token", required=True, help="One-time token from your supervisor.")
@click.option("--name", default=socket.gethostname(), show_default=True, help="This laptop's name.")
@click.option(
    "--pin-sha256",
    "pin",
    metavar="FINGERPRINT",
    help="Accept only head office's certificate with this SHA-256 (as openssl prints it).",
)
@click.option("--insecure", is_flag=True, help="Allow plain http:// beyond this machine.")
@click.pass_obj
def enroll(home: Path, server: str, token: str, name: str, pin: str | None, insecure: bool) -> None:
    """Register this laptop with head office.

    A new laptop's PIN is chosen here (asked twice, or FIELDAPP_PIN, or
    --pin-stdin): it locks the laptop's data. Plain http:// is refused except
    to this machine. With --pin-sha256 (a certificate's fingerprint, not your
    PIN), the laptop accepts head office's certificate only if it is that one,
    now and at every sync, whoever issued it.

    Example:

    \b
      fieldapp enroll --server "$HEADOFFICE_URL" --token "$(headoffice collector token 'Lars Berg')"
    """
    try:
        identity = enroll_laptop(home, server, token, name, pin=pin, insecure=insecure)
    except SyncError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"enrolled as {identity.collector} (laptop {identity.device_code}); run fieldapp sync"
    )


@click.command()
@click.pass_obj
def sync(home: Path) -> None:
    """Send what is waiting and fetch new work, once.

    Example:

    \b
      fieldapp sync
    """
    try:
        report = sync_once(home)
    except WipeOrdered as order:
        raise click.ClickException(wiped_sentence(erase(home), order.undelivered)) from None
    except SyncError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.summary())


@click.command()
@click.option("--yes", is_flag=True, help="Erase without asking first.")
@click.pass_obj
def reset(home: Path, yes: bool) -> None:
    """Erase this laptop's data and its key, to enroll it again.

    For a forgotten PIN or a lost key file. What the laptop had not sent to head
    office is lost: nobody can open it without the PIN. Asks first, unless --yes.

    Example:

    \b
      fieldapp reset --yes
    """
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("give --yes to erase this laptop's data without asking")
        click.confirm(
            f"Erase every borrower, outcome and draft in {home}, and its key? What was not "
            "sent to head office is lost",
            abort=True,
        )
    erased = erase(home)
    done = ", ".join(erased) if erased else "nothing: the folder held no data"
    click.echo(f"erased {done}; enroll this laptop again with fieldapp enroll")
