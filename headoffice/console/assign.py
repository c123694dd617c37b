"""The assign dialog: whom, which day, which accounts, and whether to plan the walk."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from fieldcore.errors import from_validation_error
from fieldcore.i18n import N_, _
from fieldcore.labels import label
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain
from headoffice.console.client import ConsoleError
from headoffice.wire import AssignRequest

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


class AssignDialog(FormDialog):
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
            yield Static("", id="dialog-error", markup=False)
            yield from self.buttons(_("Assign"), _("Cancel"))

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
        select.set_options([(plain(name), name) for name in names])
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
        self.query_one("#dialog-error", Static).update(plain(message))
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


def assign_request(day: date, fields: dict[str, str | bool]) -> AssignRequest:
    """The dialog's fields as a request; raises pydantic's ValidationError naming the field."""
    start = str(fields.get("start") or "").strip()
    lat = lon = None
    if start:
        parts = start.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(_("write the start as LAT,LON")) from None
    # The request is strict (numbers as numbers, absent fields left out), as on the wire.
    typed = {
        "collector": fields.get("collector") or "",
        "date": fields.get("date") or day.isoformat(),
        "account_ids": str(fields.get("accounts") or "").replace(",", " ").split(),
        "region": fields.get("region") or None,
        "postal_code": fields.get("postal_code") or None,
        "stage": fields.get("stage") or None,
        "optimise": bool(fields.get("optimise")),
        "start_lat": lat,
        "start_lon": lon,
    }
    return AssignRequest.model_validate({k: v for k, v in typed.items() if v is not None})
