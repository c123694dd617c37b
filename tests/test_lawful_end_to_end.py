"""Lawful contact end to end, on the real server: a hold placed at head office while the
laptop is offline, the breach head office finds, the hold on the laptop, an override."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.syncing import sync_once


def run(home: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(fieldapp, ["--home", str(home), *args])
    return done.exit_code, done.output


def policy_items(boss) -> list[dict]:
    queue = boss.get("/supervisor/review").json()
    return [item for item in queue if item["kind"] == "policy"]


def test_a_hold_the_laptop_did_not_know_and_an_override_reach_the_review(laptop, server, boss):
    sync_once(laptop)
    placed = boss.post(
        "/supervisor/accounts/DK-1/holds",
        json={"reason": "cease", "note": "Letter of 20 November asks us to stop."},
    )
    assert placed.status_code == 201, placed.text
    # The laptop has not synced since: for all it knows, the visit is lawful.
    code, out = run(laptop, "record", "DK-1", "--outcome", "not_home")
    assert code == 0, out
    report = sync_once(laptop)
    assert report.refused == 0
    [found] = policy_items(boss)
    assert found["account_id"] == "DK-1" and found["collector"] == "Mette"
    assert found["facts"]["rules"] == ["hold.cease"] and found["facts"]["override"] is None
    assert "found at head office" in found["summary"]

    # The hold came back with that sync: offline now, the laptop refuses the next visit.
    server.stop()
    code, out = run(laptop, "check", "DK-1", "--channel", "visit")
    assert code == 3 and out.startswith("blocked: hold.cease: ")
    code, out = run(laptop, "record", "DK-1", "--outcome", "refused")
    assert code == 3 and "blocked: hold.cease: " in out
    why = "The borrower stopped me in the street and refused to pay."
    code, out = run(laptop, "record", "DK-1", "--outcome", "refused", "--override", why)
    assert code == 0, out

    server.start()
    sync_once(laptop)
    items = policy_items(boss)
    assert [i["facts"]["override"] for i in items] == [None, why]
    assert items[1]["facts"]["rules"] == ["hold.cease"]
    numbers = boss.get("/supervisor/numbers", params={"by": "collector"}).json()
    [mette] = [row for row in numbers["rows"] if row["key"] == "Mette"]
    assert (mette["policy_breaches"], mette["policy_overrides"]) == (1, 1)
    assert (numbers["total"]["policy_breaches"], numbers["total"]["policy_overrides"]) == (1, 1)
    # A supervisor resolves each with a note, like any review item.
    first = items[0]
    resolved = boss.post(
        f"/supervisor/review/policy/{first['ref']}",
        json={"note": "Hold letter arrived after the route left; collector told."},
    )
    assert resolved.status_code == 200, resolved.text
    assert len(policy_items(boss)) == 1
