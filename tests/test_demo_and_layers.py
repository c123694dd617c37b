"""The demo's data and enrollment, and the layering rules CI holds the code to."""

import subprocess
import sys
from pathlib import Path

from fieldapp.demo import run_demo
from fieldapp.store import Store
from fieldcore.stages import Stage


def test_demo_seeds_a_multilingual_route_at_every_stage(tmp_path):
    home = run_demo(home_explicit=tmp_path / "laptop", open_app=False)
    store = Store(home)
    try:
        stops = store.route(store.today())
        languages = {row[0] for row in store.db.execute("SELECT DISTINCT language FROM accounts")}
    finally:
        store.close()
    assert len(stops) >= 30
    assert languages == {"en", "da", "zh"}
    assert {s.stage for s in stops} == {Stage.EARLY, Stage.MIDDLE, Stage.LATE}
    assert any("ø" in s.borrower_name or "æ" in s.borrower_name for s in stops)
    assert any("王" in s.borrower_name for s in stops)


def test_layering_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint)], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_demo_keeps_a_pinned_day_and_leaves_no_folder_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDAPP_TODAY", "2027-03-10T10:00")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    home = run_demo(home_explicit=tmp_path / "laptop", open_app=False)
    store = Store(home)
    try:
        day = store.today()
        stops = store.route(day)
    finally:
        store.close()
    assert day.isoformat() == "2027-03-10"
    assert len(stops) >= 30, "the demo's borrowers are on the pinned day's route"
    assert [p.name for p in tmp_path.iterdir()] == ["laptop"], "the demo's head office is gone"
