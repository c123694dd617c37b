"""`headoffice import-portfolio` and `import-payments`: core-banking files, all rows or none."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

from fieldcore.text import printable
from headoffice.cli.options import db_option, open_engine
from headoffice.work import portfolio


@click.command("import-portfolio")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
def import_portfolio(db_url: str | None, file: Path) -> None:
    """Load the overdue portfolio from a core-banking CSV export.

    All rows or none: a file with any bad row is refused whole and every
    problem is listed by line and column. Importing the same file twice changes
    nothing; a newer file updates balances.

    Example:

    \b
      headoffice import-portfolio overdue.csv
    """
    # Progress bars only where they help: big files, on a terminal.
    lines = _count_lines(file)
    show = lines >= 5000 and sys.stderr.isatty()
    try:
        with click.progressbar(
            length=lines, label="checking ", file=sys.stderr, hidden=not show
        ) as bar:
            found = portfolio.read_portfolio(file, progress=bar.update)
            bar.update(max(0, lines - bar.pos))  # the last lines since the last report
    except portfolio.ImportRefused as refused:
        raise _file_refused(file, refused) from None
    engine = open_engine(db_url)
    with click.progressbar(
        length=len(found), label="importing", file=sys.stderr, hidden=not show
    ) as bar:
        summary = portfolio.import_accounts(
            engine, found, progress=bar.update, file_sha256=_sha256_of(file)
        )
    click.echo(
        f"imported {len(found)} account(s) from {file}: "
        f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"
    )


@click.command("import-payments")
@db_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def import_payments(db_url: str | None, file: Path) -> None:
    """Load payments from core banking (account_id, amount, currency, paid_on, reference).

    All rows or none; a reference already loaded is skipped, so a file can be
    loaded again safely. Promises are judged kept or broken against these.

    Example:

    \b
      headoffice import-payments payments.csv
    """
    from headoffice.work.payments import import_payments as load

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {file}: {error}") from None
    try:
        summary = load(open_engine(db_url), text)
    except portfolio.ImportRefused as refused:
        raise _file_refused(file, refused) from None
    click.echo(f"{summary.new} new payment(s), {summary.already_known} already loaded")
    if summary.closed:
        click.echo(f"closed as repaid (balance cleared): {', '.join(summary.closed)}")


def _count_lines(file: Path) -> int:
    try:
        with file.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0  # read_portfolio says what is wrong with the file


def _file_refused(file: Path, refused: portfolio.ImportRefused) -> click.ClickException:
    # Every problem on its own line, then one line that says nothing was loaded.
    for problem in refused.problems:
        click.echo(printable(f"{file}: {problem}"), err=True)  # cells come from outside
    return click.ClickException(
        f"refused {file}: {len(refused.problems)} problem(s); nothing was imported"
    )


def _sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks: it goes into the audit trail with the import."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
