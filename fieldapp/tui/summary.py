"""The day summary: visits done and left, promises taken, cash to deposit and with whom."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldapp.content import lender
from fieldapp.tui.status import SyncStatus
from fieldcore.i18n import N_, _, format_day_long, language
from fieldcore.labels import label
from fieldcore.money import format_money, to_decimal_text
from fieldcore.refusals import refusal_shown
from fieldcore.stages import zone_of
from fieldkit.footer import Footer
from fieldkit.plain import plain, plain_cells


class SummaryScreen(Screen):
    """What a collector checks before going home, and what to hand in."""

    BINDINGS = [
        Binding("b", "deposit", N_("Deposit at the bank")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(id="summary-visits", classes="card")
            yield Static(id="summary-promises", classes="card")
            yield Static(id="summary-cash", classes="card")
            yield Static(id="summary-refused", classes="card")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        s = self.app.store.day_summary(self.day)
        lang = language()
        self.sub_title = _("Day summary") + " · " + format_day_long(self.day)
        visits = Table.grid(padding=(0, 2))
        visits.title, visits.title_justify, visits.title_style = _("Visits"), "left", "bold"
        visits.add_column(style="dim")
        visits.add_column(justify="right")
        visits.add_row(_("Done"), str(s.done))
        visits.add_row(_("Left"), str(s.left))
        visits.add_row(_("Skipped"), str(s.skipped))
        visits.add_row(_("Waiting to sync"), str(s.waiting))
        self.query_one("#summary-visits", Static).update(visits)
        promises = Table.grid(padding=(0, 2))
        promises.title, promises.title_justify, promises.title_style = (
            _("Promises taken"),
            "left",
            "bold",
        )
        promises.add_column(style="dim")
        promises.add_column(justify="right")
        promises.add_row(_("Count"), str(s.promises))
        for currency, minor in sorted(s.promised.items()):
            promises.add_row(_("Total"), format_money(minor, currency, lang))
        self.query_one("#summary-promises", Static).update(promises)
        cash = Table(title=self._deposit_title(), title_justify="left", expand=True)
        cash.add_column(_("Paid by"))
        cash.add_column(_("Amount"), justify="right")
        for method, by_currency in sorted(s.collected.items()):
            for currency, minor in sorted(by_currency.items()):
                cash.add_row(*plain_cells(label(method), format_money(minor, currency, lang)))
        if not s.collected:
            cash.add_row(_("nothing collected yet"), "")
        self.to_pay_in = self._paid_in(cash, s.collected.get("cash", {}))
        self.query_one("#summary-cash", Static).update(cash)
        self._show_refusals()

    def _show_refusals(self) -> None:
        """What head office refused and why, in the collector's words; hidden when nothing."""
        refused = self.app.store.refusals()
        card = self.query_one("#summary-refused", Static)
        card.display = bool(refused)
        if not refused:
            return
        table = Table(
            title=plain(_("Refused by head office: tell your supervisor"), style="bold"),
            title_justify="left",
            expand=True,
        )
        table.add_column(_("Account"))
        table.add_column(_("What"))
        table.add_column(_("Why"))
        for item in refused:
            table.add_row(
                *plain_cells(
                    item["account_id"] or "",
                    label(item["what"]) if item["what"] else "",
                    refusal_shown(item["message"]),
                )
            )
        card.update(table)

    def _paid_in(self, cash: Table, taken: dict[str, int]) -> dict[str, int]:
        """The day's deposits under the cash, and the cash still to pay in, by currency."""
        zone = zone_of(self.app.store.setting("timezone"))
        start = datetime.combine(self.day, time(0), zone)
        paid_in = self.app.store.deposits_on(start, start + timedelta(days=1))
        lang = language()
        for currency, minor in sorted(paid_in.items()):
            cash.add_row(_("Paid in at the bank"), format_money(minor, currency, lang))
        left = {c: taken.get(c, 0) - paid_in.get(c, 0) for c in set(taken) | set(paid_in)}
        for currency, minor in sorted(left.items()):
            if minor > 0:
                money = Text(format_money(minor, currency, lang), style="bold")
                cash.add_row(Text(_("Cash still to pay in"), style="bold"), money)
        return {c: m for c, m in left.items() if m > 0}

    def action_deposit(self) -> None:
        from fieldapp.tui.deposit import DepositDialog

        currency, minor = next(iter(sorted(self.to_pay_in.items())), ("", 0))
        amount = to_decimal_text(minor, currency) if minor else ""

        def saved(message: str | None) -> None:
            if message:
                self.app.notify(message, title=_("Deposit"))
                self.relabel()

        self.app.push_screen(DepositDialog(amount, currency), saved)

    def _deposit_title(self) -> Text:
        """What to deposit, and with whom once head office has named the lender."""
        name = lender(self.app.store.published_content("lender")).name
        if name is None:
            return plain(_("Collected: what to deposit"), style="bold")
        return plain(
            _("Collected: what to deposit with {lender}").format(lender=name), style="bold"
        )

    def action_back(self) -> None:
        self.app.pop_screen()
