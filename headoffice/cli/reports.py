"""`headoffice export`: outcomes, corrections and accounts for core banking, as CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from headoffice.cli.options import db_option, open_engine
from headoffice.oversight import exports


@click.command()
@db_option
@click.argument("what", type=click.Choice(["outcomes", "corrections", "accounts"]))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
def export(db_url: str | None, what: str, fmt: str, output: Path | None) -> None:
    """Export outcomes or corrections from the field, or the accounts, for core banking.

    Example:

    \b
      headoffice export outcomes --format csv --output outcomes.csv
    """
    engine = open_engine(db_url)
    rows, columns = {
        "outcomes": (exports.outcome_rows, exports.OUTCOME_COLUMNS),
        "corrections": (exports.correction_rows, exports.CORRECTION_COLUMNS),
        "accounts": (exports.account_rows, exports.ACCOUNT_COLUMNS),
    }[what]
    text = exports.render(rows(engine), fmt, columns)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
