"""`headoffice`: the server and the supervisors' commands, one module per command group."""

from __future__ import annotations

import click

from headoffice import clock
from headoffice.cli import (
    arrangements,
    audit,
    cash,
    closing,
    console,
    content,
    evidence,
    holds,
    imports,
    messages,
    numbers,
    people,
    referrals,
    reports,
    review,
    routes,
    server,
    settings,
)
from headoffice.cli.options import Commands


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Head office for fieldapp: load the portfolio, give collectors their routes,
    and collect what comes back from the field.

    \b
    A typical morning:
      headoffice import-portfolio overdue.csv
      headoffice import-payments payments.csv
      headoffice collector add "Mette Jensen" --language da --timezone Europe/Copenhagen
      headoffice assign --collector "Mette Jensen" --date 2026-11-23 --postal-code 21 --optimise
      headoffice serve
      headoffice console --token SUPERVISOR-TOKEN

    Example:

    \b
      HEADOFFICE_TODAY=2026-11-23 headoffice demo
    """
    try:
        clock.now()  # a pinned clock that is no moment is said once, here
    except ValueError as error:
        raise click.ClickException(str(error)) from None


for command in (
    server.serve,
    server.migrate,
    imports.import_portfolio,
    imports.import_payments,
    content.publish_content,
    settings.settings,
    people.collector,
    people.supervisor,
    routes.assign,
    routes.reassign,
    routes.recall,
    review.review_list,
    review.resolve,
    holds.hold,
    holds.release,
    holds.notice,
    closing.close,
    closing.retention,
    numbers.numbers_command,
    arrangements.arrangements_command,
    cash.cash_command,
    audit.audit,
    evidence.evidence,
    referrals.refer_command,
    referrals.referrals_command,
    messages.messages,
    messages.opt_out_command,
    reports.export,
    console.console,
    console.demo,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
