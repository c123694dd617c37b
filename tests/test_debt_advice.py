"""Free debt advice travels with each country's policy, in every language, and the hardship
script reads it out: the country's services, in the script's language."""

from __future__ import annotations

import re

import pytest

from content import shipped_policies
from fieldapp.content import NO_DEBT_ADVICE, debt_advice, default_libraries
from fieldapp.tui.script import ScriptScreen
from fieldcore.i18n import translated
from fieldcore.policy import read_policies
from fieldcore.policy_floor import loosened
from fieldcore.scripts import Channel, Situation, build_script, placeholder_problems
from fieldcore.stages import Stage
from tests.conftest import DAY
from tests.test_script_wording import CALLING, DOOR
from tests.ui import drive, text_of

LANGUAGES = ("en", "da", "zh")
POLICIES = {p.jurisdiction: p for p in read_policies(shipped_policies())}
# What only each country's advice names, so a test can tell whose was read out.
NAMED = {"us": "nfcc.org", "dk": "taenk.dk", "cn": "12348"}


@pytest.mark.parametrize("jurisdiction", ["us", "dk", "cn", "default"])
def test_every_shipped_policy_names_free_debt_advice_in_every_language(jurisdiction):
    advice = POLICIES[jurisdiction].debt_advice
    assert advice is not None and advice.source
    assert set(LANGUAGES) <= set(advice.text)
    for language in LANGUAGES:
        text = advice.text[language]
        assert NAMED.get(jurisdiction, "") in text
        # Read out at the door and on the phone alike, so it says neither.
        said = [p for p in CALLING[language] + DOOR[language] if re.search(p, text, re.I)]
        assert said == [], (language, said)
        for policy in POLICIES.values():
            for phrase in policy.forbidden_phrases.get(language, []):
                assert phrase.casefold() not in text.casefold(), (language, phrase)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hardship_script_points_to_the_debt_advice(language):
    library = default_libraries()[language]
    advice = library.situation[Situation.LASTING_LOSS].advice
    assert "{debt_advice}" in advice and placeholder_problems(advice) == []
    for country, jurisdiction in (("US", "us"), ("DK", "dk"), ("CN", "cn"), (None, "default")):
        said = debt_advice([], country, language)
        assert said == POLICIES[jurisdiction].debt_advice.text[language]
        script = build_script(
            library,
            stage=Stage.MIDDLE,
            channel=Channel.VISIT,
            situation=Situation.LASTING_LOSS,
            fill={"debt_advice": said},
        )
        assert script.advice.endswith(said) and "{debt_advice}" not in script.advice


def test_a_policy_without_debt_advice_still_gives_a_referral_and_is_refused_at_publish():
    danish = POLICIES["dk"]
    bare = danish.model_copy(update={"version": 99, "debt_advice": None})
    published = [{"kind": "policy", "body": bare.model_dump_json()}]
    assert debt_advice(published, "DK", "da") == translated(NO_DEBT_ADVICE, "da")
    assert debt_advice(published, "DK", "zh") == translated(NO_DEBT_ADVICE, "zh")
    assert "debt_advice: the advice in en is missing" in loosened(bare, danish)
    one_short = danish.debt_advice.model_copy(update={"text": {"en": "x", "da": "y"}})
    assert loosened(danish.model_copy(update={"debt_advice": one_short}), danish) == [
        "debt_advice: the advice in zh is missing"
    ]


def test_the_script_screen_reads_out_the_borrowers_countrys_advice(home):
    async def steps(app, pilot):
        stop = next(s for s in app.store.route(DAY) if s.country == "DK" and not s.on_hold)
        app.push_screen(ScriptScreen(stop.visit_id))
        await pilot.pause()
        while app.screen.situation is not Situation.LASTING_LOSS:
            await pilot.press("w")
        await pilot.pause()
        return text_of(app, "#script-head")

    head = " ".join(drive(home, steps).split())
    assert "taenk.dk" in head and "{debt_advice}" not in head
