"""A command palette provider over a plain list of commands: each app gives its own list."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


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
