"""One visit end to end: portfolio to laptop, outcomes with no network, back to head office."""

import asyncio
import json

from fieldapp.tui.app import FieldApp
from tests.conftest import DAY
from tests.helpers import run


def record_in_the_app(home, promise_date: str) -> None:
    """A collector opens the first stop, records a promise and saves, with the server down."""

    async def scenario():
        app = FieldApp(home, sync_on_start=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("enter", "o")
            await pilot.pause()
            form = app.screen
            form.query_one("#outcome").value = "promise"
            await pilot.pause()
            await pilot.click("#amount")
            await pilot.press(*"300.00", "enter")
            await pilot.press(*promise_date)
            await pilot.press("ctrl+s")
            await pilot.pause()
            # Mette works in Danish: the app speaks her language.
            assert "offline" in app.sync_status
            assert "1 ændring(er) venter" in app.sync_status
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_one_visit_end_to_end_offline(server, portfolio_file, tmp_path):
    db = ["--db", server.db_url]
    home = {"FIELDAPP_HOME": str(tmp_path / "laptop")}
    today = DAY.isoformat()

    # Head office: portfolio in, a collector, a route.
    assert "3 new" in run("headoffice", "import-portfolio", str(portfolio_file), *db).stdout
    token = (
        run(
            "headoffice",
            "collector",
            "add",
            "Mette",
            "--language",
            "da",
            "--timezone",
            "Europe/Copenhagen",
            *db,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    run(
        "headoffice", "assign", "--collector", "Mette", "--date", today, "DK-1", "CN-1", "EN-1", *db
    )

    # The laptop enrolls and takes its route while the network is there.
    run("fieldapp", "enroll", "--server", server.url, "--token", token, env=home)
    assert "received 3 visit(s)" in run("fieldapp", "sync", env=home).stdout

    # The network goes away; the collector works on.
    server.stop()
    record_in_the_app(tmp_path / "laptop", today)
    run(
        "fieldapp",
        "record",
        "CN-1",
        "--outcome",
        "paid",
        "--amount",
        "120.00",
        "--method",
        "cash",
        env=home,
    )
    run(
        "fieldapp",
        "record",
        "EN-1",
        "--outcome",
        "not_home",
        "--note",
        "dog barking, no answer",
        env=home,
    )
    offline = run("fieldapp", "sync", env=home, check=False)
    assert offline.returncode != 0
    route = json.loads(run("fieldapp", "route", "--json", env=home).stdout)
    assert [v["status"] for v in route] == ["done", "done", "done"]

    # The network comes back: everything reaches head office, exactly once.
    server.start()
    assert "sent 3 change(s) (0 refused)" in run("fieldapp", "sync", env=home).stdout
    assert "sent 0 change(s)" in run("fieldapp", "sync", env=home).stdout
    outcomes = json.loads(run("headoffice", "export", "outcomes", "--format", "json", *db).stdout)
    by_account = {o["account_id"]: o for o in outcomes}
    assert len(outcomes) == 3 == len(by_account)
    assert len({o["id"] for o in outcomes}) == 3
    assert by_account["DK-1"] | {"id": "", "recorded_at": ""} == by_account["DK-1"] | {
        "id": "",
        "recorded_at": "",
        "collector": "Mette",
        "outcome": "promise",
        "amount": "300.00",
        "currency": "DKK",
        "promise_date": today,
        "method": None,
    }
    assert (by_account["CN-1"]["amount"], by_account["CN-1"]["currency"]) == ("120.00", "CNY")
    assert by_account["CN-1"]["method"] == "cash" and by_account["CN-1"]["receipt_no"]
    assert by_account["EN-1"]["note"] == "dog barking, no answer"
    csv_export = run("headoffice", "export", "outcomes", "--format", "csv", *db).stdout
    assert len(csv_export.strip().splitlines()) == 4
