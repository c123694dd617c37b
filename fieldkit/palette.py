"""A command palette provider over a plain list of commands: each app gives its own list."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.app import App, SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

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
SEARCH_COMMANDS = N_("Search for commands…")
SEARCH_THEMES = N_("Search for themes…")


def in_ui_language(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands with their names and help in the UI language."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))


class PaletteInUiLanguage(App):
    """An app whose command palette, Textual's own commands and placeholders too, speaks
    the UI language."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return in_ui_language(super().get_system_commands(screen))

    def action_command_palette(self) -> None:
        # As Textual's own (8.2.8), with the placeholder in the UI language.
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_(SEARCH_COMMANDS)))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_(SEARCH_THEMES)))
