"""The visit screen: borrower, loan, contacts and history of one stop."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fieldapp.domain.outcomes import OUTCOME_LABELS, OutcomeCode
from fieldapp.domain.route import VisitDetail
from fieldapp.tui.format import money
from fieldapp.tui.status import SyncStatus


def _facts(title: str, rows: list[tuple[str, object]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.title = title
    table.title_justify = "left"
    table.title_style = "bold"
    table.add_column(style="dim")
    table.add_column()
    for label, value in rows:
        if value not in (None, ""):
            table.add_row(label, Text(str(value)))
    return table


class VisitScreen(Screen):
    """Everything about one stop; `o` records an outcome."""

    BINDINGS = [
        Binding("o", "record", "Record outcome"),
        Binding("c", "correct", "Correct contact"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="visit"):
            with Horizontal(id="visit-top"):
                yield Static(id="borrower", classes="card")
                yield Static(id="loan", classes="card")
            yield Static(id="contacts", classes="card")
            yield Static(id="corrections", classes="card")
            yield Static(id="history", classes="card")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        detail = self.app.store.visit(self.visit_id)
        language = self.app.store.setting("language", "en") or "en"
        self._show(detail, language)

    def _show(self, detail: VisitDetail, language: str) -> None:
        a, stop = detail.account, detail.stop
        self.sub_title = f"{stop.sequence}. {a.borrower_name}"
        self.query_one("#borrower", Static).update(
            _facts(
                "Borrower",
                [
                    ("Name", a.borrower_name),
                    ("Address", a.address),
                    ("City", " ".join(filter(None, [a.postal_code, a.city]))),
                    ("Language", a.language),
                    ("Account", a.account_id),
                ],
            )
        )
        self.query_one("#loan", Static).update(
            _facts(
                "Loan",
                [
                    ("Product", a.product),
                    ("Security", a.security),
                    ("Outstanding", money(a.outstanding_minor, a.currency, language)),
                    ("Overdue", money(a.overdue_minor, a.currency, language)),
                    ("Instalment", money(a.installment_minor, a.currency, language)),
                    ("Oldest due", a.oldest_due_date.isoformat()),
                    ("Days past due", f"{stop.days_past_due} ({stop.stage.value})"),
                ],
            )
        )
        self.query_one("#contacts", Static).update(
            _facts(
                "Contacts",
                [
                    ("Borrower", " ".join(filter(None, [a.phone, a.email]))),
                    ("Spouse", " ".join(filter(None, [a.spouse_name, a.spouse_phone]))),
                    ("Employer", " ".join(filter(None, [a.employer_name, a.employer_phone]))),
                    ("Guarantor", " ".join(filter(None, [a.guarantor_name, a.guarantor_phone]))),
                ],
            )
        )
        history = Table(title="History", title_justify="left", title_style="bold", expand=True)
        for column in ("When", "Outcome", "Amount", "Promised for", "Receipt", "Note", "Sent"):
            history.add_column(column)
        for o in detail.outcomes:
            history.add_row(
                o.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                OUTCOME_LABELS[OutcomeCode(o.outcome)],
                money(o.amount_minor, o.currency, language) if o.currency else "",
                o.promise_date.isoformat() if o.promise_date else "",
                o.receipt_no or "",
                Text(o.note),
                "yes" if o.synced else "waiting",
            )
        if not detail.outcomes:
            history.add_row("", "no earlier outcomes", "", "", "", "", "")
        self.query_one("#history", Static).update(history)
        self._show_corrections(a.account_id)

    def _show_corrections(self, account_id: str) -> None:
        lines = Text()
        for fix in self.app.store.corrections_for_account(account_id):
            sent = "sent" if fix.synced else "waiting"
            lines.append(f"{fix.field}: {fix.value}  ({sent})", style="bold")
            if fix.conflict_with is not None:
                lines.append(
                    f"  ⚠ conflict: head office now has {fix.conflict_with!r}; "
                    "a supervisor will decide",
                    style="yellow",
                )
            lines.append("\n")
        box = self.query_one("#corrections", Static)
        box.display = bool(lines)
        box.update(lines)

    def action_record(self) -> None:
        from fieldapp.tui.outcome import OutcomeScreen

        self.app.push_screen(OutcomeScreen(self.visit_id))

    def action_correct(self) -> None:
        from fieldapp.tui.correction import CorrectionDialog

        account_id = self.app.store.visit(self.visit_id).account.account_id
        self.app.push_screen(CorrectionDialog(account_id), lambda _saved: self.reload())

    def refresh_data(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
