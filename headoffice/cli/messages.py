"""`headoffice messages run|list|batches|posted` and `headoffice opt-out`: what goes out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from headoffice import clock
from headoffice.cli.channels import channel_options, open_senders
from headoffice.cli.options import day_option, db_option, open_engine

if TYPE_CHECKING:
    from headoffice.work.messages_run import RunReport


def _moment(_ctx, _param, value: str | None) -> datetime | None:
    """A click callback: an ISO 8601 moment; one without an offset is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give it as ISO 8601, like 2026-12-05T08:30:00+00:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group("messages")
def messages() -> None:
    """Reminders, notices and receipts that head office sends by itself.

    \b
    Run `headoffice messages run` from cron every few minutes (or `headoffice serve
    --messages`): each run plans what is due, queues each message once, sends the
    e-mails and texts whose hour has come and prints the letters into batches.

    Example:

    \b
      headoffice messages list --state printed
    """


@messages.command("run")
@db_option
@channel_options
@click.option(
    "--now",
    callback=_moment,
    metavar="ISO8601",
    help="The moment the run acts as of (default: now).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be queued and sent; change nothing.")
def run_command(
    db_url: str | None,
    smtp_url: str | None,
    smtp_from: str | None,
    sms_url: str | None,
    letters_dir: Path | None,
    now: datetime | None,
    dry_run: bool,
) -> None:
    """Plan, queue and send the messages due; killed at any point, the next run sends
    nothing twice and misses nothing.

    A channel not given is not used: its messages wait in the queue for a run that has it.

    Example:

    \b
      headoffice messages run --dry-run --now 2026-11-23T09:00:00+01:00
    """
    from headoffice.messages.run_lock import RunBusy
    from headoffice.work.message_writing import MessagesRefused
    from headoffice.work.messages_run import run_messages

    engine = open_engine(db_url)
    senders = {} if dry_run else open_senders(engine, smtp_url, smtp_from, sms_url)
    try:
        report = run_messages(engine, now or clock.now(), senders, letters_dir, dry_run)
    except (MessagesRefused, RunBusy) as error:
        raise click.ClickException(str(error)) from None
    finally:
        for sender in senders.values():
            sender.close()
    for line in report_lines(report):
        click.echo(line)


def report_lines(report: RunReport) -> list[str]:
    """What a run did, a line each, as `messages run` and `serve --messages` print it."""
    queued = sum(report.queued.values())
    verb = "would queue" if report.dry_run else "queued"
    lines = [f"{verb} {queued} new message(s)"]
    for (reason, channel), count in sorted(report.queued.items()):
        lines.append(f"  {count:>6}  {reason} by {channel}")
    for why, count in sorted(report.skipped.items()):
        lines.append(f"  {count:>6}  not written: {why}")
    if report.recovered:
        lines.append(
            f"{report.recovered} message(s) left sending by a run that stopped: sent again "
            "under the same key"
        )
    if report.dry_run:
        for channel, count in sorted(report.due_now.items()):
            lines.append(f"would send {count} by {channel} now")
    else:
        sent = report.sent
        for channel, count in sorted(sent.sent.items()):
            lines.append(f"sent {count} by {channel}")
        for batch in report.batches:
            lines.append(
                f"printed {batch.letters} letter(s): batch {batch.batch_id} in {batch.folder}"
            )
        for label, count in (
            ("to try again later", sent.retrying),
            ("failed for good (see headoffice review)", sent.failed),
            ("withheld: a hold or an opt-out came first", sent.withheld),
            ("expired before they could go", sent.expired),
        ):
            if count:
                lines.append(f"{count} {label}")
        for channel, why in sorted(sent.down.items()):
            lines.append(f"{channel} is down: {why}; its messages wait for the next run")
        for channel, count in sorted(sent.waiting_for_channel.items()):
            lines.append(f"{count} {channel} message(s) due, waiting for --{channel}-url")
        if report.letters_waiting:
            lines.append(f"{report.letters_waiting} letter(s) due, waiting for --letters-dir")
    if report.later:
        lines.append(f"{report.later} queued for later (quiet hours, retries)")
    return lines


