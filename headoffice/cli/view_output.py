"""A view of the numbers printed: a table for people, CSV for spreadsheets, the API's JSON."""

from __future__ import annotations

import click

from fieldcore.money import format_money, to_decimal_text
from headoffice.wire.views import ViewWire


def show_view(document: ViewWire, fmt: str) -> None:
    """Print the view's rows (and for scripts its comparisons) in `fmt`."""
    if fmt == "json":
        click.echo(document.model_dump_json(indent=2))
        return
    tables = [[row.model_dump(mode="json") for row in document.rows]]
    if document.view == "scripts":
        tables.append([c.model_dump(mode="json") for c in document.comparisons])
    for number, rows in enumerate(tables):
        if number:
            click.echo("")
        if fmt == "csv":
            click.echo(_csv(rows), nl=False)
        elif rows:
            _table(rows)
        else:
            click.echo("nothing to count in the period")


def _table(rows: list[dict]) -> None:
    columns = [name for name in rows[0] if name != "currency"]
    cells = [[_cell(row, name) for name in columns] for row in rows]
    widths = [max(len(name), *(len(line[i]) for line in cells)) for i, name in enumerate(columns)]
    titles = [name.removesuffix("_minor") for name in columns]
    widths = [max(w, len(title)) for w, title in zip(widths, titles, strict=True)]
    click.echo("  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


def _cell(row: dict, name: str) -> str:
    value = row[name]
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(format_money(m, c) for c, m in sorted(value.items())) or "-"
    if name.endswith("_minor"):
        return format_money(value, row["currency"])
    if name.endswith("_rate") and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, bool):
        return "yes" if value else "so far"
    return str(value)


def _csv(rows: list[dict]) -> str:
    """A row each; amounts as decimal text, a column per currency for amounts by currency."""
    from headoffice.oversight.exports import render

    if not rows:
        return ""
    currencies = sorted({c for row in rows for v in row.values() if isinstance(v, dict) for c in v})
    columns: list[str] = []
    for name, value in rows[0].items():
        if isinstance(value, dict):
            columns += [f"{name}_{c}" for c in currencies]
        else:
            columns.append(name.removesuffix("_minor"))
    flat = []
    for row in rows:
        cells: dict[str, object] = {}
        for name, value in row.items():
            if isinstance(value, dict):
                cells |= {f"{name}_{c}": to_decimal_text(value.get(c, 0), c) for c in currencies}
            elif name.endswith("_minor"):
                cells[name.removesuffix("_minor")] = to_decimal_text(value, row["currency"])
            else:
                cells[name] = value
        flat.append(cells)
    return render(iter(flat), "csv", tuple(columns))
