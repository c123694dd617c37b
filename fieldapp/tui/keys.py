"""`?`: every key of the screen underneath, and what the route's marks mean."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from fieldcore.i18n import N_, _


class KeysScreen(ModalScreen[None]):
    """A list of the keys that work where the collector is."""

    BINDINGS = [Binding("escape", "close", N_("Close")), Binding("question_mark", "close", "")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(title=_("Keys"), expand=True, title_style="bold")
        table.add_column(_("Key"), style="bold", no_wrap=True)
        table.add_column(_("Does"))
        seen: set[str] = set()
        for _key, active in self.under.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.key in seen:
                continue
            seen.add(binding.key)
            table.add_row(self.app.get_key_display(binding), _(binding.description))
        table.add_row("ctrl+p", _("Command palette: every action, theme and language"))
        legend = _("◆ a promise falls due today   ⏸ on hold (dispute)")
        with VerticalScroll(id="keys"):
            yield Static(table)
            yield Static(legend, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
