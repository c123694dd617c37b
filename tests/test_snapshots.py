"""Snapshots of every screen and form, at 80x24 and 120x40, in English and Chinese.

Update after an intended change of look: `pytest tests/test_snapshots.py --snapshot-update`,
then review the SVGs in tests/__snapshots__ before committing.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from fieldapp.store import Store
from fieldapp.tui.app import FieldApp
from fieldcore.outcomes import OutcomeCode
from tests.ui import until_marked

SIZES = [(80, 24), (120, 40)]
LANGUAGES = ["en", "zh"]


def app_for(home, language: str) -> FieldApp:
    store = Store(home)
    store.set_settings(ui_language=language)
    store.close()
    return FieldApp(home, sync_on_start=False)


async def still(pilot) -> None:
    """No blinking cursors: a snapshot must not depend on the moment it is taken."""
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def journey(*keys: str, outcome: str | None = None):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await until_marked(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        if outcome:
            pilot.app.screen.query_one("#outcome").value = outcome
        await still(pilot)

    return run_before


SCREENS = {
    "route": (),
    "visit": ("down", "enter"),
    "script": ("down", "enter", "p"),
    "summary": ("d",),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, home, screen, size, language):
    app = app_for(home, language)
    assert snap_compare(app, terminal_size=size, run_before=journey(*SCREENS[screen]))


# Every form in English at both sizes; in Chinese (wider glyphs) where room is tightest.
FORM_LOOKS = [("en", (80, 24)), ("en", (120, 40)), ("zh", (80, 24))]


@pytest.mark.parametrize(
    ("language", "size"), FORM_LOOKS, ids=[f"{w}x{h}-{lang}" for lang, (w, h) in FORM_LOOKS]
)
@pytest.mark.parametrize("code", [c.value for c in OutcomeCode])
def test_outcome_form(snap_compare, home, code, size, language):
    app = app_for(home, language)
    assert snap_compare(app, terminal_size=size, run_before=journey("enter", "o", outcome=code))
