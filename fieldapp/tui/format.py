"""User data as text for the screens, never read as markup."""

from __future__ import annotations

from rich.text import Text


def plain(value: object, style: str = "") -> Text:
    """User data as Text, never parsed as markup: a name with "[" in it stays a name."""
    return Text("" if value is None else str(value), style=style)
