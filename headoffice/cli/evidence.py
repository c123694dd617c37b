"""`headoffice evidence ACCOUNT --out FILE.zip` and `headoffice evidence verify FILE.zip`."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from pathlib import Path

import click

from headoffice.cli.options import db_option, open_engine


class _AccountOrVerify(click.Group):
    # `evidence ACCOUNT --out FILE` makes a pack and `evidence verify FILE` checks one: a
    # first word that is not a subcommand is the account, for the `make` subcommand.
    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["make", *args]
        return super().resolve_command(ctx, args)


@click.group("evidence", cls=_AccountOrVerify, invoke_without_command=False)
def evidence() -> None:
    """An account's file for a court, a regulator or a dispute, and the check of one.

    \b
      headoffice evidence ACCOUNT --out FILE.zip   the pack: evidence.json, evidence.pdf
                                                   (in the borrower's language) and
                                                   manifest.sha256
      headoffice evidence verify FILE.zip          the pack checked against the database

    Example:

    \b
      headoffice evidence DA-1001 --out DA-1001.zip
    """


@evidence.command("make", hidden=True)
@db_option
@click.argument("account_id")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The zip to write (replaced whole, only once it is complete).",
)
def make_command(db_url: str | None, account_id: str, out: Path) -> None:
    """Make the account's evidence pack.

    Example:

    \b
      headoffice evidence DA-1001 --out DA-1001.zip
    """
    from headoffice.evidence.events import count_events
    from headoffice.evidence.pack import NoSuchAccount, make_pack

    engine = open_engine(db_url)
    with engine.connect() as conn:
        total = count_events(conn, account_id)
    # As `headoffice serve` does at start: what is loaded by now lives until the command
    # ends, and the collector's full passes need not walk it again and again mid-pack.
    gc.collect()
    gc.freeze()
    folder = out.resolve().parent
    if not folder.is_dir():
        raise click.ClickException(f"there is no folder {folder} to write {out.name} in")
    # Written beside the target and renamed into place: a pack cut short by a crash or a
    # full disk never stands where a finished one is expected.
    handle, draft = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as sink,
            click.progressbar(
                length=max(total, 1),
                label="making the pack",
                file=sys.stderr,
                hidden=total < 5000 or not sys.stderr.isatty(),
            ) as bar,
        ):
            made = make_pack(engine, account_id, sink, progress=bar.update)
        os.replace(draft, out)
    except NoSuchAccount as missing:
        raise click.ClickException(str(missing)) from None
    finally:
        if os.path.exists(draft):
            os.unlink(draft)
    click.echo(
        f"{out}: {made.events} event(s) of account {account_id}, at audit entry "
        f"{made.head_seq}; manifest SHA-256 {made.sha256}"
    )


@evidence.command("verify")
@db_option
@click.argument(
    "file", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--referral", type=int, metavar="ID", help="Check the pack kept with a referral.")
def verify_command(db_url: str | None, file: Path | None, referral: int | None) -> None:
    """Check a pack (a file, or the one kept with a referral): its manifest, and every entry
    and record it holds against the audit trail.

    Exit 0 when all of it holds; exit 1 naming each difference.

    Example:

    \b
      headoffice evidence verify --referral 1
    """
    from headoffice.evidence.pack import verify_pack
    from headoffice.work.referrals import ReferralError, kept_pack

    if (file is None) == (referral is None):
        raise click.UsageError("name a pack: FILE.zip, or --referral ID")
    engine = open_engine(db_url)
    with tempfile.TemporaryDirectory() as scratch:
        if referral is not None:
            try:
                path = Path(scratch) / f"referral-{referral}.zip"
                path.write_bytes(kept_pack(engine, referral))
            except ReferralError as error:
                raise click.ClickException(str(error)) from None
            name = f"the pack of referral {referral}"
        else:
            path, name = file, str(file)
        problems = verify_pack(engine, str(path))
    if problems:
        for problem in problems[:20]:
            click.echo(f"  {problem}", err=True)
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise click.ClickException(f"{name} does not match the database{more}")
    click.echo(f"{name}: matches the database and the audit trail")
