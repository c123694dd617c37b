"""A fast route list (Textual's Line API): thousands of stops, each line drawn only when seen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fieldcore.i18n import N_


class RouteList(ScrollView, can_focus=True):
    """A header and one line per stop; Enter opens the highlighted stop.

    Column widths are measured once per data change, and a line is rendered
    the first time it scrolls into view, so typing in the filter costs the
    same with 20 stops or 5,000.
    """

    BINDINGS = [
        Binding("enter", "select", N_("Open visit")),
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]
    COMPONENT_CLASSES = {"route-list--header", "route-list--cursor", "route-list--even"}
    DEFAULT_CSS = """
    RouteList { background: $surface; }
    RouteList > .route-list--header { background: $panel; color: $text; text-style: bold; }
    RouteList > .route-list--cursor { background: $block-cursor-background; }
    RouteList > .route-list--even { background: $boost; }
    """

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        """The collector chose a stop."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._header: list[str] = []
        self._right: set[int] = set()
        self._rows: Sequence[Any] = []
        self._cells: Callable[[Any], tuple[Text, ...]] = lambda row: ()
        self._widths: list[int] = []
        self._lines: dict[int, Strip] = {}

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row_texts(self, index: int) -> list[str]:
        """The plain text of each cell of a row."""
        return [cell.plain for cell in self._cells(self._rows[index])]

    def set_columns(
        self,
        titles: list[str],
        widths: list[int],
        right_aligned: set[int],
        cells: Callable[[Any], tuple[Text, ...]],
    ) -> None:
        """Column titles, their widths, and how to draw a row's cells (called lazily)."""
        self._header, self._right, self._cells = titles, right_aligned, cells
        self._widths = [max(w, len(t)) for w, t in zip(widths, titles, strict=True)]
        self._lines.clear()

    def set_rows(self, rows: Sequence[Any], cursor: int = 0) -> None:
        """Replace the rows; the cursor goes to `cursor`."""
        self._rows = rows
        self._lines.clear()
        self.virtual_size = Size(sum(self._widths) + 2 * len(self._widths), len(rows) + 1)
        self.cursor_row = max(0, min(cursor, len(rows) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _line(self, cells: list[Text]) -> Strip:
        line = Text(" ")
        for column, (cell, width) in enumerate(zip(cells, self._widths, strict=True)):
            piece = cell.copy()
            piece.truncate(width, overflow="ellipsis")
            pad = " " * (width - piece.cell_len)
            if column in self._right:
                line.append(pad)
                line.append_text(piece)
            else:
                line.append_text(piece)
                line.append(pad)
            line.append("  ")
        segments = [s for s in line.render(self.app.console) if s.text != "\n"]
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            style = self.get_component_rich_style("route-list--header")
            line = self._line([Text(t) for t in self._header])
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            line = self._lines.get(index)
            if line is None:
                line = self._lines[index] = self._line(list(self._cells(self._rows[index])))
            style = self.rich_style
            if index == self.cursor_row and self.has_focus:
                style = style + self.get_component_rich_style("route-list--cursor")
            elif index == self.cursor_row:
                style = style + Style(reverse=True)
            elif index % 2:
                style = style + self.get_component_rich_style("route-list--even")
        line = line.crop_extend(scroll_x, scroll_x + width, None)
        return Strip(list(Segment.apply_style(line, style)), width)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        visible = max(self.size.height - 1, 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def _move(self, to: int) -> None:
        if self._rows:
            self.cursor_row = max(0, min(to, len(self._rows) - 1))
            self._scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self._move(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move(self.cursor_row - max(self.size.height - 2, 1))

    def action_page_down(self) -> None:
        self._move(self.cursor_row + max(self.size.height - 2, 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._rows) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor_row and event.chain > 1:
                self.post_message(self.Selected(index))
            self._move(index)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
