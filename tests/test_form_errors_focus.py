"""A refused save goes to the first wrong field, in sight, and says what to type there, in
the UI language: the laptop's outcome form and correction dialog, the console's dialogs."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError
from textual.errors import NoWidget
from textual.widget import Widget
from textual.widgets import Input, Select

from fieldcore.corrections import check_correction
from fieldcore.errors import FieldErrors, from_validation_error, reason_shown
from fieldcore.i18n import catalog, set_language
from fieldcore.outcomes import check_outcome
from headoffice.console.assign import assign_request
from headoffice.wire import ResolveRequest
from tests.console_office import console_for, settle, text
from tests.console_office import drive as drive_console
from tests.ui import drive, text_of

LANGUAGES = ["da", "zh"]


def in_sight(widget: Widget) -> bool:
    """Drawn where the user sees it: its first cell is on screen and shows this widget."""
    region = widget.region
    if not region:
        return False
    try:
        found, _region = widget.screen.get_widget_at(region.x, region.y)
    except NoWidget:
        return False
    return widget in found.ancestors_with_self


def said(language: str, field: str, problem: str, hint: str, **values: str) -> str:
    """What a form says under a refused field, put together from the catalog by hand."""
    words = catalog(language)
    return words["{field}: {problem}. {hint}"].format(
        field=words[field].format(**values), problem=words[problem], hint=words[hint]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_outcome_goes_back_up_to_the_first_wrong_field(home, language):
    async def steps(app, pilot):
        await pilot.press("enter", "o")
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome", Select).value = "promise"
        await pilot.pause()
        form.query_one("#amount", Input).value = "12,3,4"
        # The collector is at the bottom of the form, the amount far above.
        form.query_one("#note", Input).focus()
        await pilot.pause()
        hidden_before = not in_sight(form.query_one("#amount"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        amount = form.query_one("#amount")
        shown = in_sight(amount) and in_sight(form.query_one("#amount-error"))
        return hidden_before, app.focused.id, shown, text_of(app, "#amount-error")

    hidden_before, focused, shown, message = drive(home, steps, (80, 16), language)
    assert hidden_before, "the form should have been scrolled away from the amount"
    assert (focused, shown) == ("amount", True)
    amount = ("Amount ({currency})", "is not an amount", "Write it with a point, like 1234.50")
    assert message.strip() == "⚠ " + said(language, *amount, currency="DKK")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_correction_says_what_to_type_at_the_value(home, language):
    async def steps(app, pilot):
        await pilot.press("enter", "c")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "12ab"
        app.screen.query_one("#field", Select).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        value = app.screen.query_one("#value")
        return app.focused.id, in_sight(value), text_of(app, "#value-error")

    focused, shown, message = drive(home, steps, (80, 24), language)
    assert (focused, shown) == ("value", True)
    phone = ("Phone", "is not a phone number", "Write the number in digits, like +45 21 43 65 87")
    assert message.strip() == "⚠ " + said(language, *phone)


@pytest.mark.usefixtures("own_settings")
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_assignment_goes_to_its_first_wrong_field(office, language):
    async def steps(app, pilot):
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#region", Input).value = "Jutland"
        dialog.query_one("#start", Input).value = "north"
        dialog.query_one("#start", Input).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        wrong = [w.id for w in dialog.query(".invalid")]
        return (
            app.focused.id,
            in_sight(dialog.query_one("#collector")),
            wrong,
            text(app, "#dialog-error"),
        )

    focused, shown, wrong, message = drive_console(console_for(office, language), steps)
    # No collector chosen, and a start that is not LAT,LON: the collector comes first.
    assert (focused, shown, wrong) == ("collector", True, ["collector", "start"])
    collector = ("Collector", "is empty", "Choose a collector from the list")
    start = ("Start", "cannot be read", "Write it as LAT,LON, like 55.68,12.57")
    assert message.splitlines() == [said(language, *collector), said(language, *start)]


@pytest.mark.usefixtures("own_settings")
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_resolution_stays_at_the_note(office, language):
    async def steps(app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#ok").focus()
        await pilot.press("enter")  # OK, with no note written
        await pilot.pause()
        note = app.screen.query_one("#note")
        return app.focused.id, in_sight(note), note.has_class("invalid"), text(app, "#dialog-error")

    focused, shown, marked, message = drive_console(console_for(office, language), steps)
    assert (focused, shown, marked) == ("note", True, True)
    how = "Write what was decided; the note is kept with the item"
    assert message == said(language, "What was decided", "says nothing", how)


DAY = date(2026, 11, 23)
WRONG_OUTCOMES = [
    {},
    {"outcome": "promise"},
    {"outcome": "not_home", "amount": "5"},
    *({"outcome": "paid", "method": "cash", "amount": a} for a in ("0", "-5", "12,3", "1.234")),
    *({"outcome": "paid", "method": "cash", "amount": a} for a in ("2000", "1" + "0" * 16)),
    *(
        {"outcome": "promise", "amount": "5", "promise_date": d}
        for d in ("2026-11-01", "2027-06-01")
    ),
    {"outcome": "promise", "amount": "5", "promise_date": "2026-13-01"},
    *({"outcome": "hardship", "instalment": "5", "term_months": t} for t in ("abc", "0")),
    {"outcome": "callback", "callback_at": "tomorrow"},
    {"outcome": "paid", "amount": "5", "method": "gold"},
    {"outcome": "dispute", "dispute_reason": "x" * 501},
    {"outcome": "moved", "new_address": "a\x07b"},
    {"outcome": "third_party", "contact_who": "spouse"},
]
WRONG_CONTACTS = [("phone", "abc"), ("email", "x"), ("address", ""), ("address", "x" * 501)]
WRONG_ASSIGNMENTS = [
    {"date": "2026-13-01", "accounts": "A-1 A-1"},
    {"collector": "Lars Berg"},
    {"collector": "Lars Berg", "region": "x" * 101},
]


def refusals() -> list[str]:
    """Every reason the kernel and the wire give the four forms, from real refusals."""
    found = []
    for raw in WRONG_OUTCOMES:
        with pytest.raises(FieldErrors) as outcome:
            check_outcome(
                raw,
                currency="DKK",
                outstanding_minor=100000,
                today=DAY,
                now=datetime(2026, 11, 23, 9),
            )
        found += outcome.value.errors.values()
    for field, value in WRONG_CONTACTS:
        with pytest.raises(FieldErrors) as contact:
            check_correction(field, value)
        found += contact.value.errors.values()
    for fields in WRONG_ASSIGNMENTS:
        with pytest.raises(FieldErrors) as assignment:
            assign_request(DAY, fields)
        found += assignment.value.errors.values()
    for note in ("", "x" * 2001, "a\x07"):
        with pytest.raises(ValidationError) as resolution:
            ResolveRequest.model_validate({"note": note})
        found += from_validation_error(resolution.value).values()
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_refusal_the_forms_meet_has_its_words(language):
    set_language(language)
    try:
        shown = {reason: reason_shown(reason) for reason in refusals()}
    finally:
        set_language("en")
    unread = [
        reason for reason, words in shown.items() if words == catalog(language)["cannot be read"]
    ]
    assert unread == []
    assert len(shown) > 25