@messages.command("list")
@db_option
@click.option("--account", "account_id", metavar="ACCOUNT", help="Only this account's messages.")
@click.option(
    "--state",
    type=click.Choice(["queued", "sending", "printed", "sent", "failed", "withheld", "expired"]),
    help="Only messages in this state.",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
def list_command(db_url: str | None, account_id: str | None, state: str | None, limit: int) -> None:
    """The outbox, newest first: each message's key, channel, state and subject.

    Example:

    \b
      headoffice messages list --state queued
    """
    from headoffice.oversight.outbox import listed

    rows = listed(open_engine(db_url), account_id, state, limit)
    if not rows:
        click.echo("no messages")
        return
    click.echo(f"{'key':<44} {'channel':<7} {'state':<9} {'when':<17} subject")
    for row in rows:
        when = (row.sent_at or row.next_try_at).strftime("%Y-%m-%d %H:%M")
        about = row.subject or row.body.split("\n")[0]
        click.echo(f"{row.key:<44} {row.channel:<7} {row.state:<9} {when:<17} {about[:60]}")


@messages.command("batches")
@db_option
def batches_command(db_url: str | None) -> None:
    """The print batches of letters, newest first, and whether each was posted.

    Example:

    \b
      headoffice messages batches
    """
    from headoffice.work.letters_run import every_batch

    found = every_batch(open_engine(db_url))
    if not found:
        click.echo("no print batches yet")
        return
    for batch in found:
        posted = f"posted {batch.posted_on}" if batch.posted_on else "not yet posted"
        made = batch.made_at.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{batch.batch_id:>5}  {batch.letters:>5} letter(s)  {made}  {posted}  {batch.folder}"
        )


@messages.command("posted")
@db_option
@click.argument("batch_id", type=int)
@click.option(
    "--on", "posted_on", callback=day_option, help="The day it went in the post (default: today)."
)
@click.option("--by", default="post room", show_default=True, help="Who posted it.")
def posted_command(db_url: str | None, batch_id: int, posted_on: date | None, by: str) -> None:
    """Mark a print batch posted: its letters count as sent that day, and its notices
    (of a visit, a collection warning) are recorded then.

    Example:

    \b
      headoffice messages posted 1
    """
    from headoffice.work.letters_run import LettersRefused, mark_posted

    today = clock.today()
    try:
        batch = mark_posted(open_engine(db_url), batch_id, posted_on or today, by, today)
    except LettersRefused as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"batch {batch_id}: {batch.letters} letter(s) sent by post on {batch.posted_on}")


@click.command("opt-out")
@db_option
@click.argument("account_id")
@click.option("--channel", required=True, type=click.Choice(["sms", "email"]))
@click.option("--withdraw", is_flag=True, help="The borrower asked for this channel again.")
@click.option("--note", default="", help="How they asked (reply STOP, a call...).")
@click.option("--by", default="head office", show_default=True, help="Who records it.")
def opt_out_command(
    db_url: str | None, account_id: str, channel: str, withdraw: bool, note: str, by: str
) -> None:
    """Record that a borrower wants no more e-mails or texts (or, --withdraw, wants them
    again). Letters are the written notices the law asks for: nobody opts out of those.

    Example:

    \b
      headoffice opt-out DA-1001 --channel sms --note "replied STOP"
    """
    from headoffice.messages.opt_outs import OptOutError
    from headoffice.work.opting_out import opt_back_in, opt_out

    try:
        changed = (opt_back_in if withdraw else opt_out)(
            open_engine(db_url), account_id, channel, note, by
        )
    except OptOutError as error:
        raise click.ClickException(str(error)) from None
    if withdraw:
        click.echo(
            f"{account_id} gets {channel} messages again"
            if changed
            else f"{account_id} had not opted out of {channel}"
        )
    else:
        click.echo(
            f"{account_id} gets no more {channel} messages"
            if changed
            else f"{account_id} had already opted out of {channel}"
        )
