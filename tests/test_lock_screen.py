"""The app's lock, driven with Pilot: the PIN at start, the lock after the idle time with
nothing of a borrower drawn and the draft kept, wrong PINs held off, a new laptop's PIN."""

from __future__ import annotations

import html
import json

import pytest
from textual.command import CommandPalette

from fieldapp.store import Store
from fieldapp.tui.lock import LockScreen
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.route import RouteScreen
from fieldapp.vault.keyfile import read_key_file
from fieldapp.vault.unlocking import forget
from tests.conftest import DAY, TEST_PIN
from tests.ui import drive


def drawn(app) -> str:
    """Everything on the terminal, as text."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def type_pin(pilot, pin: str) -> None:
    await pilot.press(*pin, "enter")
    for _ in range(100):  # the PIN is stretched in a thread
        await pilot.pause(0.05)
        if not pilot.app.screen.query("#lock-said") or "…" not in str(
            pilot.app.screen.query_one("#lock-said").render()
        ):
            return


def test_idle_the_app_locks_draws_no_borrower_and_keeps_the_draft(home):
    store = Store(home)
    stop = store.route(DAY)[0]
    name = store.account(stop.account_id).borrower_name
    store.close()
    note = "MARKER-LOCK will pay on Friday"

    async def steps(app, pilot):
        app.push_screen(OutcomeScreen(stop.visit_id))
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "promise"
        form.query_one("#note").value = note
        await pilot.pause()
        assert name in drawn(app)
        app.lock_when_idle()  # four minutes and some: not yet
        app.touched -= 4 * 60
        app.lock_when_idle()
        assert app.screen is form
        app.touched -= 60  # five minutes without a key: the policy's default
        app.lock_when_idle()
        await pilot.pause()
        seen = {"locked": isinstance(app.screen, LockScreen), "drawn": drawn(app)}
        await pilot.press("ctrl+p")
        await pilot.press("question_mark")
        await pilot.pause()
        seen["palette"] = CommandPalette.is_open(app)
        seen["still locked"] = isinstance(app.screen, LockScreen)
        await type_pin(pilot, "999999")
        seen["wrong"] = str(app.screen.query_one("#lock-said").render())
        seen["held off"] = app.screen.query_one("#pin").disabled
        await pilot.pause(1.3)  # the wait after one wrong PIN: a second
        await type_pin(pilot, TEST_PIN)
        seen["back"] = app.screen is form
        seen["note"] = form.query_one("#note").value
        return seen

    seen = drive(home, steps)
    assert seen["locked"] and seen["still locked"] and not seen["palette"]
    assert "fieldapp is locked" in seen["drawn"]
    assert name not in seen["drawn"] and "MARKER-LOCK" not in seen["drawn"]
    assert "wrong PIN" in seen["wrong"] and seen["held off"]
    assert seen["back"] and seen["note"] == note
    store = Store(home)
    assert store.draft(stop.visit_id)["note"] == note
    store.close()


def test_the_policy_sets_the_idle_time(home):
    store = Store(home)
    store.set_settings(idle_lock_minutes="2")
    store.close()

    async def steps(app, pilot):
        app.touched -= 2 * 60 + 1
        app.lock_when_idle()
        await pilot.pause()
        return isinstance(app.screen, LockScreen)

    assert drive(home, steps)


def test_without_the_pin_the_app_starts_locked_and_opens_nothing_until_it(home, monkeypatch):
    monkeypatch.delenv("FIELDAPP_PIN")
    forget(home)  # the fixture opened it in this process

    async def steps(app, pilot):
        seen = {
            "first": type(app.screen).__name__,
            "store": app.store,
            "routes": [s for s in app.screen_stack if isinstance(s, RouteScreen)],
        }
        await type_pin(pilot, TEST_PIN)
        seen["then"] = type(app.screen).__name__
        return seen

    seen = drive(home, steps)
    assert seen["first"] == "LockScreen" and seen["store"] is None and seen["routes"] == []
    assert seen["then"] == "RouteScreen"


def test_a_restart_does_not_reset_the_wait(home, monkeypatch):
    monkeypatch.delenv("FIELDAPP_PIN")
    forget(home)
    path = home / "fieldapp.key"
    # Three wrong PINs before this start: the fourth try must wait four seconds.
    path.write_text(json.dumps({**json.loads(path.read_text()), "failures": 3}))

    async def steps(app, pilot):
        await type_pin(pilot, "999999")
        said = str(app.screen.query_one("#lock-said").render())
        await type_pin(pilot, TEST_PIN)  # typed while held off: nothing is tried
        return said, type(app.screen).__name__

    said, screen = drive(home, steps)
    assert said == "wrong PIN: the next try in 8 s"
    assert screen == "LockScreen" and read_key_file(home).failures == 4


@pytest.fixture
def new_laptop(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDAPP_PIN")
    return tmp_path / "new laptop"


def test_a_new_laptop_chooses_its_pin_twice_and_weak_ones_are_refused(new_laptop):
    async def steps(app, pilot):
        seen = {"fields": len(app.screen.query("Input"))}
        await pilot.press(*"482916", "enter")
        await type_pin(pilot, "482917")
        seen["differ"] = str(app.screen.query_one("#lock-said").render())
        await pilot.press(*"123456", "enter")
        await type_pin(pilot, "123456")
        seen["weak"] = str(app.screen.query_one("#lock-said").render())
        await pilot.press(*"482916", "enter")
        await type_pin(pilot, "482916")
        seen["then"] = type(app.screen).__name__
        return seen

    seen = drive(new_laptop, steps)
    assert seen["fields"] == 2
    assert "differ" in seen["differ"] and "too easy to guess" in seen["weak"]
    assert seen["then"] == "RouteScreen"
    assert read_key_file(new_laptop) is not None


def test_lock_now_and_change_the_pin_from_the_app(home):
    async def steps(app, pilot):
        await pilot.press("ctrl+l")
        await pilot.pause()
        seen = {"locked": isinstance(app.screen, LockScreen)}
        await type_pin(pilot, TEST_PIN)
        app.action_change_pin()
        await pilot.pause()
        await pilot.press(*TEST_PIN, "enter", *"582047", "enter", *"582047", "enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, RouteScreen):
                break
        seen["back"] = type(app.screen).__name__
        return seen

    seen = drive(home, steps)
    assert seen == {"locked": True, "back": "RouteScreen"}
    from fieldapp.vault.unlocking import WrongPin, unlock

    with pytest.raises(WrongPin):
        unlock(home, TEST_PIN)
    (home / "fieldapp.key").write_text(
        json.dumps({**json.loads((home / "fieldapp.key").read_text()), "retry_at": 0.0})
    )
    assert unlock(home, "582047")


def test_a_lost_key_file_is_said_and_no_new_pin_is_offered_over_the_data(home, monkeypatch):
    (home / "fieldapp.key").unlink()
    forget(home)

    async def steps(app, pilot):
        await pilot.press(*"482913", "enter")
        await pilot.pause()
        return type(app.screen).__name__, drawn(app), len(app.screen.query("Input"))

    screen, shown, fields = drive(home, steps)
    assert screen == "LockScreen" and fields == 0
    assert "fieldapp cannot open this laptop's data" in shown
    assert "fieldapp reset" in shown
    assert not (home / "fieldapp.key").exists()


def test_the_lock_speaks_the_collectors_language_before_the_data_is_open(home, monkeypatch):
    async def quit_at_once(app, pilot):
        return read_key_file(home).language

    assert drive(home, quit_at_once, language="da") == "da"  # kept beside the key
    monkeypatch.delenv("FIELDAPP_PIN")
    forget(home)

    async def steps(app, pilot):
        return drawn(app)

    shown = drive(home, steps)
    assert "fieldapp er låst" in shown and "Skriv din PIN og tryk Enter." in shown
