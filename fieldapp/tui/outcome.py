"""The outcome form: pick what happened, fill what that code needs, saved to disk at once."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from fieldapp.content import policy
from fieldapp.recording import ContactRefused, record_outcome
from fieldapp.tui.hints import what_to_type
from fieldapp.tui.plan_preview import PlanPreview
from fieldapp.tui.statement_field import StatementField
from fieldapp.tui.status import SyncStatus
from fieldcore.affordability import STATEMENT_CODES
from fieldcore.arrangements import Every
from fieldcore.errors import FieldErrors, field_message
from fieldcore.i18n import N_, _
from fieldcore.labels import label
from fieldcore.outcomes import (
    CODE_FIELDS,
    COMMON_FIELDS,
    SPECIFIC_FIELDS,
    Ability,
    ContactRole,
    DefaultReason,
    OutcomeCode,
    PaymentMethod,
    ThirdParty,
    Willingness,
)
from fieldcore.policy import Channel
from fieldkit.choice import Choice
from fieldkit.entry import Entry
from fieldkit.footer import Footer

# field -> (label, placeholder or choices)
_TEXT_FIELDS = {
    "amount": (N_("Amount ({currency})"), N_("e.g. 250.00")),
    "promise_date": (N_("Promised for"), N_("YYYY-MM-DD")),
    "dispute_reason": (N_("What is disputed, and why"), ""),
    "instalment": (N_("Proposed instalment ({currency})"), N_("e.g. 500.00")),
    "term_months": (N_("For how many months"), N_("1 to 120")),
    "instalments": (N_("In how many instalments"), N_("e.g. 6")),
    "first_date": (N_("First instalment due"), N_("YYYY-MM-DD")),
    "new_address": (N_("New address"), ""),
    "callback_at": (N_("Call back at"), N_("YYYY-MM-DD HH:MM")),
    "note": (N_("Note"), N_("what was said")),
    "happened_at": (N_("When it happened"), N_("now, or YYYY-MM-DD HH:MM")),
    "override": (N_("Why it happened although the policy blocks it"), ""),
}
_CHOICE_FIELDS = {
    "channel": (N_("How"), list(Channel)),
    "role": (N_("Whom you reached"), list(ContactRole)),
    "disclosure": (N_("Disclosure given"), ["true"]),
    "method": (N_("Paid by"), list(PaymentMethod)),
    "every": (N_("How often"), list(Every)),
    "contact_who": (N_("Who was contacted"), list(ThirdParty)),
    "default_reason": (N_("Reason for default"), list(DefaultReason)),
    "ability": (N_("Ability to pay"), list(Ability)),
    "willingness": (N_("Willingness to pay"), list(Willingness)),
}
FIELDS = ("outcome", *_TEXT_FIELDS, *_CHOICE_FIELDS)
# The code's own fields first (Tab after the outcome lands there), then how, whom and
# when (right by default most of the time), then the rest; the override shows at the
# top, under the policy's words, once the policy refused.
_CONTACT = ("channel", "role", "happened_at", "disclosure")
_COMMON = ("default_reason", "ability", "willingness")
_ORDER = (
    "override",
    *SPECIFIC_FIELDS,
    "statement",
    *_CONTACT,
    *_COMMON,
    "note",
)


class OutcomeScreen(Screen):
    """One quick form; ctrl+s saves, Escape goes back, Enter moves to the next field.

    Every change is kept as a draft on disk, so a crash or kill -9 loses nothing.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("ctrl+t", "statement", N_("Income and spending"), priority=True),
        Binding("escape", "cancel", N_("Back")),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self._restoring = False
        # The outcome code the words under the fields were said for, if any.
        self._refused_code: OutcomeCode | None = None

    def compose(self) -> ComposeResult:
        detail = self.app.store.visit(self.visit_id)
        self.detail = detail
        yield Header()
        with VerticalScroll(id="outcome-form"):
            yield Static(
                _("Outcome for {name} ({account})").format(
                    name=detail.account.borrower_name, account=detail.account.account_id
                ),
                id="form-title",
                markup=False,
            )
            with Vertical(classes="field", id="f-outcome"):
                yield Label(self._title("outcome"))
                yield Choice(
                    [(label(code), code.value) for code in OutcomeCode],
                    prompt=_("Choose an outcome"),
                    id="outcome",
                    compact=True,
                )
                yield Static(id="outcome-error", classes="error", markup=False)
            yield Static(id="policy-blocks", classes="banner")
            for name in _ORDER:
                if name == "statement":
                    yield StatementField(detail.account, id="f-statement", classes="field")
                    continue
                with Vertical(classes="field", id=f"f-{name}"):
                    yield Label(self._title(name))
                    if name in _TEXT_FIELDS:
                        hint = _TEXT_FIELDS[name][1]
                        yield Entry(placeholder=_(hint) if hint else "", id=name, compact=True)
                    else:
                        yield Choice(
                            self._choices(name),
                            prompt=_("Borrower") if name == "role" else "—",
                            id=name,
                            compact=True,
                        )
                    yield Static(id=f"{name}-error", classes="error", markup=False)
                if name == "first_date":
                    yield PlanPreview(detail.account.currency, id="plan-preview")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def _choices(self, name: str) -> list[tuple[str, str]]:
        if name == "disclosure":
            return [(_("yes, I gave it"), "true")]
        if name == "role":  # the prompt is the borrower
            return [(label(r), r.value) for r in ContactRole if r is not ContactRole.BORROWER]
        if name == "channel":
            return [(label(c), c.value) for c in Channel]
        return [(label(c), c.value) for c in _CHOICE_FIELDS[name][1]]

    def on_mount(self) -> None:
        # The script's channel, and its confirmed disclosure, are the form's start.
        self.query_one("#channel", Select).value = self.app.script_channel.get(
            self.visit_id, Channel.VISIT.value
        )
        if self.visit_id in self.app.disclosed:
            self.query_one("#disclosure", Select).value = "true"
        # Only the policy is needed here, not the account's whole contact history.
        account = self.detail.account
        rules = policy(self.app.store.published_content(), account.country)
        self._asks_disclosure = rules.disclosures is not None
        self.query_one(StatementField).longest_months = rules.longest_plan_months
        self._overriding = False
        self.query_one("#policy-blocks", Static).display = False
        draft = self.app.store.draft(self.visit_id)
        if draft:
            self._restoring = True
            self.query_one(StatementField).typed = dict(draft.get("statement") or {})
            for name, value in draft.items():
                if name in FIELDS and value:
                    self.query_one(f"#{name}").value = value
            self._restoring = False
            self.app.notify(_("Your unsaved outcome was restored."), title=_("Draft"))
        self._show_fields()
        self.query_one("#outcome", Select).focus()

    def _title(self, name: str) -> str:
        """The field's name as its label shows it, in the collector's language."""
        if name == "outcome":
            return _("What happened")
        if name.split(".")[0] == "statement":
            return StatementField.title(name)
        title = (_TEXT_FIELDS.get(name) or _CHOICE_FIELDS[name])[0]
        return _(title).format(currency=self.detail.account.currency)

    def _code(self) -> OutcomeCode | None:
        value = self.query_one("#outcome", Select).value
        return None if value is Select.NULL else OutcomeCode(value)

    def _wanted(self) -> set[str]:
        code = self._code()
        if code is None:
            return set()
        wanted = set(CODE_FIELDS[code]) | set(COMMON_FIELDS) | {"channel", "happened_at"}
        if code is not OutcomeCode.THIRD_PARTY:  # "who was contacted" says whom
            wanted.add("role")
        if self._asks_disclosure:
            wanted.add("disclosure")
        if self._overriding or self.query_one("#override", Input).value:
            wanted.add("override")
        return wanted

    def _show_fields(self) -> None:
        wanted = self._wanted()
        for name in FIELDS[1:]:
            self.query_one(f"#f-{name}").display = name in wanted
        field = self.query_one(StatementField)
        field.display = self._asks_statement()
        field.every_is(field.every_for(self._all_values(), self._code()))
        self.refresh_bindings()
        self._preview()

    def _asks_statement(self) -> bool:
        code = self._code()
        return code is not None and code.value in STATEMENT_CODES

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+t shows in the Footer only where a statement goes with the outcome.
        return self._asks_statement() if action == "statement" else True

    def action_statement(self) -> None:
        """Ask the borrower's income and spending; on keeping it, fill the plan it proposes."""
        if not self._asks_statement():
            return
        field = self.query_one(StatementField)

        def typed(values: dict[str, str]) -> None:
            field.typed = values
            self._keep_draft()

        def kept(values: dict[str, str] | None) -> None:
            field.focus()
            if values is not None:
                # The screen's last keystrokes may not have reached `typed` yet.
                field.typed = values
                # Near enough for a proposal: the borrower's day, as far as the account says.
                today = self.app.store.local_today(self.detail.account.timezone)
                self._propose(*field.proposal(self._all_values(), self._code(), today))

        screen = field.screen_for(self._all_values(), self._code(), typed)
        self.app.push_screen(screen, kept)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "statement":
            event.stop()
            self.action_statement()

    def _propose(self, proposal: dict[str, str], why_not: str | None) -> None:
        """Fill the empty fields the statement proposes; what the collector typed stays."""
        if why_not:
            self.app.notify(why_not, title=_("Income and spending"), severity="warning")
        filled = []
        for name, value in proposal.items():
            widget = self.query_one(f"#{name}")
            if widget.value in ("", None, Select.NULL):
                widget.value = value
                filled.append(self._title(name))
        if filled:
            self.app.notify(
                _("Proposed from the statement: {fields}.").format(fields=", ".join(filled))
            )
        self._keep_draft()

    def _preview(self) -> None:
        """The plan's instalments as they would fall due, while the plan is typed."""
        preview = self.query_one(PlanPreview)
        preview.display = self._code() is OutcomeCode.PLAN
        if preview.display:
            preview.show(self._all_values())

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "outcome":
            # Another code asks for other fields: the last refusal's words no longer apply.
            if self._code() != self._refused_code:
                self._clear_errors()
            self._show_fields()
        elif event.select.id == "every":
            field = self.query_one(StatementField)
            field.every_is(field.every_for(self._all_values(), self._code()))
            self._preview()
        self._keep_draft()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._keep_draft()
        if self.is_mounted and self._code() is OutcomeCode.PLAN:
            self._preview()

    def _keep_draft(self) -> None:
        # Nothing is a draft until an outcome is chosen (the channel is set on opening).
        if not self._restoring and self.is_mounted and self._code() is not None:
            self.app.store.save_draft(self.visit_id, self._all_values())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _all_values(self) -> dict:
        found: dict = {}
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Select):
                found[name] = None if widget.value is Select.NULL else str(widget.value)
            else:
                found[name] = widget.value.strip() or None
        found["statement"] = self.query_one(StatementField).typed or None
        return found

    def values(self) -> dict:
        """The visible fields, as text, the way the CLI passes them."""
        every, wanted = self._all_values(), self._wanted()
        shown = {name: every[name] for name in FIELDS if name == "outcome" or name in wanted}
        if self._asks_statement() and every["statement"]:
            shown["statement"] = every["statement"]
        return shown

    def _clear_errors(self) -> None:
        for name in (*FIELDS, "statement"):
            self.query_one(f"#{name}-error", Static).update("")

    def action_save(self) -> None:
        self._clear_errors()
        script = self.app.script_progress.get(self.visit_id)
        try:
            saved = record_outcome(self.app.store, self.visit_id, self.values(), script)
        except ContactRefused as error:
            self._blocked(error)
            return
        except FieldErrors as error:
            self._refused(error.errors)
            return
        self.app.notify(_("Saved on this laptop."), title=_("Outcome saved"))
        self.app.changed_locally()
        if saved.receipt_no:
            from fieldapp.tui.receipt import ReceiptScreen

            self.app.switch_screen(ReceiptScreen(saved, self.detail))
        else:
            self.dismiss(True)

    def _refused(self, errors: dict[str, str]) -> None:
        """Say under each wrong field what to type, then go to the first one the form shows."""
        shown: dict[str, str] = {}
        for field, reason in errors.items():
            where = "statement" if field.split(".")[0] == "statement" else field
            shown.setdefault(where if where in (*FIELDS, "statement") else "outcome", reason)
        self._refused_code = self._code()
        today = self.app.store.today()
        for name, reason in shown.items():
            named = next((f for f in errors if f.split(".")[0] == name), name)
            message = field_message(self._title(named), reason, what_to_type(name, today))
            self.query_one(f"#{name}-error", Static).update(f"⚠ {message}")
        first = next((n for n in self._form_order() if n in shown), "outcome")
        self.query_one(f"#{first}").focus(scroll_visible=False)
        # The whole field comes into view, its label and the words under it too.
        self.query_one(f"#f-{first}").scroll_visible(animate=False)
        self.app.bell()

    def _blocked(self, refused: ContactRefused) -> None:
        """The policy blocks this contact: say each rule, and ask why it happened anyway."""
        self._overriding = True
        self._show_fields()
        lines = Text(_("The contact policy blocks this contact:"), style="bold")
        for block in refused.blocks:
            lines.append(f"\n  ⊘ {block.said()}")
        lines.append(
            "\n" + _("If it happened anyway, say why below and save again: head office reviews it.")
        )
        banner = self.query_one("#policy-blocks", Static)
        banner.display = True
        banner.update(lines)
        self._refused(refused.errors)

    def _form_order(self) -> list[str]:
        return [w.id.removeprefix("f-") for w in self.query(".field") if w.id]

    def action_cancel(self) -> None:
        if self._code() is not None:
            self.app.notify(_("Draft kept; it comes back when you open the form again."))
        self.dismiss(False)
