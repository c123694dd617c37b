"""Small helpers that turn domain values into text for the screens, safely."""

from __future__ import annotations

from rich.text import Text

from fieldapp.domain.money import format_money


def plain(value: object, style: str = "") -> Text:
    """User data as Text, never parsed as markup: a name with "[" in it stays a name."""
    return Text("" if value is None else str(value), style=style)


def money(minor: int | None, currency: str, language: str) -> str:
    """Money in the collector's locale, or a dash when unknown."""
    return "—" if minor is None else format_money(minor, currency, language)
