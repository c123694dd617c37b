"""The receipt screen the borrower is shown after paying, in cash or otherwise; p prints it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldapp.config import log_path
from fieldapp.content import lender
from fieldapp.printing import (
    PRINTER,
    THANKS,
    TITLE,
    PrinterError,
    ReceiptRow,
    no_printer,
    print_receipt,
    printer_from_setting,
    receipt_lines,
)
from fieldcore.i18n import N_, _, language
from fieldcore.route import OutcomeRecord, VisitDetail
from fieldkit.crashes import log_crash
from fieldkit.footer import Footer
from fieldkit.plain import plain


class ReceiptScreen(Screen):
    """Large, plain, complete: lender, number, date, payer, account, amount, method, collector."""

    BINDINGS = [
        Binding("escape", "done", N_("Done")),
        Binding("enter", "done", N_("Done"), show=False),
        Binding("p", "print", N_("Print")),
    ]

    def __init__(self, payment: OutcomeRecord, detail: VisitDetail) -> None:
        super().__init__()
        self.payment = payment
        self.detail = detail
        self.printing = False

    def rows(self) -> list[ReceiptRow]:
        """The receipt's rows in the screen's language: what is shown is what is printed."""
        store = self.app.store
        # No balance left: the laptop's balance is core banking's at its last export,
        # and which payments since are in it nobody here knows; paper must not guess.
        return receipt_lines(
            self.payment,
            self.detail.account,
            lender(store.published_content("lender")),
            store.setting("collector"),
            language(),
        )

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 3))
        table.add_column(style="dim", justify="right")
        table.add_column(style="bold")
        for row in self.rows():
            value = Text(row.value, style="bold green") if row.strong else plain(row.value)
            table.add_row(plain(row.label), value)
        yield Header()
        with Center():
            yield Static(Text(_(TITLE), style="bold", justify="center"), id="receipt-title")
        with Center():
            yield Static(table, id="receipt")
        with Center():
            yield Static(_(THANKS), id="receipt-note")
        yield Footer()

    def action_done(self) -> None:
        self.dismiss(True)

    def action_print(self) -> None:
        """Print the receipt on this laptop's printer, in a thread: the screen never waits."""
        setting = self.app.store.setting(PRINTER)
        if no_printer(setting):
            example = "fieldapp printer network:192.168.1.50:9100"
            self.app.notify(
                _(
                    "No printer is set on this laptop. Set one in a terminal, e.g.: {example}"
                ).format(example=example),
                severity="warning",
                markup=False,
            )
            return
        if self.printing:
            return  # one receipt at a time: a second press must not print it twice
        self.printing = True
        self.app.notify(_("Printing the receipt…"))
        rows, shown_in, app = self.rows(), language(), self.app

        def work() -> None:
            try:
                print_receipt(printer_from_setting(setting), rows, shown_in)
            except (PrinterError, ValueError) as error:
                app.call_from_thread(self._printed, str(error))
            except Exception as error:  # a bug must not end the app at the borrower's door
                app.call_from_thread(self._printed, log_crash(log_path(app.home), error))
            else:
                app.call_from_thread(self._printed, None)

        self.run_worker(work, thread=True, group="print", exit_on_error=False)

    def _printed(self, error: str | None) -> None:
        self.printing = False
        if error is None:
            self.app.notify(_("Receipt printed."))
        else:
            self.app.notify(error, title=_("Not printed"), severity="error", markup=False)
