"""Every screen of both apps, in Danish and Chinese, shows no code (stage, outcome, security,
review kind...) as its raw English value: each reaches the screen as its translated word."""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
from enum import StrEnum

import pytest
from pydantic import BaseModel
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select

import fieldcore
from fieldapp.contacting import mark_route
from fieldapp.store import Store
from fieldapp.tui.route_list import RouteList
from fieldcore import labels
from fieldcore.accounts import SECURITY_KINDS
from fieldcore.corrections import CONTACT_FIELDS
from fieldcore.i18n import catalog, set_language
from fieldcore.outcomes import CODE_FIELDS, OutcomeCode
from headoffice import wire
from headoffice.console.client import SupervisorClient
from headoffice.phrasing import said
from headoffice.wire import ReviewItemWire
from tests.conftest import DAY
from tests.console_office import console_for, settle
from tests.console_office import drive as drive_console
from tests.ui import drive
from tests.visible import screen_text

LANGUAGES = ["da", "zh"]


def codes() -> set[str]:
    """Every code the product has: the kernel's enums, the wire's literals, the code tuples."""
    found = set(SECURITY_KINDS) | set(CONTACT_FIELDS)
    for info in pkgutil.iter_modules(fieldcore.__path__):
        module = importlib.import_module(f"fieldcore.{info.name}")
        for thing in vars(module).values():
            if isinstance(thing, type) and issubclass(thing, StrEnum) and thing is not StrEnum:
                found |= {member.value for member in thing}
    for thing in vars(wire).values():
        if isinstance(thing, type) and issubclass(thing, BaseModel):
            for field in thing.model_fields.values():
                if typing.get_origin(field.annotation) is typing.Literal:
                    found |= {v for v in typing.get_args(field.annotation) if isinstance(v, str)}
    # The codes the kernel has words for (route status and the like) are codes too.
    for words in word_lists():
        found |= set(words)
    return found


def word_lists() -> list[dict[str, str]]:
    """The kernel's lists of words for codes (code -> English), as fieldcore.labels has them."""
    return [
        words
        for name, words in vars(labels).items()
        if not name.startswith("_") and isinstance(words, dict)
    ]


NATIVE_WORDS = {"plan"}


def forbidden(language: str) -> dict[str, re.Pattern[str]]:
    """The codes that must not show raw in `language`: all but those whose word is the code."""
    same = {
        code
        for words in word_lists()
        for code, english in words.items()
        if catalog(language).get(english, "").casefold() == code.casefold()
    }
    # Codes that are also a script language's own word for the same thing ("plan" is
    # Danish): a script reaches every UI language in the borrower's language.
    same |= NATIVE_WORDS
    # A whole word: no Latin letter (accented too: "sent" is no word of "Præsentér"), digit
    # or underscore either side (CJK may touch it).
    latin = "A-Za-z0-9_\u00c0-\u024f"
    return {
        code: re.compile(rf"(?<![{latin}]){re.escape(code)}(?![{latin}])")
        for code in sorted(codes() - same)
    }


def raw_codes(seen: list[tuple[str, str]], language: str) -> list[str]:
    """'screen: code in «…context…»' for every code found raw on a screen."""
    found = []
    for where, text in seen:
        for code, pattern in forbidden(language).items():
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
                found.append(f"{where}: {code!r} in «{context.strip()}»")
    return sorted(set(found))


