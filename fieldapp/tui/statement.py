"""The borrower's income and spending, asked at the door, and the instalment it leaves room for."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from fieldapp.tui.status import SyncStatus
from fieldcore.affordability import FIELDS, PEOPLE, Affordability, afford, statement_from_text
from fieldcore.affordability_words import (
    GUIDE_INTRO,
    HOW_PROPOSED,
    NO_ROOM,
    field_label,
    field_meaning,
)
from fieldcore.arrangements import Every
from fieldcore.errors import FieldErrors, field_message
from fieldcore.i18n import N_, _, language
from fieldcore.money import format_money
from fieldkit.entry import Entry
from fieldkit.footer import Footer

# How often, as the end of "an instalment of 300 kr. ..." says it.
PER = {
    Every.WEEK: N_("a week"),
    Every.FORTNIGHT: N_("a fortnight"),
    Every.MONTH: N_("a month"),
}
_WHOLE = N_("Write a whole number, like 3")
_AMOUNT = N_("Write it with a point, like 1234.50, or leave it empty for none")


def affordability_said(found: Affordability) -> str:
    """The statement's month in sums and the instalment it proposes, in the UI language."""
    where = language()

    def money(minor: int) -> str:
        return format_money(minor, found.currency, where)

    month = _(
        "Coming in {income} · essential spending {spending} · priority debts {priority} · "
        "left each month {left}"
    ).format(
        income=money(found.income_minor),
        spending=money(found.spending_minor),
        priority=money(found.priority_debts_minor),
        left=money(found.surplus_minor),
    )
    if found.instalment_minor is None:
        return f"{month}\n{_(NO_ROOM)}"
    proposal = _("An instalment the borrower can keep: {amount} {per}").format(
        amount=money(found.instalment_minor), per=_(PER[found.every])
    )
    return f"{month}\n{proposal}"


class StatementScreen(Screen[dict[str, str] | None]):
    """The statement's lines with what goes in each; ctrl+s keeps it, Escape goes back.

    Every keystroke reaches `on_change`, which keeps it in the outcome's draft: a
    crash halfway through the statement loses nothing of it.
    """

    BINDINGS = [
        Binding("ctrl+s", "keep", N_("Keep the statement"), priority=True),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(
        self,
        currency: str,
        outstanding_minor: int,
        every: Every,
        typed: dict[str, str],
        on_change: Callable[[dict[str, str]], None],
    ) -> None:
        super().__init__()
        self.currency = currency
        self.outstanding_minor = outstanding_minor
        self.every = every
        self.typed = typed
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        yield Header()
        # The sums stay in view above the lines as they scroll.
        yield Static(_("Income and spending"), id="statement-title")
        yield Static(id="affordability", markup=False)
        with VerticalScroll(id="statement-form"):
            yield Static(f"{_(GUIDE_INTRO)} {_(HOW_PROPOSED)}", classes="hint")
            for name in FIELDS:
                with Vertical(classes="field", id=f"sf-{name}"):
                    title = field_label(name)
                    if name not in PEOPLE:
                        title = f"{title} ({self.currency})"
                    yield Label(title)
                    yield Entry(value=self.typed.get(name, ""), id=f"st-{name}", compact=True)
                    yield Static(field_meaning(name), classes="hint", markup=False)
                    yield Static(id=f"st-{name}-error", classes="error", markup=False)
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#st-household_size", Input).focus()

    def values(self) -> dict[str, str]:
        """The lines typed so far, blank ones left out."""
        found = {}
        for name in FIELDS:
            text = self.query_one(f"#st-{name}", Input).value.strip()
            if text:
                found[name] = text
        return found

    def on_input_changed(self, _event: Input.Changed) -> None:
        if self.is_mounted:
            self.on_change(self.values())
            self._show()

    def _show(self) -> None:
        """The sums as they stand; a line that cannot be read yet leaves them unsaid."""
        shown = self.query_one("#affordability", Static)
        try:
            statement = statement_from_text(self.values(), self.currency)
        except FieldErrors:
            statement = None
        if statement is None:
            shown.update(_("Fill in the household and its month; blank lines count as none."))
            return
        found = afford(statement, self.every, self.outstanding_minor)
        shown.update(affordability_said(found))

    def action_keep(self) -> None:
        for name in FIELDS:
            self.query_one(f"#st-{name}-error", Static).update("")
        try:
            statement_from_text(self.values(), self.currency)
        except FieldErrors as error:
            first = None
            for field, reason in error.errors.items():
                name = field.removeprefix("statement.")
                if name not in FIELDS:
                    continue
                how = _(_WHOLE if name in PEOPLE else _AMOUNT)
                message = field_message(field_label(name), reason, how)
                self.query_one(f"#st-{name}-error", Static).update(f"⚠ {message}")
                first = first or name
            if first:
                self.query_one(f"#st-{first}", Input).focus()
                self.query_one(f"#sf-{first}").scroll_visible(animate=False)
            self.app.bell()
            return
        self.dismiss(self.values())

    def action_back(self) -> None:
        self.dismiss(None)
