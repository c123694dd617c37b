"""Champion and challenger: a challenger library published beside its language's champion
reaches the half of a stage's accounts a hash of the trial's name picks, on every laptop
alike; the outcomes carry its version, and the numbers compare the two."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content import CONTENT_DIR
from fieldapp.content import challengers, libraries
from fieldapp.syncing import sync_once
from fieldapp.tui.script import ScriptScreen
from fieldcore.scripts import Trial, pick_library, takes_challenger
from fieldcore.stages import Stage
from headoffice.work.publishing import PublishRefused, publish
from tests.conftest import DAY
from tests.ui import drive

MARK = "This is the challenger's opening."
ACCOUNTS = [f"T-{n:04d}" for n in range(1000)]


def _trial_name(account_id: str, in_half: bool) -> str:
    """A trial name whose split puts the account in the challenger's half, or not."""
    return next(
        name
        for name in (f"trial-{n}" for n in range(100))
        if takes_challenger(account_id, Trial(name=name, stages=[Stage.MIDDLE]), Stage.MIDDLE)
        == in_half
    )


def _with_challenger(tmp_path: Path, version: int, name: str, stages: str = '["middle"]') -> Path:
    folder = tmp_path / f"content-{version}"
    for kind in ("scripts", "policy"):
        shutil.copytree(CONTENT_DIR / kind, folder / kind)
    english = (folder / "scripts" / "en.toml").read_text(encoding="utf-8")
    opening = english.index('visit = "Hello.')
    challenger = english.replace("version = 3", f"version = {version}", 1)
    challenger = challenger[:opening] + f'visit = "{MARK} ' + challenger[opening + 9 :]
    challenger = challenger.replace(
        "\n[opening]", f'\n[trial]\nname = "{name}"\nstages = {stages}\n\n[opening]', 1
    )
    (folder / "scripts" / "en.challenger.toml").write_text(challenger, encoding="utf-8")
    return folder


def test_a_trial_splits_a_stages_accounts_in_two_fixed_halves():
    trial = Trial(name="opening-2026", stages=[Stage.EARLY, Stage.MIDDLE])
    half = {a for a in ACCOUNTS if takes_challenger(a, trial, Stage.EARLY)}
    assert 450 < len(half) < 550
    # The same half at every visit and on every laptop; the stage only says whether.
    assert half == {a for a in ACCOUNTS if takes_challenger(a, trial, Stage.MIDDLE)}
    assert half == {a for a in ACCOUNTS if takes_challenger(a, trial, Stage.CURRENT)}
    assert not any(takes_challenger(a, trial, Stage.LATE) for a in ACCOUNTS)
    other = Trial(name="closing-2026", stages=[Stage.EARLY])
    assert half != {a for a in ACCOUNTS if takes_challenger(a, other, Stage.EARLY)}
    # A trial with no stages is over: everyone reads the champion again.
    assert not any(takes_challenger(a, Trial(name="x", stages=[]), Stage.EARLY) for a in ACCOUNTS)


def test_a_challenger_is_published_beside_its_champion_with_a_higher_version(engine, tmp_path):
    same = _with_challenger(tmp_path, 3, "t")
    with pytest.raises(PublishRefused) as refused:
        publish(engine, same)
    assert refused.value.problems == [
        "scripts/en.challenger.toml: scripts/en.challenger version 3 is not above its "
        "champion's (scripts/en v3): the numbers tell them apart by version"
    ]
    published = publish(engine, _with_challenger(tmp_path, 4, "t"))
    assert "scripts/en.challenger v4" in published and "scripts/en v3" in published


def test_a_laptop_reads_the_challenger_only_for_accounts_in_its_half(laptop, engine, tmp_path):
    # EN-1 is 45 days past due (middle); the first trial has it, the second does not.
    publish(engine, _with_challenger(tmp_path, 4, _trial_name("EN-1", True)))
    sync_once(laptop)

    async def steps(app, pilot):
        stop = next(s for s in app.store.route(DAY) if s.account_id == "EN-1")
        app.push_screen(ScriptScreen(stop.visit_id))
        await pilot.pause()
        return app.screen.script.version, app.screen.script.opening

    version, opening = drive(laptop, steps)
    assert version == 4 and opening.startswith(MARK)
    publish(engine, _with_challenger(tmp_path, 5, _trial_name("EN-1", False)))
    sync_once(laptop)
    version, opening = drive(laptop, steps)
    assert version == 3 and MARK not in opening


def test_the_champion_stays_where_no_trial_runs():
    published = [
        {"kind": "scripts", "key": "scripts/en.challenger", "body": _body(4, "t")},
    ]
    found = libraries(published)
    assert found["en"].version == 3  # the challenger never stands in for the champion
    trial_name = next(
        n
        for n in ("a", "b", "c", "d", "e", "f")
        if takes_challenger("X-1", Trial(name=n, stages=[Stage.EARLY]), Stage.EARLY)
    )
    published = [{"kind": "scripts", "key": "k", "body": _body(4, trial_name)}]
    chosen = pick_library(
        libraries(published),
        "en",
        challengers=challengers(published),
        account_id="X-1",
        stage=Stage.EARLY,
    )
    assert chosen.version == 4
    # Another language's borrower reads that language's champion.
    other = pick_library(
        libraries(published),
        "da",
        challengers=challengers(published),
        account_id="X-1",
        stage=Stage.EARLY,
    )
    assert (other.language, other.trial) == ("da", None)


def _body(version: int, name: str) -> str:
    from fieldapp.content import default_libraries

    champion = default_libraries()["en"]
    return champion.model_copy(
        update={"version": version, "trial": Trial(name=name, stages=[Stage.EARLY])}
    ).model_dump_json()