async def look(pilot, seen: list, where: str, *keys: str) -> None:
    """Press the keys, wait for the screen, and keep what it shows."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    await pilot.pause()
    seen.append((where, screen_text(pilot.app)))


async def outcome_forms(pilot, seen: list) -> None:
    """The form for every outcome code, empty and refused; then a payment and its receipt."""
    await look(pilot, seen, "outcome form", "o")
    form = pilot.app.screen
    for code in OutcomeCode:
        form.query_one("#outcome", Select).value = code.value
        await look(pilot, seen, f"outcome form ({code})")
        if CODE_FIELDS[code]:  # an empty form for this code is refused, and stays open
            await look(pilot, seen, f"outcome form ({code}) refused", "ctrl+s")
    form.query_one("#outcome", Select).value = "paid"
    await pilot.pause()
    form.query_one("#amount", Input).value = "10"
    form.query_one("#method", Select).value = "cash"
    await look(pilot, seen, "receipt", "ctrl+s")
    await pilot.press("escape")
    await pilot.pause()


def distinct_stops(home) -> list[int]:
    """Route rows that between them show every value a visit screen can show raw: each
    stage, language and loan security, and each set of rules that blocks a stop.

    A value is translated or not wherever it shows, so one row per value covers them all
    (four or five of the 36 rows; opening every combination cost a minute a language).
    """
    store = Store(home)
    try:
        stops = store.route(DAY)
        marks = mark_route(store, stops)
        kinds = []
        for stop in stops:
            account = store.visit(stop.visit_id).account
            mark = marks.get(stop.visit_id)
            kinds.append(
                {
                    ("stage", stop.stage),
                    ("language", account.language),
                    ("security", account.security),
                    ("blocks", mark.blocks if mark else ()),
                }
            )
    finally:
        store.close()
    chosen: list[int] = []
    unseen = set().union(*kinds)
    while unseen:
        best = max(range(len(kinds)), key=lambda i: (len(kinds[i] & unseen), -i))
        chosen.append(best)
        unseen -= kinds[best]
    return sorted(chosen)


def laptop_screens(home, language: str) -> list[tuple[str, str]]:
    kinds = distinct_stops(home)

    async def steps(app, pilot):
        seen: list[tuple[str, str]] = []
        await look(pilot, seen, "route")
        await look(pilot, seen, "keys", "question_mark")
        await pilot.press("escape")
        for index in kinds:
            app.screen.query_one("#route", RouteList).cursor_row = index
            await look(pilot, seen, f"visit {index + 1}", "enter")
            await pilot.press("escape")
        await look(pilot, seen, "visit", "home", "enter")
        await look(pilot, seen, "visit keys", "question_mark")
        await pilot.press("escape")
        await look(pilot, seen, "script", "p")
        for turn in range(5):
            await look(pilot, seen, f"script situation {turn}", "w")
            await look(pilot, seen, f"script phone {turn}", "v")
        await pilot.press("escape")
        await look(pilot, seen, "correction", "c")
        app.screen.query_one("#value", Input).value = "12ab"
        await look(pilot, seen, "correction refused", "ctrl+s")
        await pilot.press("escape")
        await outcome_forms(pilot, seen)
        await pilot.press("escape")
        await look(pilot, seen, "day summary", "d")
        return seen

    return drive(home, steps, size=(160, 80), language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_laptop_screen_shows_a_raw_code(home, language):
    found = raw_codes(laptop_screens(home, language), language)
    assert found == [], "\n".join(found)


def console_screens(office, language: str) -> list[tuple[str, str]]:
    async def look_settled(pilot, seen: list, where: str, *keys: str) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        seen.append((where, screen_text(pilot.app)))

    async def steps(app, pilot):
        seen: list[tuple[str, str]] = []
        await look_settled(pilot, seen, "board")
        await look_settled(pilot, seen, "a collector's route", "down", "enter")
        await look_settled(pilot, seen, "assign dialog", "a")
        await look_settled(pilot, seen, "assign dialog refused", "ctrl+s")
        await look_settled(pilot, seen, "board again", "escape", "escape")
        await look_settled(pilot, seen, "revoke dialog", "r")
        await look_settled(pilot, seen, "revoke dialog, also wipe", "space")
        await look_settled(pilot, seen, "board after the revoke dialog", "escape")
        # Two days back every collector's route has outcomes to show.
        await look_settled(
            pilot, seen, "team two days back", "left_square_bracket", "left_square_bracket"
        )
        team = app.screen.query_one("#board-table")
        for row in range(team.row_count):
            team.move_cursor(row=row)
            await look_settled(pilot, seen, f"route {row + 1}, two days back", "enter")
            await look_settled(pilot, seen, "team two days back", "escape")
        await look_settled(
            pilot, seen, "back to today", "right_square_bracket", "right_square_bracket"
        )
        await look_settled(pilot, seen, "review queue", "2", "v")
        table = app.screen.query_one("#review-table")
        pane = app.screen.query_one("ReviewPane")
        for row in distinct_items(pane.items):
            table.move_cursor(row=row)
            await look_settled(pilot, seen, f"review item {row + 1}")
        await look_settled(pilot, seen, "review queue, open only", "v", "home")
        await look_settled(pilot, seen, "resolve dialog", "enter")
        await look_settled(pilot, seen, "resolve dialog refused", "ctrl+s")
        await look_settled(pilot, seen, "numbers by collector", "escape", "3")
        await look_settled(pilot, seen, "numbers by stage", "g")
        await look_settled(pilot, seen, "numbers by day", "g")
        await look_settled(pilot, seen, "holds", "4")
        await look_settled(pilot, seen, "hold dialog", "h")
        await look_settled(pilot, seen, "hold dialog refused", "ctrl+s")
        await look_settled(pilot, seen, "release dialog", "escape", "enter")
        return seen

    app = console_for(office, language)
    app.client.review = without_peoples_words(app.client.review)
    holds = app.client.holds
    app.client.holds = lambda: [h.model_copy(update={"note": "…"}) for h in holds()]
    return drive_console(app, steps, size=(200, 80))


def distinct_items(items: list[ReviewItemWire]) -> list[int]:
    """One row of the review queue for each kind of item, open or resolved, and each code its
    facts name (an outcome, a field, the rules broken, a channel): a detail with the same
    codes shows the same words, so the other rows add nothing to look at."""
    first: dict[tuple, int] = {}
    for row, item in enumerate(items):
        facts = item.facts
        codes = (facts.outcome, facts.field, tuple(facts.rules or ()), facts.channel)
        first.setdefault((item.kind, item.resolution is None, codes), row)
    return sorted(first.values())


def without_peoples_words(review):
    """The queue with the borrowers' and collectors' own words left out: the demo team
    writes its notes in English, and what people write is theirs, not a code to translate."""

    def fetch(include_resolved: bool) -> list[ReviewItemWire]:
        return [
            item.model_copy(
                update={
                    "facts": item.facts.model_copy(
                        update={"reason": "…", "note": "…", "override": "…"}
                    )
                }
            )
            for item in review(include_resolved)
        ]

    return fetch


@pytest.mark.usefixtures("own_settings")
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_console_screen_shows_a_raw_code(office, language):
    found = raw_codes(console_screens(office, language), language)
    assert found == [], "\n".join(found)


def test_review_summaries_of_head_office_show_no_raw_code(office):
    live, token, _engine = office
    client = SupervisorClient(live.url, token)
    made = [i for i in client.review(True) if i.kind in ("legal", "late", "conflict")]
    client.close()
    assert made, "the demo team has legal referrals"
    set_language("da")
    try:
        shown = [(f"{i.kind} {i.ref}", said(i)) for i in made]
    finally:
        set_language("en")
    assert all(text for _where, text in shown)
    found = raw_codes(shown, "da")
    assert found == [], "\n".join(found)


ENGLISH_SYSTEM = (
    "Change the current theme",
    "Quit the application as soon as possible",
    "Search for commands",
)


async def palette_text(pilot, expected: str) -> str:
    """What the palette lists once `expected` is among it (bounded wait), as text."""
    await pilot.press("ctrl+p")
    listed = ""
    for _ in range(100):
        await pilot.pause(0.05)
        if isinstance(pilot.app.screen, CommandPalette):
            options = pilot.app.screen.query(OptionList)
            if options:
                menu = options.first()
                listed = "\n".join(
                    str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)
                )
                placeholder = pilot.app.screen.query_one(Input).placeholder
                listed = f"{placeholder}\n{listed}"
                if expected in listed:
                    break
    await pilot.press("escape")
    return listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_textuals_own_palette_commands_speak_the_ui_language(home, office, language):
    """Theme, Quit, Keys and Screenshot come from Textual in English; both apps say them."""

    expected = catalog(language)["Quit the application as soon as possible"]

    async def steps(app, pilot):
        return await palette_text(pilot, expected)

    for shown in (
        drive(home, steps, language=language),
        drive_console(console_for(office, language), steps),
    ):
        assert not [english for english in ENGLISH_SYSTEM if english in shown], shown
        assert expected in shown
        assert catalog(language)["Search for commands…"] in shown
