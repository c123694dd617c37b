"""Save the README's screenshots (SVG) from the demo data: `python docs/make_screenshots.py`."""

from __future__ import annotations

import asyncio
import os
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
        await pilot.press("escape", "ctrl+l")
        await pilot.pause()
        app.save_screenshot("lock.svg", str(OUT))


async def shoot_console(url: str, token: str) -> None:
    from headoffice.console.app import SupervisorConsole

    app = SupervisorConsole(url, token)
    async with app.run_test(size=(120, 36)) as pilot:
        for tab, name in (
            ("1", "console-board"),
            ("2", "console-review"),
            ("3", "console-numbers"),
        ):
            await pilot.press(tab)
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            app.save_screenshot(f"{name}.svg", str(OUT))


def console_screenshots() -> None:
    from headoffice.api.embedded import EmbeddedServer
    from headoffice.clock import today
    from headoffice.demo.borrowers import seed_demo
    from headoffice.demo.team import seed_team
    from headoffice.store import db

    engine = db.connect(f"sqlite:///{Path(tempfile.mkdtemp()) / 'headoffice.db'}")
    seed_demo(engine, today())
    token = seed_team(engine, today())
    with EmbeddedServer(engine) as server:
        asyncio.run(shoot_console(server.url, token))


if __name__ == "__main__":
    # The screenshots' laptop has a PIN of its own, as every laptop does.
    os.environ.setdefault("FIELDAPP_PIN", "482916")
    home = run_demo(Path(tempfile.mkdtemp()) / "laptop", open_app=False)
    asyncio.run(shoot(home))
    console_screenshots()
    print(f"saved the app's and the console's SVGs in {OUT}")
