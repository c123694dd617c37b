"""The Footer in the UI language: each binding's description is translated as it is drawn."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from fieldcore.i18n import _


class Footer(TextualFooter):
    """Textual's Footer; each key's description goes through the UI catalog."""

    def __init__(self, *children, compact: bool = True, **options) -> None:
        # Compact by default: with the padding of the wide style, a screen's keys ran past
        # 120 columns and the last of them (Quit, Sync now) were cut off.
        super().__init__(*children, compact=compact, **options)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
