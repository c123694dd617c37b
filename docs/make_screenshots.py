"""Save the README's screenshots (SVG) from the demo data: `python docs/make_screenshots.py`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from fieldapp.demo import run_demo
from fieldapp.tui.app import FieldApp

OUT = Path(__file__).parent


async def shoot(home: Path) -> None:
    app = FieldApp(home, sync_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.save_screenshot("route.svg", str(OUT))
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        app.save_screenshot("visit.svg", str(OUT))
        await pilot.press("p")
        await pilot.pause()
        app.save_screenshot("script.svg", str(OUT))
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#outcome").value = "promise"
        await pilot.pause()
        app.save_screenshot("outcome.svg", str(OUT))
        await pilot.press("escape", "escape", "escape", "d")
        await pilot.pause()
        app.save_screenshot("summary.svg", str(OUT))


if __name__ == "__main__":
    home = run_demo(Path(tempfile.mkdtemp()) / "laptop", open_app=False)
    asyncio.run(shoot(home))
    print(f"saved route, visit, script, outcome and summary SVGs in {OUT}")
