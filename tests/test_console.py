"""The supervisors' console over the real server: board, assignment, review, numbers."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
import sqlalchemy as sa
from textual.widgets import Button, Checkbox, DataTable, Input, Select, TabbedContent

from headoffice.console.app import SupervisorConsole
from headoffice.console.client import SupervisorClient
from headoffice.console.revoke import RevokeDialog
from headoffice.store import tables
from headoffice.work import roster
from tests.console_office import DAY, SHOWN_URL, console_for, drive, settle, table_rows, text
from tests.helpers import free_port

pytestmark = pytest.mark.usefixtures("own_settings")


def test_the_board_shows_the_team_then_a_route_and_moves_by_day(office):
    async def steps(app, pilot):
        assert "Head Office Demo" in app.sub_title
        assert text(app, "#board-title").startswith("Team on 23 Nov 2026: 60 visits")
        team = table_rows(app, "#board-table")
        assert [row[0] for row in team] == [
            "Anna Holm", "Demo Collector", "Fiona Grant", "Lars Berg", "Wei Chen",
        ]  # fmt: skip
        assert team[1][1] == "36" and team[3][1] == "8"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert text(app, "#board-title").startswith("Demo Collector on 23 Nov 2026: 36 visits")
        first = table_rows(app, "#board-table")[0]
        assert first[:3] == ["1", "DA-1001", "Søren Ærøskøbing"]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "22 Nov 2026: 0 visits" in text(app, "#board-title")  # a Sunday
        await pilot.press("escape", "left_square_bracket")
        await settle(pilot)
        assert text(app, "#board-title").startswith("Team on 21 Nov 2026: 24 visits")

    drive(console_for(office), steps)


def test_assigning_a_region_with_a_planned_walk(office):
    _live, _token, engine = office

    async def steps(app, pilot):
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "collector" in text(app, "#dialog-error")
        assert dialog.query_one("#collector").has_class("invalid")
        dialog.query_one("#collector", Select).value = "Lars Berg"
        dialog.query_one("#date", Input).value = "2026-11-24"
        dialog.query_one("#region", Input).value = "Jutland"
        dialog.query_one("#optimise", Checkbox).value = True
        dialog.query_one("#start", Input).value = "56.15,10.2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = text(app, "#status")
        # Jutland has 30 accounts; the plan leaves out those nobody may visit that day
        # (the team's disputes are on hold; some had their visits this week).
        found = re.search(
            r"Assigned (\d+) visits to Lars Berg on 2026-11-24 · planned walk [\d.]+ km · "
            r"(\d+) left out: nobody may visit them that day · (\d+) follow-ups due, first",
            status,
        )
        assert found, status
        assigned, left_out, follow_ups = int(found[1]), int(found[2]), int(found[3])
        # Lars's own borrowers with a promise due or missed come first, wherever they live.
        # (some live in Jutland too).
        assert 30 <= assigned + left_out <= 30 + follow_ups and left_out > 0 and follow_ups > 0
        return assigned

    assigned = drive(console_for(office), steps)
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(tables.visits)
            .where(
                tables.visits.c.visit_date == date(2026, 11, 24),
                tables.visits.c.status == "assigned",
            )
        ).scalar()
    assert count == assigned


def test_a_bad_start_point_is_shown_at_its_field(office):
    async def steps(app, pilot):
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#collector", Select).value = "Lars Berg"
        dialog.query_one("#region", Input).value = "Jutland"
        dialog.query_one("#start", Input).value = "north"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "LAT,LON" in text(app, "#dialog-error")
        assert dialog.query_one("#start").has_class("invalid")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not dialog

    drive(console_for(office), steps)


def test_recalling_the_selected_stop(office):
    _live, _token, engine = office

    async def steps(app, pilot):
        # On the team view there is no single visit to recall.
        await pilot.press("x")
        await settle(pilot)
        assert "Open a collector's route" in text(app, "#status")
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Press x again to recall DA-1001" in text(app, "#status")
        assert "36 visits" in text(app, "#board-title")  # nothing happened yet
        await pilot.press("x")
        await settle(pilot)
        assert text(app, "#status").startswith("Recalled DA-1001")
        assert "35 visits" in text(app, "#board-title")

    drive(console_for(office), steps)
    with engine.connect() as conn:
        status = conn.execute(
            sa.select(tables.visits.c.status).where(
                tables.visits.c.account_id == "DA-1001", tables.visits.c.visit_date == DAY
            )
        ).scalar_one()
    assert status == "recalled"


def test_revoking_a_collectors_laptops_with_a_wipe_order(office):
    live, _token, engine = office
    # Two laptops for Lars Berg and one for Wei Chen, enrolled as fieldapp does it.
    for collector in ("Lars Berg", "Lars Berg", "Wei Chen"):
        token = roster.new_enrollment(engine, collector)
        answer = httpx.post(f"{live.url}/sync/enroll", json={"token": token, "device_name": "x"})
        assert answer.status_code == 200, answer.text

    async def steps(app, pilot):
        # The palette opens it too, for the highlighted collector; Escape changes nothing.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Revoke")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RevokeDialog) and app.screen.collector == "Anna Holm"
        assert text(app, "#revoke-count").startswith("Anna Holm has no laptop in service")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "down", "down", "r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RevokeDialog) and dialog.collector == "Lars Berg"
        assert text(app, "#revoke-count") == "Lars Berg has 2 laptop(s) in service."
        assert "not yet sent never reaches head office" in text(app, "#revoke-what")
        assert str(dialog.query_one("#ok", Button).label) == "Revoke"
        await pilot.click("#wipe")
        await pilot.pause()
        assert dialog.query_one("#wipe", Checkbox).value is True
        what = text(app, "#revoke-what")
        assert "first delivers what it holds, so nothing recorded is lost, then erases" in what
        assert str(dialog.query_one("#ok", Button).label) == "Revoke and wipe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
        assert text(app, "#status") == (
            "Revoked 2 laptop(s) of Lars Berg; each delivers what it holds at its next sync, "
            "then erases itself"
        )

    drive(console_for(office), steps)
    devices, collectors = tables.devices, tables.collectors
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(collectors.c.name, devices.c.revoked_at, devices.c.wipe_ordered_at)
            .add_columns(devices.c.wiped_at)
            .join(collectors, collectors.c.collector_id == devices.c.collector_id)
        ).all()
    lars = [row for row in rows if row.name == "Lars Berg"]
    assert len(lars) == 2
    # Ordered, not yet delivered: each laptop's next sync brings the order.
    assert all(r.revoked_at and r.wipe_ordered_at and r.wiped_at is None for r in lars)
    [wei] = [row for row in rows if row.name == "Wei Chen"]
    assert wei.revoked_at is None and wei.wipe_ordered_at is None


def test_resolving_a_review_item_keeps_the_note(office):
    _live, _token, engine = office

    async def steps(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        first = table_rows(app, "#review-table")[0]
        assert first[0] == "Dispute"
        assert text(app, "#review-title") == "Review queue: 34 open"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # an empty note is refused
        await pilot.pause()
        assert "note is kept" in text(app, "#dialog-error")
        await pilot.press(*"statement sent")
        await pilot.press("enter")
        await settle(pilot)
        assert text(app, "#review-title") == "Review queue: 33 open"
        await pilot.press("v")
        await settle(pilot)
        return first

    first = drive(console_for(office), steps)
    with engine.connect() as conn:
        [row] = conn.execute(sa.select(tables.resolutions)).all()
    assert (row.kind, row.note, row.resolved_by) == (
        "dispute",
        "statement sent",
        "Head Office Demo",
    )
    assert row.ref.startswith("team-")  # a dispute recorded by the team, as the first row showed
    assert first[1].startswith("T-")


def test_numbers_by_collector_then_stage_then_day(office):
    async def steps(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        rows = table_rows(app, "#numbers-table")
        assert [r[0] for r in rows] == [
            "Anna Holm",
            "Fiona Grant",
            "Lars Berg",
            "Wei Chen",
            "Total",
        ]
        await pilot.press("g")
        await settle(pilot)
        assert [r[0] for r in table_rows(app, "#numbers-table")] == [
            "current",
            "early",
            "middle",
            "late",
            "Total",
        ]
        await pilot.press("g")
        await settle(pilot)
        assert table_rows(app, "#numbers-table")[0][0] == "2026-11-10"

    drive(console_for(office), steps)


def test_an_unreachable_head_office_is_one_line_and_nothing_hangs(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    app = SupervisorConsole(url, "token")

    async def steps(app, pilot):
        assert "cannot be reached" in text(app, "#status")
        assert "tries again every minute" in text(app, "#status")
        assert app.screen.query_one("#status").has_class("error")

    drive(app, steps)


def test_a_laptop_token_is_told_it_is_the_wrong_key(office, tmp_path):
    live, _token, engine = office
    from fieldapp.store import Store
    from fieldapp.syncing import enroll_laptop
    from headoffice.work import roster

    home = tmp_path / "laptop"
    enroll_laptop(home, live.url, roster.new_enrollment(engine, "Lars Berg"), "laptop")
    device_token = Store(home).setting("device_token")
    app = SupervisorConsole(live.url, device_token)

    async def steps(app, pilot):
        assert "laptop's token" in text(app, "#status")

    drive(app, steps)


SCREENS = {
    "board": (),
    "route": ("down", "down", "down", "enter"),
    "review": ("2",),
    "numbers": ("3",),
    "assign": ("a",),
    "resolve": ("2", "enter"),
    "revoke": ("down", "down", "down", "r"),
}


# At 80x24 plotext's day labels crowd each other and their styling varies from
# run to run; the numbers there are checked by the Pilot test instead.
SNAPSHOTS = [(s, size) for s in SCREENS for size in [(120, 40), (80, 24)]]
SNAPSHOTS.remove(("numbers", (80, 24)))


@pytest.mark.parametrize(
    ("screen", "size"), [pytest.param(s, z, id=f"{s}-{z[0]}x{z[1]}") for s, z in SNAPSHOTS]
)
def test_console_snapshots(snap_compare, office, screen, size):
    async def run_before(pilot):
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(console_for(office), terminal_size=size, run_before=run_before)


def test_console_snapshot_in_chinese(snap_compare, office):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(console_for(office, "zh"), terminal_size=(120, 40), run_before=run_before)


def test_every_key_is_also_in_the_command_palette(office):
    async def steps(app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Day after")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert text(app, "#board-title").startswith("Team on 24 Nov 2026")

    drive(console_for(office), steps)


def test_switching_language_redraws_tabs_and_tables(office):
    async def steps(app, pilot):
        app.choose_language("da")
        await settle(pilot)
        assert str(app.query_one(TabbedContent).get_tab("review").label) == "Gennemgang"
        assert text(app, "#board-title").startswith("Holdet den")
        await pilot.press("2")
        await settle(pilot)
        headers = [
            str(c.label) for c in app.screen.query_one("#review-table", DataTable).columns.values()
        ]
        assert headers[:2] == ["Type", "Konto"]
        app.choose_theme("fieldapp-sunlight")

    drive(console_for(office), steps)
    # The choices are remembered for the next start.
    live, token, _engine = office
    again = SupervisorConsole(SHOWN_URL, token, client=SupervisorClient(live.url, token))

    async def remembered(app, pilot):
        assert app.theme == "fieldapp-sunlight"
        assert str(app.query_one(TabbedContent).get_tab("review").label) == "Gennemgang"
        app.choose_language("en")

    drive(again, remembered)
