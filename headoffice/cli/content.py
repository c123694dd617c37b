"""`headoffice publish-content`: call scripts and contact policy, checked, for laptops to pull."""

from __future__ import annotations

from pathlib import Path

import click

from fieldcore.text import printable
from headoffice.cli.options import db_option, open_engine


@click.command("publish-content")
@db_option
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
def publish_content(db_url: str | None, folder: Path | None) -> None:
    """Publish call scripts and contact policy (default: the library fieldapp ships).

    FOLDER holds scripts/<language>.toml and policy/<jurisdiction>.toml. A changed
    file must raise its version; laptops get it at their next sync. Each file is
    checked (placeholders, sizes, links that leave FOLDER); any problem, and nothing
    is published.

    Example:

    \b
      headoffice publish-content
    """
    from content import CONTENT_DIR
    from headoffice.work.publishing import PublishRefused, publish

    try:
        changed = publish(open_engine(db_url), folder or CONTENT_DIR)
    except PublishRefused as refused:
        for problem in refused.problems:
            click.echo(printable(problem), err=True)
        raise click.ClickException("nothing was published") from None
    click.echo(f"published {', '.join(changed)}" if changed else "nothing new to publish")
