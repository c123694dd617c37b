"""`fieldapp afford` and `--statement`: income, spending and what the borrower can pay."""

from __future__ import annotations

from pathlib import Path

import click

from fieldapp.store import Store, VisitNotFound
from fieldcore.affordability import FIELDS, Affordability, afford, statement_from_text
from fieldcore.affordability_words import GUIDE
from fieldcore.arrangements import Every
from fieldcore.errors import FieldErrors
from fieldcore.money import format_money
from fieldcore.route import OutcomeRecord
from fieldcore.text import printable

_LINES = "\n".join(f"  {name:<16} {GUIDE[name][0]}" for name in FIELDS)
STATEMENT_HELP = (
    "plan, hardship: one line of the borrower's monthly income and spending, "
    "LINE=AMOUNT (e.g. income_wages=2400.00); repeat it for each line; the lines "
    "are listed in `fieldapp afford --help`."
)


def statement_option(command):
    """The repeatable `--statement LINE=AMOUNT` option of `record` and `afford`."""
    return click.option(
        "--statement",
        "statement",
        multiple=True,
        metavar="LINE=AMOUNT",
        help=STATEMENT_HELP,
    )(command)


def statement_pairs(given: tuple[str, ...]) -> dict[str, str]:
    """`--statement` values as {line: amount}; a value without `=` is a usage error."""
    found: dict[str, str] = {}
    for item in given:
        name, sep, amount = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"{item!r} is not LINE=AMOUNT, like income_wages=2400.00", param_hint="--statement"
            )
        found[name.strip()] = amount.strip()
    return found


def statement_errors(errors: dict[str, str]) -> list[str]:
    """The lines `--statement` refused, each said as the option it came from."""
    return [
        f"--statement {field.removeprefix('statement.')}: {reason}"
        if field.startswith("statement.")
        else f"--statement: {reason}"
        for field, reason in errors.items()
        if field.split(".")[0] == "statement"
    ]


def affordability_lines(found: Affordability) -> list[str]:
    """What the statement adds up to a month, and the instalment it leaves room for."""

    def money(minor: int) -> str:
        return format_money(minor, found.currency, "en")

    lines = [
        f"  coming in a month           {money(found.income_minor):>16}",
        f"  essential spending          {money(found.spending_minor):>16}",
        f"  priority debts              {money(found.priority_debts_minor):>16}",
        f"  left each month             {money(found.surplus_minor):>16}",
    ]
    if found.instalment_minor is None:
        lines.append(
            "  nothing to pay from: propose no plan; record a hardship request and "
            "point the borrower to free debt advice"
        )
    else:
        lines.append(
            f"  an instalment they can keep {money(found.instalment_minor):>16} "
            f"a {found.every.value} ({found.instalments} to pay the balance)"
        )
    return lines


def say_affordability(saved: OutcomeRecord, outstanding_minor: int) -> None:
    """The statement kept with a plan or hardship request, and whether the plan fits it."""
    details = saved.details
    every = details.every or Every.MONTH
    found = afford(details.statement, every, outstanding_minor)
    click.echo("the borrower's statement, kept with it:")
    for line in affordability_lines(found):
        click.echo(line)
    asked = details.instalment_minor
    if saved.amount_minor and details.instalments:
        asked = -(-saved.amount_minor // details.instalments)
    if asked and (found.instalment_minor is None or asked > found.instalment_minor):
        click.echo(
            "note: the instalments asked are more than the statement leaves room for; "
            "a plan the borrower cannot keep breaks",
            err=True,
        )


@click.command("afford", epilog=f"The lines (amounts a month unless a total):\n\n\b\n{_LINES}")
@click.argument("account_id")
@statement_option
@click.option(
    "--every",
    type=click.Choice([e.value for e in Every]),
    default=Every.MONTH.value,
    show_default=True,
    help="How often the borrower would pay.",
)
@click.pass_obj
def afford_command(home: Path, account_id: str, statement: tuple[str, ...], every: str) -> None:
    """What the borrower can afford: their income and spending, and the instalment it leaves.

    Ask the lines at the door; blank ones are 0. The proposal keeps a fifth of what
    is left back for the unexpected and shares the rest with other lenders in
    proportion to what each is owed. Nothing is saved: record the plan (or the
    hardship request) with the same --statement lines to keep them with it.

    Example:

    \b
      fieldapp afford DA-1002 --statement household_size=2 --statement income_wages=21000
    """
    store = Store(home)
    try:
        account = store.account(account_id)
    except VisitNotFound as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    try:
        found = statement_from_text(statement_pairs(statement), account.currency or "")
    except FieldErrors as error:
        for line in statement_errors(error.errors):
            click.echo(printable(line), err=True)
        raise click.ClickException("the statement has lines to correct") from None
    if found is None:
        raise click.UsageError("give the statement's lines with --statement LINE=AMOUNT")
    click.echo(
        f"{account_id} ({account.borrower_name}): outstanding "
        f"{format_money(account.outstanding_minor, found.currency, 'en')}"
    )
    for line in affordability_lines(afford(found, Every(every), account.outstanding_minor)):
        click.echo(line)
