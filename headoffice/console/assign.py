"""The assign dialog: whom, which day, which accounts, and whether to plan the walk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from fieldcore.errors import FieldErrors, field_message, from_validation_error
from fieldcore.i18n import N_, _
from fieldcore.labels import label
from fieldkit.choice import Choice
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain
from headoffice.console.client import ConsoleError
from headoffice.wire import AssignRequest

# The dialog's fields in the order it shows them: the request's field each one fills
# (a refusal is said at the field it belongs to), its name, and what to type in it.
_FIELDS = {
    "collector": ("collector", N_("Collector"), N_("Choose a collector from the list")),
    "date": ("date", N_("Date"), N_("Write it like {day}")),
    "accounts": (
        "account_ids",
        N_("Accounts"),
        N_("Write ids with spaces between, like DA-1001 DA-1002, or pick a region or stage"),
    ),
    "region": ("region", N_("Region"), N_("Write the region as head office has it")),
    "postal_code": ("postal_code", N_("Postal code"), N_("Write its first digits, like 21")),
    "stage": ("stage", N_("Stage"), N_("Choose a stage from the list")),
    "start": ("start_", N_("Start"), N_("Write it as LAT,LON, like 55.68,12.57")),
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
            yield Choice([], id="collector", prompt=_("Loading collectors…"), compact=True)
            yield Label(_("Date"))
            yield Input(self.day.isoformat(), id="date", placeholder="YYYY-MM-DD", compact=True)
            yield Label(_("Accounts (ids), or pick by region, postal code or stage"))
            yield Input(id="accounts", placeholder="DA-1001 DA-1002", compact=True)
            with Horizontal(classes="row"):
                yield Input(id="region", placeholder=_("Region"), compact=True)
                yield Input(
                    id="postal_code", placeholder=_("Postal code starts with"), compact=True
                )
                yield Choice(
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

    def _error(self, message: str, fields: Sequence[str] = ()) -> None:
        """Say what went wrong; mark the wrong fields and go to the first, in sight."""
        self.query_one("#dialog-error", Static).update(plain(message))
        for widget in self.query("Input, Select"):
            widget.set_class(widget.id in fields, "invalid")
        if fields:
            first = self.query_one(f"#{fields[0]}")
            first.focus(scroll_visible=False)
            first.scroll_visible(animate=False)

    def action_submit(self) -> None:
        try:
            request = assign_request(self.day, self._fields())
        except FieldErrors as error:
            # What to type in each wrong field, a line each, in the dialog's order.
            lines = []
            for field, reason in error.errors.items():
                _request_field, name, how = _FIELDS[field]
                how = _(how).format(day=self.day.isoformat())
                lines.append(field_message(_(name), reason, how))
            self._error("\n".join(lines), list(error.errors))
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
            if done.not_visitable:
                message += " · " + _("{count} left out: nobody may visit them that day").format(
                    count=len(done.not_visitable)
                )
            if done.follow_ups_first:
                message += " · " + _("{count} follow-ups due, first").format(
                    count=done.follow_ups_first
                )
            if done.notice_too_soon:
                message += " · " + _(
                    "warning: {count} before their notice of a visit can have arrived"
                ).format(count=len(done.notice_too_soon))
            self.app.call_from_thread(self.dismiss, message)

        self.run_worker(send, thread=True, exclusive=True)


def assign_request(day: date, fields: dict[str, str | bool]) -> AssignRequest:
    """The dialog's fields as a request; raises FieldErrors keyed by the dialog's fields."""
    problems: dict[str, str] = {}
    start = str(fields.get("start") or "").strip()
    lat = lon = None
    if start:
        try:
            lat, lon = (float(part) for part in start.split(","))
        except ValueError:  # not numbers, or not two of them
            problems["start"] = "is not LAT,LON"
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
    try:
        request = AssignRequest.model_validate({k: v for k, v in typed.items() if v is not None})
    except ValidationError as error:
        for where, reason in from_validation_error(error).items():
            # A rule over the whole request ("say which accounts") belongs to the accounts.
            field = next((k for k, v in _FIELDS.items() if where.startswith(v[0])), "accounts")
            problems.setdefault(field, reason)
    if problems:
        raise FieldErrors({field: problems[field] for field in _FIELDS if field in problems})
    return request
