"""The shipped scripts read right: amounts in sentences, words that fit the channel, any hour."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import product

import pytest

from fieldapp.content import default_libraries
from fieldapp.tui.script import ScriptScreen
from fieldcore.money import format_money, known_currencies, money_in_text
from fieldcore.scripts import Channel, Script, Situation, build_script, fill_placeholders
from fieldcore.stages import Stage
from tests.conftest import DAY
from tests.ui import drive, text_of

LIBRARIES = default_libraries()
LANGUAGES = ["en", "da", "zh"]
NAMES = {"collector": "Mette", "lender": "Nordbank", "borrower": "Sarah Mitchell", "days": "45"}
FILL = {**NAMES, "overdue": "£80.00", "instalment": "£20.00"}

# What only a phone call says, so never a visit; and what only a doorstep says.
CALLING = {
    "en": [
        r"\bcall(s|ed|ing)?\b",
        r"\bphon(e|es|ed|ing)\b",
        r"\bring(s|ing)?\b",
        r"\bon the line\b",
    ],
    "da": [r"\bring(e|er|et|es)?\b", r"\bopkald\w*", r"\btelefon\w*", r"\bi røret\b"],
    "zh": ["打电话", "致电", "来电", "通话", "电话", "挂断", "接听"],
}
DOOR = {
    "en": [r"\bdoor(step)?s?\b", r"\bid card\b", r"\bvisit(s|ed|ing)?\b", r"\bin person\b"],
    "da": [r"\bdør(en|e|ene)?\b", r"legitimationskort", r"\bbesøg\w*", r"\bpersonligt\b"],
    "zh": ["上门", "门口", "登门", "拜访", "家访", "工作证", "当面"],
}
# A greeting for one part of the day; the scripts greet so that any hour fits.
TIME_OF_DAY = {
    "en": [r"\bgood (morning|afternoon|evening|night)\b"],
    "da": [r"\bgod ?(morgen|formiddag|middag|eftermiddag|aften|nat)\b"],
    "zh": ["早上好", "早安", "上午好", "中午好", "下午好", "晚上好", "晚安"],
}
NEUTRAL_GREETING = {"en": "Hello", "da": "Goddag", "zh": "您好"}

# A doubled full stop, a space before a stop or comma, an abbreviation's dot doubled.
BROKEN = re.compile(r"\.\.|\s[.,。，]|kr\.\.")


def texts(script: Script) -> list[str]:
    """Every text of an assembled script that the collector reads."""
    return [
        script.situation_title,
        script.advice,
        script.opening,
        script.purpose,
        *(text for step in script.steps for text in (step.title, *step.points)),
        *(text for o in script.objections for text in (o.heard, o.answer)),
        *script.compliance,
    ]


def rendered(language: str, channel: Channel, fill: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(script id, text) for every stage and situation of one language and channel."""
    for stage, situation in product(Stage, Situation):
        script = build_script(
            LIBRARIES[language], stage=stage, channel=channel, situation=situation, fill=fill
        )
        for text in texts(script):
            yield script.id, text


def found(patterns: list[str], text: str) -> list[str]:
    return [p for p in patterns if re.search(p, text, re.IGNORECASE)]


@pytest.mark.parametrize("currency", ["DKK", "GBP", "CNY", "EUR", "JPY", "XCG"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amount_in_a_sentence_never_brings_a_stray_dot(language, currency):
    overdue = money_in_text(450000, currency, language)
    instalment = money_in_text(150000, currency, language)
    fill = {**NAMES, "overdue": overdue, "instalment": instalment}
    broken = []
    with_amount = 0
    for where, text in (line for channel in Channel for line in rendered(language, channel, fill)):
        with_amount += overdue in text or instalment in text
        if BROKEN.search(text):
            broken.append((where, text))
    assert broken == []
    assert with_amount  # the walk did meet the amounts


def test_money_in_text_trades_an_abbreviation_dot_for_the_iso_code():
    assert money_in_text(450000, "DKK", "da") == "4.500,00\xa0DKK"
    assert format_money(450000, "DKK", "da") == "4.500,00\xa0kr."  # tables keep Babel's form
    assert money_in_text(8000, "GBP", "en") == "£80.00"
    assert money_in_text(450000, "CNY", "zh") == "¥4,500.00"
    for currency, language in product(sorted(known_currencies()), LANGUAGES):
        written = format_money(123450, currency, language)
        in_text = money_in_text(123450, currency, language)
        # No abbreviation's dot anywhere (a letter then a dot), else as the tables show it.
        assert not re.search(r"[^\W\d]\.", in_text), (currency, language)
        assert in_text == written or currency in in_text, (currency, language)


def test_a_value_ending_with_a_dot_gives_the_sentence_one_full_stop():
    values = {"lender": "Nordbank A.m.b.a."}
    assert fill_placeholders("I work for {lender}.", values) == "I work for Nordbank A.m.b.a."
    assert fill_placeholders("{lender}, hello", values) == "Nordbank A.m.b.a., hello"
    assert fill_placeholders("{lender}...", values) == "Nordbank A.m.b.a..."


@pytest.mark.parametrize("language", LANGUAGES)
def test_visit_wording_never_calls_and_phone_wording_never_stands_at_the_door(language):
    wrong = [
        (where, found(CALLING[language], text), text)
        for where, text in rendered(language, Channel.VISIT, FILL)
        if found(CALLING[language], text)
    ]
    wrong += [
        (where, found(DOOR[language], text), text)
        for where, text in rendered(language, Channel.PHONE, FILL)
        if found(DOOR[language], text)
    ]
    assert wrong == []


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("language", LANGUAGES)
def test_greetings_fit_any_hour(language, channel):
    """No greeting names a part of the day: the script is the same at 08:00 and at 20:00."""
    timed = [
        (where, text)
        for where, text in rendered(language, channel, FILL)
        if found(TIME_OF_DAY[language], text)
    ]
    assert timed == []
    script = build_script(
        LIBRARIES[language], stage=Stage.EARLY, channel=channel, situation=Situation.SHORT_FOR_NOW
    )
    assert script.opening.startswith(NEUTRAL_GREETING[language])


def test_the_script_screen_puts_danish_kroner_into_a_sentence_without_a_stray_dot(home):
    async def steps(app, pilot):
        danish = next(
            s
            for s in app.store.route(DAY)
            if s.currency == "DKK" and s.stage is Stage.MIDDLE and not s.on_hold
        )
        app.push_screen(ScriptScreen(danish.visit_id))
        await pilot.pause()
        return text_of(app, "#script-intro"), danish

    intro, danish = drive(home, steps)
    # Words as read: the terminal may wrap a line anywhere, the non-breaking space too.
    amount = " ".join(money_in_text(danish.overdue_minor, "DKK", "da").split())
    assert f"på {amount}. " in " ".join(intro.split())
    assert "kr.." not in intro and ".." not in intro
