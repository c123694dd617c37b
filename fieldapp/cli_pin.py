"""The PIN at the command line: FIELDAPP_PIN, --pin-stdin or a prompt, and `fieldapp pin change`."""

from __future__ import annotations

import os
import sys
from getpass import getpass

import click

from fieldapp.vault.keyfile import KeyFileDamaged
from fieldapp.vault.unlocking import (
    BadPin,
    Locked,
    PinNeeded,
    ask_with,
    change_pin,
    pin_problem,
    unlock,
)

# Every command that needs the PIN and cannot have it exits with this.
EXIT_LOCKED = 4


class PinRefused(click.ClickException):
    """The PIN is missing, wrong, not yet allowed, or not a good new one: exit 4."""

    exit_code = EXIT_LOCKED


def expected(error: Exception) -> click.ClickException | None:
    """The PIN's errors as a sentence and exit 4; None for anything else."""
    if isinstance(error, Locked | BadPin | KeyFileDamaged):
        return PinRefused(str(error))
    return None


def strip_pin_stdin(args: list[str]) -> tuple[list[str], bool]:
    """`--pin-stdin` taken out wherever it stands (before or after the command, not after --)."""
    end = args.index("--") if "--" in args else len(args)
    found = "--pin-stdin" in args[:end]
    kept = [arg for i, arg in enumerate(args) if i >= end or arg != "--pin-stdin"]
    return kept, found


class _Asker:
    """Asks for PINs the way the command was told to: one line each from standard input with
    --pin-stdin, else at the terminal, never echoed; never asks a stdin that is no terminal."""

    # At a terminal a new PIN that is refused is asked again, this many times in all.
    TRIES = 3

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def line(self, prompt: str, new: bool = False) -> str:
        if self.from_stdin and sys.stdin.isatty():
            return getpass(prompt)  # --pin-stdin typed at a terminal: still never echoed
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise PinNeeded("--pin-stdin: standard input ended before the PIN")
            return line.rstrip("\r\n")
        if not sys.stdin.isatty():
            what = "this laptop needs a PIN" if new else "this laptop's data is locked"
            raise PinNeeded(
                f"{what}: give the PIN in FIELDAPP_PIN, or on standard input with "
                "--pin-stdin (at a terminal it is asked)"
            )
        return getpass(prompt)

    def __call__(self, new: bool, current: bool = False) -> str:
        if not new:
            return self.line("Current PIN: " if current else "PIN of this laptop: ")
        what = "New PIN" if current else "Choose a PIN for this laptop"
        for _ in range(1 if self.from_stdin else self.TRIES):
            pin = self.line(f"{what} (6 digits or more, or a passphrase; not shown): ", new)
            problem = pin_problem(pin)
            if (
                problem is None
                and not self.from_stdin
                and self.line("The same PIN again: ", new) != pin
            ):
                problem = "the two PINs differ"
            if problem is None:
                return pin
            if self.from_stdin:
                raise BadPin(problem)
            click.echo(f"{problem}; choose again", err=True)
        raise BadPin(f"no PIN chosen after {self.TRIES} tries; nothing was changed")


def ask_at_command_line(from_stdin: bool) -> None:
    """From now on this process asks for a PIN it needs as the command line was told."""
    ask_with(_Asker(from_stdin))


@click.group("pin")
def pin_group() -> None:
    """The PIN that locks this laptop's data.

    It is set when the laptop is enrolled; every command that opens the data asks for
    it, or takes it from FIELDAPP_PIN or --pin-stdin.

    Example:

    \b
      FIELDAPP_PIN=246810 FIELDAPP_NEW_PIN=135790 fieldapp pin change
    """


@pin_group.command("change")
@click.pass_obj
def change(home) -> None:
    """Choose a new PIN for this laptop; your data stays as it was.

    At a terminal the current PIN is asked, then the new one twice. A script gives
    the current one in FIELDAPP_PIN or on the first line of standard input
    (--pin-stdin), and the new one in FIELDAPP_NEW_PIN or on the next line.

    Example:

    \b
      FIELDAPP_PIN=246810 FIELDAPP_NEW_PIN=135790 fieldapp pin change
    """
    from_stdin = click.get_current_context().meta.get("pin_stdin", False)
    asker = _Asker(from_stdin)
    current = os.environ.get("FIELDAPP_PIN") or asker(False, current=True)
    unlock(home, current)  # a wrong one is said now, before the new one is asked
    new = os.environ.get("FIELDAPP_NEW_PIN") or asker(True, current=True)
    change_pin(home, current, new)
    click.echo("PIN changed: use the new one from now on (your data stays as it was)")


@pin_group.command("keyring")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.pass_obj
def keyring_command(home, state: str) -> None:
    """Let the system keyring open this laptop's data too (on), or only the PIN (off).

    With it on, the app and the commands open without the PIN while your login
    session holds the keyring; the idle lock still asks the PIN, and the PIN
    always opens the data. Turning it on needs the PIN.

    Example:

    \b
      fieldapp pin keyring off
    """
    from fieldapp.vault.keyring_wrap import NoKeyring, keyring_off, keyring_on

    if state == "off":
        keyring_off(home)
        click.echo("keyring off: only the PIN opens this laptop's data")
        return
    from_stdin = click.get_current_context().meta.get("pin_stdin", False)
    pin = os.environ.get("FIELDAPP_PIN") or _Asker(from_stdin)(False)
    try:
        name = keyring_on(home, unlock(home, pin))
    except NoKeyring as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"keyring on ({name}): this laptop opens without the PIN while you are logged in")
