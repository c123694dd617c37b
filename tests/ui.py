"""Helpers for driving the collector's app headless with Textual's Pilot."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from fieldapp.store import Store
from fieldapp.tui.app import FieldApp
from fieldapp.tui.route_list import RouteList


def drive(home: Path, steps, size=(120, 40), language: str | None = None, sync_on_start=False):
    """Run the app headless, hand the pilot to `steps`, return what it returns."""
    if language:
        store = Store(home)
        store.set_settings(ui_language=language)
        store.close()

    async def scenario():
        app = FieldApp(home, sync_on_start=sync_on_start)
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.pause()
            return await steps(app, pilot)

    return asyncio.run(scenario())


def rows(app) -> list[list[str]]:
    """The route's rows as the collector reads them, cell by cell."""
    table = app.screen.query_one("#route", RouteList)
    return [table.row_texts(i) for i in range(table.row_count)]


def text_of(app, selector: str) -> str:
    """What a Static shows, as plain text, whatever it was given (str, Text, a Rich table)."""
    content = app.screen.query_one(selector, Static).content
    with open(os.devnull, "w") as sink:
        console = Console(width=200, record=True, file=sink)
        console.print(content)
        return console.export_text()


async def until_marked(pilot) -> None:
    """Wait for the route's marks: they are judged off the screen's thread."""
    for _ in range(100):
        if getattr(pilot.app.screen, "marks", None):
            return
        await pilot.pause(0.05)
