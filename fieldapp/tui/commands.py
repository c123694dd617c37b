"""The collector's command palette: every action, every theme and every language, by name."""

from __future__ import annotations

from functools import partial

from fieldcore.i18n import LANGUAGES, _
from fieldkit.palette import NamedCommands
from themes import THEMES


class FieldCommands(NamedCommands):
    """What the collector can do from anywhere, searchable in ctrl+p."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        found = [
            (_("Sync now"), app.action_sync, _("Send waiting changes and fetch new work")),
            (_("Day summary"), app.action_summary, _("Visits, promises and cash of the day")),
            (_("Keys"), app.action_keys, _("Every key of this screen")),
            (_("Lock now"), app.action_lock, _("Hide everything until the PIN is typed")),
            (_("Change PIN"), app.action_change_pin, _("Choose a new PIN for this laptop")),
        ]
        for theme in THEMES:
            found.append(
                (
                    _("Theme: {name}").format(name=theme.name.removeprefix("fieldapp-")),
                    partial(app.choose_theme, theme.name),
                    _("Colours for the light you work in"),
                )
            )
        for code, name in LANGUAGES.items():
            found.append(
                (
                    _("Language: {name}").format(name=name),
                    partial(app.choose_language, code),
                    _("Screens in this language"),
                )
            )
        # The screen's own bindings, so nothing is reachable by key alone.
        for binding in self.screen.BINDINGS:
            action = getattr(self.screen, f"action_{binding.action}", None)
            if action and binding.description:
                found.append((_(binding.description), action, f"{binding.key}"))
        return found
