"""`headoffice numbers`: what the field achieved, as a table, CSV or the API's JSON."""

from __future__ import annotations

import json
from datetime import date, timedelta

import click

from fieldcore.money import format_money, to_decimal_text
from headoffice.cli.options import day_option, db_option, open_engine
from headoffice.cli.view_output import show_view
from headoffice.wire.views import VIEWS

# Per currency: what fell due and what of it was kept; taken in the field, paid through
# core banking's payment files, and the two added up.
MONEY = ("amount due", "amount kept", "field", "bank", "collected")
# The counts and shares, in the table's order: header and figure; the rates end in _rate.
COLUMNS = (
    ("visits", "visits"),
    ("contact", "contact_rate"),
    ("fix", "fix_rate"),
    ("near", "within_distance_rate"),
    ("promises", "promises_taken"),
    ("plans", "plans_taken"),
    ("due", "instalments_due"),
    ("kept", "instalments_kept"),
    ("partly", "instalments_partly_kept"),
    ("broken", "instalments_broken"),
    ("open", "instalments_open"),
    ("breaches", "policy_breaches"),
    ("overrides", "policy_overrides"),
)
_OUT_OF = {"fix_rate": "door_visits", "within_distance_rate": "visits_measured"}
PER_CURRENCY = ("amount_due", "amount_kept", "amount_open", "collected_field", "collected_bank")


@click.command("numbers")
@db_option
@click.option(
    "--view",
    type=click.Choice(VIEWS),
    help="What works instead of the period's figures: roll rates, recovery, promises,"
    " collectors or scripts (docs/NUMBERS.md).",
)
@click.option(
    "--by",
    type=click.Choice(["collector", "stage", "day", "product", "region"]),
    help="Group by [default: collector; recovery: stage; a view says which it takes].",
)
@click.option(
    "--since",
    callback=day_option,
    help="First day, YYYY-MM-DD [default: 13 days ago; for rolls, recovery and promises the"
    " first of the month five months back].",
)
@click.option("--until", callback=day_option, help="Last day, YYYY-MM-DD [default: today].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="json is the API's figures; csv has a column per figure and currency.",
)
def numbers_command(
    db_url: str | None,
    view: str | None,
    by: str | None,
    since: date | None,
    until: date | None,
    fmt: str,
) -> None:
    """Contact rate, proof of visit, promises and plans kept, breaches, money collected.

    fix: door visits saved with a GPS fix; near: measured visits within the policy's
    distance of the address. due, kept, partly, broken, open count the instalments of
    the period's promises and plans (a promise is one); amount kept is what reached the
    instalments due by their dates, with its share. Breaches are contacts the policy
    blocks that head office found on arrival; overrides, those the collector recorded
    anyway with a reason. docs/NUMBERS.md defines each figure.

    --view shows what works: rolls (each stage's accounts on the first of a month and
    where its end found them), recovery (accounts assigned in a month, cured, money
    recovered against overdue; --by stage, product, region or collector), promises
    (kept, broken, days from a first visit to a first payment; --by collector or stage),
    collectors (visits a day, contacts, money and kept promises per visit) and scripts
    (outcomes by script version and escalation step, a new version against the one before).

    Example:

    \b
      headoffice numbers --view rolls --format csv
    """
    from headoffice.clock import today

    until = until or today()
    if view is not None:
        _show_view(db_url, view, by, since, until, fmt)
        return
    from headoffice.oversight.numbers import figures_wire, numbers, totals

    by = by or "collector"
    since = since or until - timedelta(days=13)
    try:
        found = numbers(open_engine(db_url), by, since, until, today())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    rows = [figures_wire(f).model_dump(mode="json") for f in [*found, totals(found)]]
    if fmt == "json":
        document = {"by": by, "since": str(since), "until": str(until)}
        document |= {"rows": rows[:-1], "total": rows[-1]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_csv(by, rows), nl=False)
    else:
        _table(by, rows)


def _show_view(
    db_url: str | None, name: str, by: str | None, since: date | None, until: date, fmt: str
) -> None:
    from headoffice.clock import today
    from headoffice.oversight.views import ViewError, default_since, view

    since = since or default_since(name, until)
    try:
        document = view(open_engine(db_url), name, by, since, until, today())
    except ViewError as error:
        raise click.ClickException(str(error)) from None
    show_view(document, fmt)


def _table(by: str, rows: list[dict]) -> None:
    money = [
        [
            _money(r["amount_due"]),
            _kept(r["amount_kept"], r["kept_share"]),
            _money(r["collected_field"]),
            _money(r["collected_bank"]),
            _money(r["collected"]),
        ]
        for r in rows
    ]
    # Each money column as wide as its widest cell: a row may hold several currencies.
    widths = [max(len(title), *(len(cells[i]) for cells in money)) for i, title in enumerate(MONEY)]
    click.echo(
        f"{by:<20} "
        + " ".join(f"{header:>{max(5, len(header))}}" for header, _name in COLUMNS)
        + "  "
        + _columns(MONEY, widths)
    )
    for row, cells in zip(rows, money, strict=True):
        counts = " ".join(f"{_cell(row, name):>{max(5, len(header))}}" for header, name in COLUMNS)
        click.echo(f"{row['key']:<20} {counts}  " + _columns(cells, widths))


def _cell(row: dict, name: str) -> str:
    if not name.endswith("_rate"):
        return str(row[name])
    # No share where nothing could be counted: a dash, not 0 %.
    return f"{row[name]:.0%}" if row[_OUT_OF.get(name, "visits")] else "-"


def _csv(by: str, rows: list[dict]) -> str:
    """A row per group, a column per figure; amounts as decimal strings, one column per
    figure and currency (amount_due_DKK), so a spreadsheet never adds two currencies."""
    from headoffice.oversight.exports import render

    currencies = sorted({c for row in rows for name in PER_CURRENCY for c in row[name]})
    plain = [name for name in rows[0] if name not in (*PER_CURRENCY, "kept_share", "collected")]
    columns = [by if name == "key" else name for name in plain]
    for name in (*PER_CURRENCY, "collected", "kept_share"):
        columns += [f"{name}_{c}" for c in currencies]
    flat = []
    for row in rows:
        cells = {(by if name == "key" else name): row[name] for name in plain}
        for name in (*PER_CURRENCY, "collected"):
            cells |= {f"{name}_{c}": to_decimal_text(row[name].get(c, 0), c) for c in currencies}
        # No share where nothing fell due in that currency: an empty cell, not 0.
        cells |= {f"kept_share_{c}": row["kept_share"].get(c, "") for c in currencies}
        flat.append(cells)
    return render(iter(flat), "csv", tuple(columns))


def _money(by_currency: dict[str, int]) -> str:
    return ", ".join(format_money(m, c) for c, m in sorted(by_currency.items())) or "-"


def _kept(by_currency: dict[str, int], shares: dict[str, float]) -> str:
    return (
        ", ".join(
            f"{format_money(m, c)} ({shares.get(c, 0):.0%})" for c, m in sorted(by_currency.items())
        )
        or "-"
    )


def _columns(cells: list[str] | tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
