"""The receipt screen the borrower is shown after paying in cash, card, transfer or cheque."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldapp.content import lender
from fieldcore.i18n import N_, _, format_day, format_time, language
from fieldcore.labels import label
from fieldcore.money import format_money
from fieldcore.route import OutcomeRecord, VisitDetail
from fieldkit.footer import Footer
from fieldkit.plain import plain


class ReceiptScreen(Screen):
    """Large, plain, complete: lender, number, date, payer, account, amount, method, collector."""

    BINDINGS = [
        Binding("escape", "done", N_("Done")),
        Binding("enter", "done", N_("Done"), show=False),
    ]

    def __init__(self, payment: OutcomeRecord, detail: VisitDetail) -> None:
        super().__init__()
        self.payment = payment
        self.detail = detail

    def compose(self) -> ComposeResult:
        p, a = self.payment, self.detail.account
        store = self.app.store
        local = p.recorded_at.astimezone()
        table = Table.grid(padding=(0, 3))
        table.add_column(style="dim", justify="right")
        table.add_column(style="bold")
        issuer = lender(store.published_content("lender"))
        # Before head office sets the lender, the borrower is pointed to their agreement.
        table.add_row(
            _("Issued by"), plain(issuer.name or _("the lender named in your loan agreement"))
        )
        if issuer.address:
            table.add_row(_("Address"), plain(issuer.address))
        if issuer.phone:
            table.add_row(_("Phone"), plain(issuer.phone))
        table.add_row("", "")
        table.add_row(_("Receipt no."), plain(p.receipt_no))
        table.add_row(_("Date"), f"{format_day(local.date())} {format_time(local)}")
        table.add_row(_("Received from"), plain(a.borrower_name))
        table.add_row(_("Account"), plain(a.account_id))
        amount = format_money(p.amount_minor or 0, p.currency or a.currency, language())
        table.add_row(_("Amount"), Text(amount, style="bold green"))
        table.add_row(_("Paid by"), plain(label(p.method or "")))
        table.add_row(_("Collector"), plain(store.setting("collector")))
        yield Header()
        with Center():
            yield Static(Text(_("RECEIPT"), style="bold", justify="center"), id="receipt-title")
        with Center():
            yield Static(table, id="receipt")
        with Center():
            yield Static(
                _("Thank you. Keep this number: it is your proof of payment."), id="receipt-note"
            )
        yield Footer()

    def action_done(self) -> None:
        self.dismiss(True)
