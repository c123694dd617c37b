"""The PIN at the command line: FIELDAPP_PIN, --pin-stdin or a prompt, and `fieldapp pin change`."""

from __future__ import annotations

import os
import sys
from getpass import getpass

import click

from fieldapp.vault.unlocking import BadPin, Locked, PinNeeded, ask_with, change_pin

# Every command that needs the PIN and cannot have it exits with this.
EXIT_LOCKED = 4


class PinRefused(click.ClickException):
    """The PIN is missing, wrong, not yet allowed, or not a good new one: exit 4."""

    exit_code = EXIT_LOCKED


def expected(error: Exception) -> click.ClickException | None:
    """The PIN's errors as a sentence and exit 4; None for anything else."""
    if isinstance(error, Locked | BadPin):
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

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def line(self, prompt: str, new: bool = False) -> str:
        if self.from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise PinNeeded("--pin-stdin: standard input ended before the PIN")
            return line.rstrip("\r\n")
        if not sys.stdin.isatty():
            what = "needs a PIN chosen" if new else "data is locked"
            raise PinNeeded(
                f"this laptop's {what}: give the PIN in FIELDAPP_PIN, or on standard input "
                "with --pin-stdin"
            )
        return getpass(prompt)

    def __call__(self, new: bool) -> str:
        if not new:
            return self.line("PIN: ")
        pin = self.line("Choose a PIN for this laptop (at least 6 digits, not shown): ", new)
        if not self.from_stdin and self.line("The same PIN again: ") != pin:
            raise BadPin("the two PINs differ; nothing was changed")
        return pin


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
    """Choose a new PIN: the data key is wrapped anew, the data is not rewritten.

    The current PIN comes as for every command (FIELDAPP_PIN, --pin-stdin's first
    line, or asked); the new one from FIELDAPP_NEW_PIN, the next line of standard
    input, or asked twice.

    Example:

    \b
      FIELDAPP_PIN=246810 FIELDAPP_NEW_PIN=135790 fieldapp pin change
    """
    from_stdin = click.get_current_context().meta.get("pin_stdin", False)
    asker = _Asker(from_stdin)
    current = os.environ.get("FIELDAPP_PIN") or asker(False)
    new = os.environ.get("FIELDAPP_NEW_PIN") or asker(True)
    change_pin(home, current, new)
    click.echo("PIN changed: the data key is wrapped under the new PIN; the data is unchanged")


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
    from fieldapp.vault.unlocking import unlock

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
