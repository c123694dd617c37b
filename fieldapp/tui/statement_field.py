"""The outcome form's line for the borrower's statement: what it says, and the plan it proposes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Label, Static

from fieldapp.tui.statement import StatementScreen, affordability_said
from fieldcore.accounts import Account
from fieldcore.affordability import afford, statement_from_text
from fieldcore.affordability_words import NO_ROOM, field_label
from fieldcore.arrangements import (
    LONGEST_PLAN_MONTHS,
    MOST_INSTALMENTS,
    Every,
    add_months,
    due_dates,
)
from fieldcore.errors import FieldErrors
from fieldcore.i18n import N_, _
from fieldcore.moments import read_day
from fieldcore.money import MoneyError, parse_amount, to_decimal_text
from fieldcore.outcomes import OutcomeCode

# A hardship request asks for at most this many months (the form's own bound).
LONGEST_HARDSHIP_MONTHS = 120
_TOO_LONG = N_(
    "No plan the statement allows ends within the policy's longest term of {months} months: "
    "consider a hardship request."
)


class StatementField(Vertical):
    """The statement's sums once asked, or how to ask it; the lines live in `typed`."""

    def __init__(self, account: Account, **kwargs) -> None:
        super().__init__(**kwargs)
        self.account = account
        self._typed: dict[str, str] = {}
        self.every = Every.MONTH
        # The contact policy's longest plan, which the outcome form sets once it knows it.
        self.longest_months = LONGEST_PLAN_MONTHS

    @staticmethod
    def title(name: str) -> str:
        """The field's name, or one line's name within it (`statement.housing`)."""
        whole = _("Income and spending")
        line = name.partition(".")[2]
        return f"{whole}: {field_label(line)}" if line else whole

    def compose(self) -> ComposeResult:
        yield Label(self.title("statement"))
        # Not in the Tab order: keys typed ahead after Enter would fall on a button; ctrl+t
        # (in the Footer and on the button) opens the statement from anywhere on the form.
        button = Button(_("Ask the borrower (ctrl+t)"), id="statement", compact=True)
        button.can_focus = False
        yield button
        yield Static(id="statement-summary", markup=False)
        yield Static(id="statement-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def typed(self) -> dict[str, str]:
        return self._typed

    @typed.setter
    def typed(self, values: dict[str, str]) -> None:
        self._typed = {name: text for name, text in values.items() if text}
        if self.is_mounted:
            self._show()

    def every_is(self, every: Every) -> None:
        """The plan's frequency, which the proposed instalment is for."""
        self.every = every
        self._show()

    @staticmethod
    def every_for(values: Mapping[str, object], code: OutcomeCode | None) -> Every:
        """How often the proposal is for: a plan's own frequency; a hardship request's month."""
        if code is OutcomeCode.PLAN and values.get("every"):
            return Every(str(values["every"]))
        return Every.MONTH

    def _statement(self):
        try:
            return statement_from_text(self._typed, self.account.currency)
        except FieldErrors:
            return None

    def _show(self) -> None:
        summary = self.query_one("#statement-summary", Static)
        if not self._typed:
            summary.update(
                _(
                    "Not asked yet: it proposes an instalment the borrower can keep, and "
                    "goes with the request to the supervisor who decides it."
                )
            )
            return
        statement = self._statement()
        if statement is None:
            summary.update(_("Some lines cannot be read yet: ctrl+t to correct them."))
            return
        found = afford(statement, self.every, self.account.outstanding_minor)
        summary.update(affordability_said(found))

    def screen_for(
        self,
        values: Mapping[str, object],
        code: OutcomeCode | None,
        on_change: Callable[[dict[str, str]], None],
    ) -> StatementScreen:
        """The statement's own screen, for the frequency the outcome pays at."""
        every = self.every = self.every_for(values, code)
        return StatementScreen(
            self.account.currency, self.account.outstanding_minor, every, self._typed, on_change
        )

    def proposal(
        self, values: Mapping[str, object], code: OutcomeCode | None, today: date
    ) -> tuple[dict[str, str], str | None]:
        """The form's fields the statement fills ({field: text}), or none and why not."""
        statement = self._statement()
        if statement is None:
            return {}, None
        currency, outstanding = self.account.currency, self.account.outstanding_minor
        if code is OutcomeCode.PLAN:
            every = self.every_for(values, code)
            try:
                total = parse_amount(str(values.get("amount") or ""), currency, allow_zero=False)
            except MoneyError:
                total = outstanding  # a plan for the balance, unless the form says less
            found = afford(statement, every, total)
            if found.instalment_minor is None:
                return {}, _(NO_ROOM)
            try:
                first = read_day(str(values.get("first_date") or ""))
            except ValueError:
                first = today
            last = due_dates(first, min(found.instalments, MOST_INSTALMENTS), every)[-1]
            if found.instalments > MOST_INSTALMENTS or last > add_months(
                today, self.longest_months
            ):
                return {}, _(_TOO_LONG).format(months=self.longest_months)
            return {
                "amount": to_decimal_text(total, currency),
                "every": every.value,
                "instalments": str(found.instalments),
            }, None
        found = afford(statement, Every.MONTH, outstanding)
        if found.instalment_minor is None:
            return {}, _(NO_ROOM)
        return {
            "instalment": to_decimal_text(found.instalment_minor, currency),
            "term_months": str(min(found.instalments, LONGEST_HARDSHIP_MONTHS)),
        }, None
