"""`headoffice refer ACCOUNT --to legal|agency` and `headoffice referrals`: accounts sent to
court or to an agency, with the evidence pack kept for each."""

from __future__ import annotations

from pathlib import Path

import click

from headoffice.cli.options import db_option, open_engine


@click.command("refer")
@db_option
@click.argument("account_id")
@click.option(
    "--to",
    "destination",
    type=click.Choice(["legal", "agency"]),
    help="legal: to court, by the lender's lawyers; agency: to a collection agency.",
)
@click.option("--withdraw", is_flag=True, help="Bring a referred account back to the field.")
@click.option("--note", default="", help="Why; kept with the referral (the trail keeps its hash).")
@click.option("--by", "by", default="head office", show_default=True, help="Who refers it.")
def refer_command(
    db_url: str | None, account_id: str, destination: str | None, withdraw: bool, note: str, by: str
) -> None:
    """Send an account to court or to an agency: it leaves every route, and its evidence
    pack is made and kept with the referral.

    The account is held (`referred`), its open visits are recalled (laptops drop them at
    their next sync) and it cannot be assigned until the referral is withdrawn.

    Example:

    \b
      headoffice refer DA-1001 --to legal --note "three promises broken; letter of 2 Nov unanswered"
    """
    from headoffice.work.referrals import ReferralError, refer
    from headoffice.work.referrals import withdraw as take_back

    if withdraw == (destination is not None):
        raise click.UsageError("give --to legal|agency to refer, or --withdraw to take it back")
    engine = open_engine(db_url)
    try:
        if withdraw:
            take_back(engine, account_id, note, by)
            click.echo(f"{account_id} is back with the field; its referred hold is lifted")
            return
        made = refer(engine, account_id, destination, note, by)
    except ReferralError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{account_id} referred to {destination} (referral {made.id}): {made.events} event(s) "
        f"in its pack, manifest SHA-256 {made.pack_sha256}"
    )


@click.command("referrals")
@db_option
@click.option(
    "--state", type=click.Choice(["referred", "withdrawn"]), help="Only referrals in this state."
)
@click.option("--pack", "pack_id", type=int, metavar="ID", help="Write this referral's pack...")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="... to this zip (with --pack).",
)
def referrals_command(
    db_url: str | None, state: str | None, pack_id: int | None, out: Path | None
) -> None:
    """The accounts referred to court or an agency, newest first; or one referral's pack.

    Example:

    \b
      headoffice referrals --state referred
    """
    from headoffice.work.referrals import ReferralError, every_referral, kept_pack

    engine = open_engine(db_url)
    if pack_id is not None or out is not None:
        if pack_id is None or out is None:
            raise click.UsageError("--pack ID and --out FILE.zip go together")
        try:
            out.write_bytes(kept_pack(engine, pack_id))
        except ReferralError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{out}: the evidence pack of referral {pack_id}")
        return
    found = every_referral(engine, state)
    if not found:
        click.echo("no referrals" + (f" {state}" if state else ""))
        return
    click.echo(f"{'id':>4}  {'account':<12} {'to':<7} {'state':<10} {'when':<17} {'events':>6}  by")
    for r in found:
        when = r.referred_at.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{r.id:>4}  {r.account_id:<12} {r.destination:<7} {r.state:<10} {when:<17} "
            f"{r.events:>6}  {r.referred_by}"
        )
