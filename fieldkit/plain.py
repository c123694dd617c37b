"""Text from someone else (borrowers, notes, servers) as Rich Text, never read as markup."""

from __future__ import annotations

from rich.text import Text


def plain(value: object, style: str = "") -> Text:
    """Data as Text, never parsed as markup: a name with "[" in it stays a name."""
    if isinstance(value, Text):
        return value
    return Text("" if value is None else str(value), style=style)


def plain_cells(*cells: object) -> tuple[Text, ...]:
    """A table row's cells as plain Text: DataTable and Rich tables read a str as markup."""
    return tuple(plain(cell) for cell in cells)
