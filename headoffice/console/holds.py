"""The holds: every account on hold, why and since when; put an account on hold or lift one."""

from __future__ import annotations

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from fieldcore.contact import HoldReason
from fieldcore.contact_words import HOLDS
from fieldcore.errors import field_message, from_validation_error
from fieldcore.i18n import N_, _, format_day
from fieldcore.labels import HOLD_REASONS
from fieldkit.choice import Choice
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain, plain_cells
from headoffice.console.client import ConsoleError
from headoffice.wire import HeldAccount, HoldRequest, ReleaseRequest


class HoldsPane(Vertical):
    """Accounts on hold, oldest first; `h` holds an account, Enter lifts the selected hold."""

    BINDINGS = [
        Binding("h", "hold", N_("Hold an account")),
        Binding("enter", "release", N_("Release")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.held: list[HeldAccount] = []

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the holds…"), id="holds-title", classes="pane-title")
        yield DataTable(id="holds-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="holds-detail")

    def load(self) -> None:
        self.run_worker(self._fetch, thread=True, exclusive=True, group="holds")

    def _fetch(self) -> None:
        try:
            held = self.app.client.holds()
        except ConsoleError as error:
            self.app.call_from_thread(self.app.report, str(error), error=True)
            return
        self.app.call_from_thread(self.show, held)

    def show(self, held: list[HeldAccount]) -> None:
        self.held = held
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for title, width in (
            (_("Account"), 9), (_("Borrower"), 20), (_("Why"), 18), (_("Since"), 12),
            (_("Placed by"), 14), (_("Note"), 50),
        ):  # fmt: skip
            table.add_column(title, width=width)
        for hold in held:
            table.add_row(
                *plain_cells(
                    hold.account_id,
                    hold.borrower_name,
                    _(HOLD_REASONS[hold.reason.value]),
                    format_day(hold.placed_at.date()),
                    hold.placed_by,
                    hold.note,
                )
            )
        self.query_one("#holds-title", Static).update(
            _("On hold: {count} account(s)").format(count=len(held))
            if held
            else _("No account is on hold")
        )
        self._describe()

    def selected(self) -> HeldAccount | None:
        table = self.query_one(DataTable)
        if not self.held or table.cursor_row >= len(self.held):
            return None
        return self.held[table.cursor_row]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._describe()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_release()

    def _describe(self) -> None:
        hold = self.selected()
        detail = self.query_one("#holds-detail", Static)
        if hold is None:
            detail.update("")
            return
        detail.update(
            Text.assemble(
                (f"{hold.account_id} · {hold.borrower_name}\n", "bold"),
                _(HOLDS[hold.reason.value]),
            )
        )

    def _then(self, message: str | None) -> None:
        if message:
            self.app.report(message)
            self.load()

    def action_hold(self) -> None:
        self.app.push_screen(HoldDialog(), self._then)

    def action_release(self) -> None:
        hold = self.selected()
        if hold is None:
            self.app.report(_("Pick a hold to release"), error=True)
            return
        self.app.push_screen(HoldDialog(hold), self._then)


class HoldDialog(FormDialog):
    """Put an account on hold (account, why, note), or lift the hold given (the note)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, releasing: HeldAccount | None = None) -> None:
        super().__init__()
        self.releasing = releasing

    def compose(self) -> ComposeResult:
        hold = self.releasing
        with Vertical(id="dialog"):
            if hold is None:
                yield Static(_("Put an account on hold"), classes="dialog-title")
                yield Label(_("Account"))
                yield Input(id="account", placeholder=_("e.g. DA-1005"), compact=True)
                yield Label(_("Why"))
                yield Choice(
                    [(_(HOLD_REASONS[r.value]), r.value) for r in HoldReason],
                    prompt=_("Choose why"),
                    id="reason",
                    compact=True,
                )
            else:
                title = _("Release the hold on {account} ({why})").format(
                    account=f"{hold.account_id} {hold.borrower_name}",
                    why=_(HOLD_REASONS[hold.reason.value]),
                )
                yield Static(plain(title), classes="dialog-title")
            yield Label(_("Note"))
            yield Input(id="note", placeholder=_("what happened, and when"), compact=True)
            yield Static("", id="dialog-error", markup=False)
            yield from self.buttons(_("Save"), _("Cancel"))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def action_submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        hold = self.releasing
        if hold is None:
            account = self.query_one("#account", Input).value.strip()
            picked = self.query_one("#reason", Select).value
            if not account:
                self._refuse("account", _("Account"), "is required", _("Write the account id"))
                return
            body = {"note": note} | ({} if picked is Select.NULL else {"reason": picked})
            if not self._valid(HoldRequest, body, "reason", _("Why")):
                return
            reason = str(picked)
        else:
            account, reason = hold.account_id, hold.reason.value
            if not self._valid(ReleaseRequest, {"note": note}, "note", _("Note")):
                return

        def send() -> None:
            try:
                if hold is None:
                    self.app.client.hold(account, reason, note)
                else:
                    self.app.client.release(account, reason, note)
            except ConsoleError as error:
                self.app.call_from_thread(
                    self.query_one("#dialog-error", Static).update, str(error)
                )
                return
            done = _("On hold: {account}") if hold is None else _("Released: {account}")
            self.app.call_from_thread(self.dismiss, done.format(account=account))

        self.run_worker(send, thread=True, exclusive=True)

    def _valid(self, model: type, body: dict, field: str, title: str) -> bool:
        # The server's own rules, checked here so the refusal is said in the UI language.
        try:
            model.model_validate(body)
        except ValidationError as error:
            problems = from_validation_error(error)
            name = field if field in problems else next(iter(problems))
            widget = "reason" if name == "reason" else "note"
            self._refuse(widget, title, problems[name], _("Choose one from the list"))
            return False
        return True

    def _refuse(self, widget: str, title: str, reason: str, how: str) -> None:
        self.query_one("#dialog-error", Static).update(field_message(title, reason, how))
        self.query_one(f"#{widget}").focus(scroll_visible=False)
