"""A command palette provider over a plain list of commands: each app gives its own list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider

from fieldcore.i18n import N_, _


class NamedCommands(Provider):
    """A palette provider over a list of (name, callable, help); subclasses give the list."""

    def _commands(self) -> list[tuple[str, object, str]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


# Textual's own palette commands (8.2.8, pinned), marked so the catalogs say them.
SYSTEM_WORDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


def in_ui_language(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands with their names and help in the UI language."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))
