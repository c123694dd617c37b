"""`headoffice collector` and `headoffice supervisor`: people, their laptops and their tokens."""

from __future__ import annotations

import click

from headoffice.cli.options import db_option, open_engine, roster_errors
from headoffice.work import roster


@click.group()
def collector() -> None:
    """Add collectors and manage their laptops.

    Example:

    \b
      headoffice collector add "Mette Jensen" --language da --timezone Europe/Copenhagen
    """


@collector.command("add")
@db_option
@click.argument("name")
@click.option("--language", type=click.Choice(["en", "da", "zh"]), default="en", show_default=True)
@click.option("--timezone", default="UTC", show_default=True, help="IANA zone, e.g. Asia/Shanghai.")
def collector_add(db_url: str | None, name: str, language: str, timezone: str) -> None:
    """Add a collector; the last line printed is their one-time enrollment token.

    Example:

    \b
      headoffice collector add "Mette Jensen" --language da --timezone Europe/Copenhagen
    """
    token = roster_errors(roster.add_collector, open_engine(db_url), name, language, timezone)
    click.echo(f"added collector {name}; enroll their laptop with:")
    click.echo(f"  fieldapp enroll --server URL --token {token}")
    click.echo(token)


@collector.command("token")
@db_option
@click.argument("name")
def collector_token(db_url: str | None, name: str) -> None:
    """A new one-time enrollment token for a collector's new or replaced laptop.

    Example:

    \b
      headoffice collector token "Lars Berg"
    """
    click.echo(roster_errors(roster.new_enrollment, open_engine(db_url), name))


@collector.command("revoke")
@db_option
@click.argument("name")
@click.option(
    "--wipe",
    is_flag=True,
    help="Also order each laptop to erase its borrowers' data at its next contact.",
)
def collector_revoke(db_url: str | None, name: str, wipe: bool) -> None:
    """Revoke every laptop of a collector (lost or stolen): they can no longer sync.

    With --wipe, a laptop that reaches head office again first delivers what it
    has waiting (nothing recorded is lost), then erases its data.

    Example:

    \b
      headoffice collector revoke "Demo Collector"
    """
    done = roster_errors(roster.revoke_devices, open_engine(db_url), name, wipe)
    ordered = (
        f", {done.wipe_ordered} ordered wiped at their next contact" if done.wipe_ordered else ""
    )
    click.echo(f"revoked {done.revoked} laptop(s) of {name}{ordered}")


@click.group()
def supervisor() -> None:
    """Supervisors' tokens for the supervisor API and the console.

    Example:

    \b
      headoffice supervisor add "Karin Lund"
    """


@supervisor.command("add")
@db_option
@click.argument("name")
def supervisor_add(db_url: str | None, name: str) -> None:
    """Add a supervisor; the last line printed is their token (shown only now).

    Example:

    \b
      headoffice supervisor add "Karin Lund"
    """
    from headoffice.work.supervisors import add_supervisor

    token = roster_errors(add_supervisor, open_engine(db_url), name)
    click.echo(f"added supervisor {name}; open the console with:")
    click.echo(f"  headoffice console --server URL --token {token}")
    click.echo(token)


@supervisor.command("revoke")
@db_option
@click.argument("name")
def supervisor_revoke(db_url: str | None, name: str) -> None:
    """Stop a supervisor's token from working.

    Example:

    \b
      headoffice supervisor revoke "Ole Sand"
    """
    from headoffice.work.supervisors import revoke_supervisor

    roster_errors(revoke_supervisor, open_engine(db_url), name)
    click.echo(f"revoked supervisor {name}")
