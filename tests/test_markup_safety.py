"""Text from someone else is never read as markup: every screen of both apps shows it as typed.

Borrowers, notes, reasons, names and the servers' sentences are full of markup here: tags
that balance, tags that do not, action links and hyperlinks. Each screen must start, show
them exactly as typed, and run nothing when they are clicked.
"""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from rich.cells import cell_len
from rich.console import Console
from textual.widgets import DataTable, Input, Select

from fieldapp.store import Store
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.receipt import ReceiptScreen
from fieldapp.tui.visit import VisitScreen
from headoffice.console.client import SupervisorClient
from headoffice.demo.team import DEMO_SUPERVISOR
from headoffice.store import tables
from tests import ui
from tests.console_office import console_for, drive, settle
from tests.hostile import HostileHeadOffice

pytestmark = pytest.mark.usefixtures("own_settings")

# An action link: with markup read, a click on "pay" would close the app.
CLICK = "[@click=app.quit]pay[/]"
BALANCED = "[bold]Bo[/bold][/]"
UNCLOSED = "x[/x][red"
LINK = "[link=http://evil.example]here[/link]"
LONE = "[/]note[red"
NOTE = "[/cash]"


def screen_text(app) -> str:
    """The screen as a person reads it, toasts and dialogs included (as export_screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def assert_shown(app, *texts: str) -> None:
    shown = screen_text(app)
    for text in texts:
        assert text in shown, f"{text!r} is not on the screen:\n{shown}"


async def click_on(pilot, text: str) -> None:
    """Click the middle of `text` where the screen shows it: no action hidden in it may run."""
    lines = screen_text(pilot.app).splitlines()
    y, line = next((y, line) for y, line in enumerate(lines) if text in line)
    x = cell_len(line[: line.index(text)]) + cell_len(text) // 2
    await pilot.click(offset=(x, y))
    await pilot.pause()
    assert pilot.app.return_code is None, f"clicking {text!r} ran an action"


# --- the collector's laptop -------------------------------------------------------------


@pytest.fixture
def hostile_home(home):
    """The demo laptop; its first stop (DA-1001) and its collector are full of markup."""
    store = Store(home)
    db = store.db
    db.execute(
        "UPDATE accounts SET borrower_name = ?, address = ?, city = ?, postal_code = NULL, "
        "spouse_name = ?, product = ? WHERE account_id = 'DA-1001'",
        [BALANCED, UNCLOSED, LINK, CLICK, LONE],
    )
    # An earlier outcome from head office, by a colleague, with a note.
    db.execute(
        "UPDATE history SET account_id = 'DA-1001', note = ?, collector = ? "
        "WHERE id = (SELECT MIN(id) FROM history WHERE account_id = 'DA-1002')",
        [f"said {CLICK}", UNCLOSED],
    )
    # A message head office sent the borrower, its words the borrower's to read.
    db["messages"].insert(
        {"account_id": "DA-1001", "reason": "receipt", "channel": "email",
         "sent_at": "2026-11-21T17:30:00+00:00", "summary": f"thanks {UNCLOSED} {LINK}"}
    )  # fmt: skip
    store.set_settings(collector=LINK)
    store.close()
    return home


def test_every_laptop_screen_shows_markup_as_typed(hostile_home):
    async def steps(app, pilot):
        assert_shown(app, BALANCED, UNCLOSED)  # the route
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert_shown(app, f"1. {BALANCED}", UNCLOSED, LINK, LONE, f"said {CLICK}")
        assert_shown(app, f"thanks {UNCLOSED} {LINK}")
        await click_on(pilot, CLICK)

        await pilot.press("p")  # the call script speaks the names
        await pilot.pause()
        assert_shown(app, BALANCED, LINK)
        await pilot.press("escape", "c")  # a wrong phone number stays as typed
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "[red x[/x]"
        await pilot.press("enter")
        await pilot.pause()
        assert_shown(app, "[red x[/x]", "Phone: is not a phone number")
        app.screen.query_one("#field", Select).value = "address"
        app.screen.query_one("#value", Input).value = LONE
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitScreen)
        assert_shown(app, f"Address: {LONE}")

        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OutcomeScreen)
        assert_shown(app, f"Outcome for {BALANCED} (DA-1001)")
        form.query_one("#outcome", Select).value = "paid"
        form.query_one("#amount", Input).value = UNCLOSED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused, with a reason at the field
        form.query_one("#amount", Input).value = "100.00"
        form.query_one("#method", Select).value = "cash"
        form.query_one("#note", Input).value = NOTE
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        assert_shown(app, BALANCED, LINK, "DA-1001")
        await pilot.press("enter")
        await pilot.pause()
        assert_shown(app, NOTE)  # the new outcome's note in the history

        await pilot.press("escape", "d")  # the day summary
        await pilot.pause()
        assert_shown(app, "Collected: what to deposit")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert_shown(app, "Command palette")
        await pilot.press("escape")
        await pilot.pause()
        assert_shown(app, BALANCED)
        return app.return_code

    assert ui.drive(hostile_home, steps, language="en") is None


@pytest.mark.parametrize(("status", "title"), [(400, "Sync refused"), (401, "Sync stopped")])
def test_a_server_sentence_full_of_markup_is_shown_as_typed(home, status, title):
    sentence = f"no {BALANCED} laptop {UNCLOSED} {LONE} {LINK} {CLICK}"
    body = json.dumps({"detail": sentence}).encode()
    # Nothing waits to be pushed: only the pull is asked, and it answers the sentence.
    with HostileHeadOffice("http://127.0.0.1:9", lambda _cursor: (status, body)) as hostile:
        store = Store(home)
        store.set_settings(server_url=hostile.url)
        store.close()

        async def steps(app, pilot):
            await pilot.press("ctrl+r")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert hostile.pulls == 1
            assert_shown(app, title, *sentence.split())
            await click_on(pilot, CLICK)

        ui.drive(home, steps, language="en")


# --- the supervisors' console ------------------------------------------------------------

SUPERVISOR = "[bold]Anna[/bold][/]"
COLLECTOR = UNCLOSED
REASON = "x[/x] [red [/] disputed"


@pytest.fixture
def hostile_office(office):
    """The demo head office with markup in names, regions and every dispute's reason."""
    _live, _token, engine = office
    with engine.begin() as conn:
        conn.execute(
            tables.supervisors.update()
            .where(tables.supervisors.c.name == DEMO_SUPERVISOR)
            .values(name=SUPERVISOR)
        )
        conn.execute(
            tables.collectors.update()
            .where(tables.collectors.c.name == "Lars Berg")
            .values(name=COLLECTOR)
        )
        conn.execute(tables.accounts.update().values(borrower_name=CLICK, region=LINK))
        disputes = conn.execute(
            sa.select(tables.outcomes.c.id, tables.outcomes.c.details).where(
                tables.outcomes.c.outcome == "dispute"
            )
        ).all()
        assert disputes
        for ref, details in disputes:
            changed = json.loads(details or "{}") | {"dispute_reason": REASON}
            conn.execute(
                tables.outcomes.update()
                .where(tables.outcomes.c.id == ref)
                .values(details=json.dumps(changed))
            )
    return office


