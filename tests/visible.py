"""What a screen shows as plain text: the drawn screen, every row of its lists and tables,
and every choice of its drop-downs (drawn or not), for tests that read words."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.widgets import DataTable, OptionList, Select

from fieldapp.tui.route_list import RouteList


def drawn(app: App) -> str:
    """The screen as the terminal shows it now (the text of app.export_screenshot())."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def screen_text(app: App) -> str:
    """The drawn screen, plus what scrolled lists, tables and closed drop-downs hold."""
    parts = [drawn(app)]
    screen = app.screen
    for table in screen.query(DataTable):
        parts.extend(str(column.label) for column in table.columns.values())
        for row in range(table.row_count):
            parts.append("  ".join(str(cell) for cell in table.get_row_at(row)))
    for route in screen.query(RouteList):
        parts.extend("  ".join(route.row_texts(row)) for row in range(route.row_count))
    for select in screen.query(Select):
        choices = select.query_one("SelectOverlay", OptionList)
        parts.extend(
            str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)
        )
    return "\n".join(parts)
