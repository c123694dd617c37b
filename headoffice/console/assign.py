"""Dialogs: assign accounts to a collector's route, resolve a review item with a note."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from fieldapp.domain.errors import from_validation_error
from fieldapp.i18n import N_, _
from fieldapp.tui.labels import label
from headoffice.console.board import assign_request
from headoffice.console.client import ConsoleError
from headoffice.console.review import KIND_LABELS
from headoffice.wire import ReviewItemWire

# The request's field for each of the dialog's inputs, to show an error where it belongs.
_FIELD_OF = {
    "collector": "collector",
    "date": "date",
    "accounts": "account_ids",
    "region": "region",
    "postal_code": "postal_code",
    "stage": "stage",
    "start": "start_lat",
}


class _Dialog(ModalScreen[str | None]):
    """A form that answers with a line for the status bar, or None when cancelled."""

    def action_submit(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AssignDialog(_Dialog):
    """Whom, which day, which accounts, and whether to plan the walk."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Assign")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Assign visits"), classes="dialog-title")
            yield Label(_("Collector"))
            yield Select([], id="collector", prompt=_("Loading collectors…"), compact=True)
            yield Label(_("Date"))
            yield Input(self.day.isoformat(), id="date", placeholder="YYYY-MM-DD", compact=True)
            yield Label(_("Accounts (ids), or pick by region, postal code or stage"))
            yield Input(id="accounts", placeholder="DA-1001 DA-1002", compact=True)
            with Horizontal(classes="row"):
                yield Input(id="region", placeholder=_("Region"), compact=True)
                yield Input(
                    id="postal_code", placeholder=_("Postal code starts with"), compact=True
                )
                yield Select(
                    [(label(s), s) for s in ("early", "middle", "late")],
                    id="stage",
                    prompt=_("Any stage"),
                    compact=True,
                )
            with Horizontal(classes="row"):
                yield Checkbox(_("Plan the shortest walk"), id="optimise", compact=True)
                yield Input(id="start", placeholder=_("Start at LAT,LON"), compact=True)
            yield Static("", id="dialog-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Assign"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.run_worker(self._collectors, thread=True)

    def _collectors(self) -> None:
        try:
            names = [c.name for c in self.app.client.collectors()]
        except ConsoleError as error:
            self.app.call_from_thread(self._error, str(error))
            return
        self.app.call_from_thread(self._fill_collectors, names)

    def _fill_collectors(self, names: list[str]) -> None:
        select = self.query_one("#collector", Select)
        select.set_options([(name, name) for name in names])
        select.prompt = _("Choose a collector")

    def _fields(self) -> dict[str, str | bool]:
        found: dict[str, str | bool] = {}
        for name in ("date", "accounts", "region", "postal_code", "start"):
            found[name] = self.query_one(f"#{name}", Input).value
        for name in ("collector", "stage"):
            value = self.query_one(f"#{name}", Select).value
            found[name] = "" if value is Select.NULL else str(value)
        found["optimise"] = self.query_one("#optimise", Checkbox).value
        return found

    def _error(self, message: str, field: str | None = None) -> None:
        self.query_one("#dialog-error", Static).update(message)
        for widget in self.query("Input, Select"):
            widget.remove_class("invalid")
        if field:
            self.query_one(f"#{field}").add_class("invalid")
            self.query_one(f"#{field}").focus()

    def action_submit(self) -> None:
        try:
            request = assign_request(self.day, self._fields())
        except ValidationError as error:
            problems = from_validation_error(error)
            where, reason = next(iter(problems.items()))
            field = next((k for k, v in _FIELD_OF.items() if where.startswith(v)), None)
            if where == "start_lon":
                field = "start"
            self._error(f"{where}: {reason}", field)
            return
        except ValueError as error:
            self._error(str(error), "start")
            return

        def send() -> None:
            try:
                done = self.app.client.assign(request)
            except ConsoleError as error:
                self.app.call_from_thread(self._error, str(error))
                return
            message = _("Assigned {count} visits to {who} on {day}").format(
                count=done.assigned, who=request.collector, day=request.date.isoformat()
            )
            if done.km is not None:
                message += " · " + _("planned walk {km} km").format(km=f"{done.km:.1f}")
            self.app.call_from_thread(self.dismiss, message)

        self.run_worker(send, thread=True, exclusive=True)


class ResolveDialog(_Dialog):
    """The item, and the note that says what was decided (kept with it)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Resolve")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, item: ReviewItemWire) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="dialog"):
            yield Static(
                f"{_(KIND_LABELS[item.kind])} · {item.account_id} · {item.borrower_name}",
                classes="dialog-title",
            )
            yield Static(item.summary, id="item-summary")
            yield Label(_("What was decided"))
            yield Input(
                id="note",
                placeholder=_("e.g. statement sent, collection on hold 30 days"),
                compact=True,
            )
            yield Static("", id="dialog-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Resolve"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        note = self.query_one("#note", Input).value.strip()
        if not note:
            self.query_one("#dialog-error", Static).update(
                _("Write what was decided: the note is kept with the item")
            )
            self.query_one("#note", Input).add_class("invalid")
            return
        item = self.item

        def send() -> None:
            try:
                self.app.client.resolve(item.kind, item.ref, note)
            except ConsoleError as error:
                self.app.call_from_thread(
                    self.query_one("#dialog-error", Static).update, str(error)
                )
                return
            message = _("Resolved: {what}").format(what=f"{item.account_id} {item.borrower_name}")
            self.app.call_from_thread(self.dismiss, message)

        self.run_worker(send, thread=True, exclusive=True)
