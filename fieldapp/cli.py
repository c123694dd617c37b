"""`fieldapp`: the collector's app (no arguments), and enroll, sync, route, record, check, demo."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import click

from fieldapp.checking import check
from fieldapp.cli_afford import (
    afford_command,
    say_affordability,
    statement_errors,
    statement_option,
    statement_pairs,
)
from fieldapp.cli_audit import audit_group
from fieldapp.cli_deposit import deposit
from fieldapp.cli_follow_ups import arrangements, follow_ups
from fieldapp.cli_pin import ask_at_command_line, expected, pin_group, strip_pin_stdin
from fieldapp.cli_print import printer, receipt
from fieldapp.cli_sync import enroll, reset, sync
from fieldapp.config import home_dir, log_path
from fieldapp.offline_lock import BORROWERS_SHOWN, refuse_when_locked
from fieldapp.recording import ContactRefused, record_outcome
from fieldapp.store import Store, VisitNotFound
from fieldcore.arrangements import Every, schedule
from fieldcore.days import parse_day
from fieldcore.errors import FieldErrors
from fieldcore.i18n import set_language
from fieldcore.money import format_money
from fieldcore.outcomes import (
    Ability,
    ContactRole,
    DefaultReason,
    OutcomeCode,
    PaymentMethod,
    ThirdParty,
    Willingness,
)
from fieldcore.policy import Channel
from fieldcore.text import printable
from fieldkit.crashes import Commands, frames_only, log_crash


def _date(_ctx, _param, value: str | None) -> date | None:
    try:
        return parse_day(value) if value is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


class _Commands(Commands):
    """fieldapp's commands: an unexpected error is one line, its traceback in the laptop's log."""

    def crash_log(self, ctx: click.Context) -> Path:
        return log_path(ctx.obj or home_dir())

    def expected(self, error: Exception) -> click.ClickException | None:
        return expected(error)

    def describe(self, error: BaseException) -> str:
        # The laptop's log lies beside its encrypted database, but is plain text.
        return frames_only(error)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --pin-stdin is taken on every command, before or after its name.
        args, ctx.meta["pin_stdin"] = strip_pin_stdin(args)
        return super().parse_args(ctx, args)


@click.group(
    cls=_Commands,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--home",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for this laptop's data [env FIELDAPP_HOME; default: your data folder].",
)
@click.option(
    "--pin-stdin",
    is_flag=True,
    expose_value=False,
    help="Read the PIN from standard input's first line (any command) [or env FIELDAPP_PIN].",
)
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """fieldapp: your route, your visits and their outcomes, with or without a network.

    Run with no command to open the app. Everything you enter is saved on this
    laptop at once, encrypted under your PIN, and sent to head office at the next
    sync. Exit codes: 1 an error, 3 a contact the policy blocks, 4 the PIN is
    missing or wrong, 5 locked until the laptop syncs.

    \b
    First time on a new laptop:
      fieldapp enroll --server https://headoffice.example --token TOKEN
      fieldapp sync
      fieldapp

    Example:

    \b
      fieldapp demo
    """
    ctx.obj = home_dir(home)
    if ctx.invoked_subcommand is not None:
        # A command asks for the PIN when it opens the data, and only then (--help never).
        ask_at_command_line(ctx.meta["pin_stdin"])
    if ctx.invoked_subcommand is None:
        from fieldapp.tui.app import FieldApp

        app = FieldApp(ctx.obj)
        app.run()
        if app.return_code:
            # Textual has shown the traceback; it keeps the first unhandled error
            # (`_exception`, Textual 8.2.8, pinned) for the log.
            crash = getattr(app, "_exception", None)
            click.echo(log_crash(log_path(ctx.obj), crash, frames_only), err=True)
            ctx.exit(app.return_code)


@main.command()
@click.option("--date", "day", callback=_date, help="Route date, YYYY-MM-DD [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of visits.")
@click.pass_obj
def route(home: Path, day: date | None, as_json: bool) -> None:
    """Show the day's route, and whether each stop may be visited now.

    The last column says `now`, `from HH:MM` (the borrower's time) or the rule
    that forbids the visit (`fieldapp check` says why in full).

    Example:

    \b
      fieldapp route
    """
    from fieldapp.contacting import mark_route

    store = Store(home)
    try:
        day = day or store.today()
        stops = store.route(day)
        marks = mark_route(store, stops)
        language = store.setting("language", "en") or "en"
    finally:
        store.close()
    if as_json:
        rows = [
            s.as_json() | (marks[s.visit_id].as_json() if s.visit_id in marks else {})
            for s in stops
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not stops:
        click.echo(f"no visits on {day}")
        return
    click.echo(f"route for {day}: {len(stops)} visit(s)")
    for s in stops:
        money = format_money(s.overdue_minor, s.currency, language)
        mark = marks.get(s.visit_id)
        may = ""
        if mark is not None:
            later = mark.visit_from
            may = (
                "now"
                if not mark.blocks
                else f"from {later:%H:%M}"
                if later is not None and mark.open_on(s.visit_date)
                else mark.blocks[0]
            )
        # Names and addresses come from head office's data: no control character acts here.
        click.echo(
            printable(
                f"{s.sequence:>3}  {s.account_id:<12} {s.borrower_name:<24} {money:>16} "
                f"{s.days_past_due:>4}d  {s.status:<6} {may:<16} {s.address}"
            )
        )


@main.command()
@click.argument("account_id")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice([c.value for c in OutcomeCode]),
    help="What happened.",
)
@click.option("--amount", help="promise, paid, plan (the total): in major units, e.g. 250.00.")
@click.option("--promise-date", help="promise: the date promised, YYYY-MM-DD.")
@click.option("--method", type=click.Choice([m.value for m in PaymentMethod]), help="paid: how.")
@click.option("--instalments", help="plan: in how many instalments (1-120).")
@click.option("--every", type=click.Choice([e.value for e in Every]), help="plan: how often.")
@click.option("--first-date", help="plan: when the first instalment falls due, YYYY-MM-DD.")
@click.option("--dispute-reason", help="dispute: what is disputed, and why.")
@click.option("--instalment", help="hardship: proposed instalment, e.g. 500.00.")
@click.option("--term-months", help="hardship: for how many months (1-120).")
@statement_option
@click.option("--new-address", help="moved: the new address.")
@click.option("--callback-at", help="callback: when, 'YYYY-MM-DD HH:MM' (borrower's time).")
@click.option(
    "--contact-who", type=click.Choice([t.value for t in ThirdParty]), help="third_party."
)
@click.option("--default-reason", type=click.Choice([r.value for r in DefaultReason]))
@click.option("--ability", type=click.Choice([a.value for a in Ability]), help="Ability to pay.")
@click.option("--willingness", type=click.Choice([w.value for w in Willingness]))
@click.option("--note", default="", help="What was said; required for third_party.")
@click.option(
    "--channel",
    type=click.Choice([c.value for c in Channel]),
    default="visit",
    show_default=True,
    help="How the contact was made.",
)
@click.option(
    "--role",
    type=click.Choice([r.value for r in ContactRole]),
    help="Whom you reached [default: the borrower, or --contact-who].",
)
@click.option(
    "--at",
    "happened_at",
    metavar="ISO8601",
    help="When it happened; without an offset, the borrower's local time [default: now].",
)
@click.option(
    "--disclosure-given",
    "disclosure",
    is_flag=True,
    help="You gave the disclosure the policy asks for (US accounts).",
)
@click.option(
    "--override",
    metavar="WHY",
    help="Record a contact the policy blocks, saying why; head office reviews it.",
)
@click.option(
    "--date", "day", callback=_date, help="Which visit of the account [default: nearest]."
)
@click.pass_obj
def record(home: Path, account_id: str, day: date | None, **fields) -> None:
    """Record an outcome on an account's visit; saved here at once, sent at the next sync.

    The contact is judged by the borrower's contact policy first: one it blocks
    is refused with the rules (exit 3) unless --override says why it happened.

    Example:

    \b
      fieldapp record DA-1002 --outcome paid --amount 500.00 --method cash
    """
    fields["statement"] = statement_pairs(fields["statement"])
    store = Store(home)
    try:
        visit_id = store.visit_for_account(account_id, day)
        set_language(store.setting("ui_language") or "en")
        saved = record_outcome(store, visit_id, fields)
        outstanding = store.account(account_id).outstanding_minor
    except VisitNotFound as error:
        raise click.ClickException(str(error)) from None
    except ContactRefused as error:
        for block in error.blocks:
            click.echo(f"blocked: {block.rule}: {printable(block.said())}", err=True)
        click.echo(
            'outcome not saved; if it happened anyway, record it with --override "why"',
            err=True,
        )
        click.get_current_context().exit(3)
    except FieldErrors as error:
        for field, reason in error.errors.items():
            if field.split(".")[0] == "statement":
                continue
            option = _OPTIONS.get(field, field.replace("_", "-"))
            click.echo(f"--{option}: {reason}", err=True)
        for line in statement_errors(error.errors):
            click.echo(printable(line), err=True)
        raise click.ClickException("outcome not saved; nothing was changed") from None
    finally:
        store.close()
    receipt = f", receipt {saved.receipt_no}" if saved.receipt_no else ""
    click.echo(f"saved {saved.outcome} for {account_id}{receipt}; it will go at the next sync")
    plan = saved.details
    if saved.amount_minor and plan.instalments and plan.every and plan.first_date:
        for part in schedule(saved.amount_minor, plan.instalments, plan.every, plan.first_date):
            money = format_money(part.amount_minor, saved.currency or "", "en")
            click.echo(f"  {part.number:>3}  {part.due.isoformat()}  {money:>16}")
    if plan.statement is not None:
        say_affordability(saved, outstanding)


# The form's field names that `record` spells otherwise.
_OPTIONS = {"happened_at": "at", "disclosure": "disclosure-given"}


@main.command()
@click.argument("account_id")
@click.option("--phone", help="The borrower's new phone number.")
@click.option("--address", help="The borrower's new address.")
@click.option("--email", help="The borrower's new e-mail address.")
@click.pass_obj
def correct(
    home: Path, account_id: str, phone: str | None, address: str | None, email: str | None
) -> None:
    """Record a corrected contact detail; head office reviews it, nothing is overwritten.

    Example:

    \b
      fieldapp correct DA-1003 --phone "+45 11 22 33 44"
    """
    given = {k: v for k, v in {"phone": phone, "address": address, "email": email}.items() if v}
    if not given:
        raise click.UsageError("give at least one of --phone, --address, --email")
    store = Store(home)
    try:
        for field, value in given.items():
            store.record_correction(account_id, field, value)
    except VisitNotFound as error:
        raise click.ClickException(str(error)) from None
    except FieldErrors as error:
        for field, reason in error.errors.items():
            click.echo(f"--{field}: {reason}", err=True)
        raise click.ClickException("correction not saved") from None
    finally:
        store.close()
    click.echo(f"saved {len(given)} correction(s) for {account_id}; they go at the next sync")


@main.command()
def demo() -> None:
    """Try fieldapp: a head office with demo borrowers on this machine, and the app.

    You choose the demo laptop's PIN first, as a collector does at enrollment.

    Example:

    \b
      fieldapp demo
    """
    from fieldapp.demo import run_demo

    # The demo gets a laptop folder of its own unless one is named, so it never
    # mixes demo borrowers into a real laptop's data.
    explicit = click.get_current_context().parent.params.get("home") or os.environ.get(
        "FIELDAPP_HOME"
    )
    run_demo(home_explicit=Path(explicit) if explicit else None)


# Each in its own module where it has grown one.
main.add_command(check)
main.add_command(printer)
main.add_command(receipt)
main.add_command(follow_ups)
main.add_command(arrangements)
main.add_command(deposit)
main.add_command(afford_command)
main.add_command(pin_group)
main.add_command(audit_group)
main.add_command(enroll)
main.add_command(sync)
main.add_command(reset)
for name in BORROWERS_SHOWN:
    refuse_when_locked(main.commands[name])

if __name__ == "__main__":
    main()
