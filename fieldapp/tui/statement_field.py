"""The outcome form's line for the borrower's statement: what it says, and the plan it proposes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Label, Static

from fieldapp.tui.statement import StatementScreen, affordability_said
from fieldcore.accounts import Account
from fieldcore.affordability import afford, statement_from_text
from fieldcore.affordability_words import field_label
from fieldcore.arrangements import MOST_INSTALMENTS, Every
from fieldcore.errors import FieldErrors
from fieldcore.i18n import _
from fieldcore.money import MoneyError, parse_amount, to_decimal_text
from fieldcore.outcomes import OutcomeCode

# A hardship request asks for at most this many months (the form's own bound).
LONGEST_HARDSHIP_MONTHS = 120


class StatementField(Vertical):
    """The statement's sums once asked, or how to ask it; the lines live in `typed`."""

    def __init__(self, account: Account, **kwargs) -> None:
        super().__init__(**kwargs)
        self.account = account
        self._typed: dict[str, str] = {}
        self.every = Every.MONTH

    @staticmethod
    def title(name: str) -> str:
        """The field's name, or one line's name within it (`statement.housing`)."""
        whole = _("Income and spending")
        line = name.partition(".")[2]
        return f"{whole}: {field_label(line)}" if line else whole

    def compose(self) -> ComposeResult:
        yield Label(self.title("statement"))
        yield Button(_("Ask the borrower (ctrl+t)"), id="statement", compact=True)
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
        self, values: Mapping[str, object], on_change: Callable[[dict[str, str]], None]
    ) -> StatementScreen:
        """The statement's own screen, for the plan's frequency as the form has it."""
        every = Every(str(values.get("every") or Every.MONTH.value))
        self.every = every
        return StatementScreen(
            self.account.currency, self.account.outstanding_minor, every, self._typed, on_change
        )

    def proposal(self, values: Mapping[str, object], code: OutcomeCode | None) -> dict[str, str]:
        """The form's fields the statement fills: {field: text}; none when nothing is left."""
        statement = self._statement()
        if statement is None:
            return {}
        currency, outstanding = self.account.currency, self.account.outstanding_minor
        if code is OutcomeCode.PLAN:
            every = Every(str(values.get("every") or Every.MONTH.value))
            try:
                total = parse_amount(str(values.get("amount") or ""), currency, allow_zero=False)
            except MoneyError:
                total = outstanding  # a plan for the balance, unless the form says less
            found = afford(statement, every, total)
            if found.instalment_minor is None or found.instalments > MOST_INSTALMENTS:
                return {}
            return {
                "amount": to_decimal_text(total, currency),
                "every": every.value,
                "instalments": str(found.instalments),
            }
        found = afford(statement, Every.MONTH, outstanding)
        if found.instalment_minor is None:
            return {}
        return {
            "instalment": to_decimal_text(found.instalment_minor, currency),
            "term_months": str(min(found.instalments, LONGEST_HARDSHIP_MONTHS)),
        }
