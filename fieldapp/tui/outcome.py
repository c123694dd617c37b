"""The outcome form: pick what happened, fill the fields it needs, save to disk at once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from fieldapp.domain.errors import FieldErrors
from fieldapp.domain.outcomes import OUTCOME_LABELS, PaymentMethod
from fieldapp.recording import record_outcome
from fieldapp.tui.status import SyncStatus

FIELDS = ("outcome", "amount", "promise_date", "method", "note")


class OutcomeScreen(Screen):
    """One quick form; ctrl+s saves, Escape cancels, Enter moves to the next field."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id

    def compose(self) -> ComposeResult:
        detail = self.app.store.visit(self.visit_id)
        self.currency = detail.account.currency
        yield Header()
        with VerticalScroll(id="outcome-form"):
            yield Static(f"Outcome for {detail.account.account_id}", id="form-title", markup=False)
            yield Label("What happened")
            yield Select(
                [(label, code.value) for code, label in OUTCOME_LABELS.items()],
                prompt="Choose an outcome",
                id="outcome",
                compact=True,
            )
            yield Static(id="outcome-error", classes="error")
            yield Label(f"Amount ({self.currency})")
            yield Input(placeholder="e.g. 250.00", id="amount", compact=True)
            yield Static(id="amount-error", classes="error")
            yield Label("Promised for (YYYY-MM-DD)")
            yield Input(placeholder="e.g. 2026-12-01", id="promise_date", compact=True)
            yield Static(id="promise_date-error", classes="error")
            yield Label("Paid by")
            yield Select(
                [(m.value, m.value) for m in PaymentMethod],
                prompt="Method",
                id="method",
                compact=True,
            )
            yield Static(id="method-error", classes="error")
            yield Label("Note")
            yield Input(placeholder="what was said", id="note", compact=True)
            yield Static(id="note-error", classes="error")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#outcome", Select).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def values(self) -> dict[str, str | None]:
        """What the form holds now, as text, the way the CLI passes it."""
        found: dict[str, str | None] = {}
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Select):
                found[name] = None if widget.value is Select.NULL else str(widget.value)
            else:
                found[name] = widget.value.strip() or None
        return found

    def action_save(self) -> None:
        for name in FIELDS:
            self.query_one(f"#{name}-error", Static).update("")
        try:
            saved = record_outcome(self.app.store, self.visit_id, self.values())
        except FieldErrors as error:
            first = None
            for field, reason in error.errors.items():
                name = field if field in FIELDS else "outcome"
                self.query_one(f"#{name}-error", Static).update(f"⚠ {reason}")
                first = first or name
            if first:
                self.query_one(f"#{first}").focus()
            self.app.bell()
            return
        receipt = f" Receipt {saved.receipt_no}." if saved.receipt_no else ""
        self.app.notify(f"Saved on this laptop.{receipt}", title="Outcome saved")
        self.app.changed_locally()
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