def row_of(app, selector: str, first_cell: str) -> int:
    table = app.screen.query_one(selector, DataTable)
    return next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == first_cell)


def test_every_console_screen_shows_markup_as_typed(hostile_office):
    live, token, _engine = hostile_office

    async def steps(app, pilot):
        # It starts, though the review queue holds unbalanced tags.
        assert_shown(app, f"Signed in as {SUPERVISOR}", f"{SUPERVISOR} · ", COLLECTOR, LINK)
        table = app.screen.query_one("#board-table", DataTable)
        table.move_cursor(row=row_of(app, "#board-table", COLLECTOR))
        await pilot.press("enter")
        await settle(pilot)
        assert_shown(app, f"{COLLECTOR} on 23 Nov 2026: 8 visits", CLICK)
        await click_on(pilot, CLICK)

        await pilot.press("2")
        await settle(pilot)
        assert_shown(app, "Review queue: 34 open", REASON, f" · {CLICK}")
        await click_on(pilot, CLICK)
        await pilot.press("enter")  # resolve the first dispute, with a note full of markup
        await settle(pilot)
        assert_shown(app, f" · {CLICK}", REASON)
        app.screen.query_one("#note", Input).value = LONE
        await pilot.press("enter")
        await settle(pilot)
        assert_shown(app, "Review queue: 33 open", "Resolved: ", CLICK)

        # Another supervisor resolves the next one first: head office's refusal quotes her.
        await pilot.press("enter")
        await settle(pilot)
        item = app.screen.item
        other = SupervisorClient(live.url, token)
        try:
            other.resolve(item.kind, item.ref, LINK)
        finally:
            other.close()
        app.screen.query_one("#note", Input).value = "done"
        await pilot.press("enter")
        await settle(pilot)
        assert_shown(app, "already resolved by", SUPERVISOR, LINK)
        await pilot.press("escape", "v")
        await settle(pilot)
        pane_items = app.screen.query_one("ReviewPane").items
        done = next(i for i, it in enumerate(pane_items) if it.resolution is not None)
        app.screen.query_one("#review-table", DataTable).move_cursor(row=done)
        await settle(pilot)
        assert_shown(app, f"Resolved by {SUPERVISOR} on ")

        await pilot.press("3")  # the numbers, by collector
        await settle(pilot)
        assert_shown(app, COLLECTOR)
        await pilot.press("1", "a")  # the assign dialog offers every collector by name
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#collector", Select).value = COLLECTOR
        dialog.query_one("#accounts", Input).value = UNCLOSED
        await pilot.pause()
        assert_shown(app, COLLECTOR)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")  # the revoke dialog names the route's collector as written
        await settle(pilot)
        assert_shown(app, f"Revoke {COLLECTOR}'s laptops", f"{COLLECTOR} has no laptop in")
        await pilot.press("escape")
        await pilot.pause()

        app.choose_language("da")  # the settings redraw every table
        await settle(pilot)
        app.choose_theme("fieldapp-sunlight")
        await settle(pilot)
        assert_shown(app, f"{COLLECTOR} den 23. nov. 2026: 8 besøg", CLICK)
        return app.return_code

    assert drive(console_for(hostile_office), steps) is None
