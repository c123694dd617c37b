"""The visit screen: borrower and loan at a glance, contacts, promises, history, messages sent."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldapp.contacting import contact_facts, decide_with
from fieldapp.tui.status import SyncStatus
from fieldcore.contact import Decision
from fieldcore.contact_words import rule_name
from fieldcore.i18n import N_, _, format_day, format_time, language, language_name
from fieldcore.labels import MESSAGE_CHANNELS, MESSAGE_REASONS, SECURITY, label
from fieldcore.money import format_money
from fieldcore.policy import Channel
from fieldcore.route import VisitDetail
from fieldcore.stages import zone_of
from fieldkit.footer import Footer
from fieldkit.plain import plain, plain_cells

_PROMISE_STYLE = {
    "open": "yellow",
    "kept": "green",
    "partly_kept": "bold dark_orange",
    "broken": "bold red",
    "replaced": "dim",
}


def _money(minor: int | None, currency: str | None) -> str:
    return "—" if minor is None or currency is None else format_money(minor, currency, language())


def _facts(title: str, rows: list[tuple[str, object]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.title = title
    table.title_justify = "left"
    table.title_style = "bold"
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for name, value in rows:
        if value not in (None, ""):
            table.add_row(name, plain(value))
    return table


def _when(decision: Decision) -> str:
    later = decision.next_allowed
    assert later is not None
    return f"{format_day(later.date())} {format_time(later)} ({later.tzinfo})"


class VisitScreen(Screen):
    """Everything about one stop; `p` opens the call script, `o` records an outcome."""

    BINDINGS = [
        Binding("o", "record", N_("Record outcome")),
        Binding("p", "script", N_("Call script")),
        Binding("c", "correct", N_("Correct contact")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="visit"):
            yield Static(id="hold", classes="banner")
            with Horizontal(id="visit-top"):
                yield Static(id="borrower", classes="card")
                yield Static(id="loan", classes="card")
            yield Static(id="contacts", classes="card")
            yield Static(id="promises", classes="card")
            yield Static(id="corrections", classes="card")
            yield Static(id="history", classes="card")
            yield Static(id="messages", classes="card")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def relabel(self) -> None:
        self.reload()

    def refresh_data(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.detail = self.app.store.visit(self.visit_id)
        self._show(self.detail)

    def _show(self, detail: VisitDetail) -> None:
        a, stop = detail.account, detail.stop
        self.sub_title = f"{stop.sequence}. {a.borrower_name}"
        self.contact = contact_facts(self.app.store, a.account_id)
        self._show_rules()
        self.query_one("#borrower", Static).update(
            _facts(
                _("Borrower"),
                [
                    (_("Name"), a.borrower_name),
                    (_("Address"), a.address),
                    (_("City"), " ".join(filter(None, [a.postal_code, a.city]))),
                    (_("Language"), a.language and language_name(a.language)),
                    (_("Account"), a.account_id),
                ],
            )
        )
        stage = Text(f"{stop.days_past_due} ({label(stop.stage)})")
        self.query_one("#loan", Static).update(
            _facts(
                _("Loan"),
                [
                    (_("Outstanding"), _money(a.outstanding_minor, a.currency)),
                    (_("Overdue"), Text(_money(a.overdue_minor, a.currency), style="bold")),
                    (_("Instalment"), _money(a.installment_minor, a.currency)),
                    (_("Days past due"), stage),
                    (_("Oldest due"), format_day(a.oldest_due_date)),
                    (_("Security"), a.security and label(a.security, SECURITY)),
                    (_("Product"), a.product),
                ],
            )
        )
        self._show_contacts(detail)
        self._show_promises(detail)
        self._show_corrections(a.account_id)
        self._show_history(detail)
        self._show_messages(a.account_id)

    def _show_rules(self) -> None:
        """May the borrower be visited now? If not, every rule that forbids it, and when."""
        now = self.app.store.now()
        decision = decide_with(self.contact, Channel.VISIT, "borrower", now)
        banner = self.query_one("#hold", Static)
        banner.set_class(not decision.allowed, "blocked")
        lines = Text()
        # Said only when it matters, to keep the screen for the borrower: the route
        # already says "now".
        banner.display = not decision.allowed or self.contact.policy.disclosures is not None
        if decision.allowed:
            lines.append(_("You may visit now."), style="bold green")
        else:
            lines.append(_("Do not visit now:"), style="bold")
            for block in decision.blocks:
                lines.append(f"\n  ⊘ {block.said()}")
            if decision.next_allowed is not None:
                lines.append("\n" + _("Next allowed: {when}").format(when=_when(decision)))
        if self.contact.policy.disclosures is not None:
            lines.append("\n" + _("Give the disclosure first: the call script opens with it."))
        banner.update(lines)

    def _show_contacts(self, detail: VisitDetail) -> None:
        a = detail.account
        rules = self.contact.policy
        now = self.app.store.now()
        table = Table(
            title=_("Contacts"),
            title_justify="left",
            title_style="bold",
            expand=True,
            box=None,
            show_header=False,
        )
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        table.add_column(style="italic")
        for role, name, phone in (
            ("borrower", a.borrower_name, " ".join(filter(None, [a.phone, a.email]))),
            ("spouse", a.spouse_name, a.spouse_phone),
            ("employer", a.employer_name, a.employer_phone),
            ("guarantor", a.guarantor_name, a.guarantor_phone),
        ):
            if name or phone:
                role_name = _("Borrower") if role == "borrower" else label(role)
                # What this person may be contacted for, and whether a call may go now.
                use = label(rules.allowed(role))
                if phone and rules.allowed(role).value != "none":
                    call = decide_with(self.contact, Channel.PHONE, role, now)
                    use += " · " + (
                        _("call now")
                        if call.allowed
                        else _("no call now: {why}").format(why=_(rule_name(call.blocks[0].rule)))
                    )
                table.add_row(*plain_cells(role_name, " ".join(filter(None, [name, phone])), use))
        self.query_one("#contacts", Static).update(table)

    def _show_promises(self, detail: VisitDetail) -> None:
        """Each promise and plan in force, instalment by instalment, with what was paid."""
        store = self.app.store
        parts = store.arrangements_for_account(detail.account.account_id, store.today())
        box = self.query_one("#promises", Static)
        box.display = bool(parts)
        table = Table(
            title=_("Promises and plans"),
            title_justify="left",
            title_style="bold",
            box=None,
            padding=(0, 2),
        )
        for heading in (_("What"), _("Part"), _("Due"), _("Amount"), _("Paid"), _("State")):
            table.add_column(
                heading, justify="right" if heading in (_("Amount"), _("Paid")) else "left"
            )
        for part in parts:
            state = Text(label(part.state), style=_PROMISE_STYLE[part.state.value])
            if not part.sent:
                state.append(" · " + _("not sent yet"), style="dim")
            table.add_row(
                label(part.kind),
                f"{part.number}/{part.count}",
                format_day(part.due),
                _money(part.amount_minor, part.currency),
                _money(part.paid_minor, part.currency),
                state,
            )
        box.update(table)

    def _show_corrections(self, account_id: str) -> None:
        lines = Text()
        for fix in self.app.store.corrections_for_account(account_id):
            sent = _("sent") if fix.synced else _("waiting")
            lines.append(f"{label(fix.field)}: {fix.value}  ({sent})", style="bold")
            if fix.conflict_with is not None:
                lines.append(
                    "  ⚠ "
                    + _("conflict: head office now has {value}; a supervisor will decide").format(
                        value=repr(fix.conflict_with)
                    ),
                    style="yellow",
                )
            lines.append("\n")
        box = self.query_one("#corrections", Static)
        box.display = bool(lines)
        box.update(lines)

    def _show_history(self, detail: VisitDetail) -> None:
        table = Table(title=_("History"), title_justify="left", title_style="bold", expand=True)
        for column in (_("When"), _("Outcome"), _("Amount"), _("Who"), _("Note"), _("Sent")):
            table.add_column(column)
        for o in detail.outcomes:
            who = o.collector or _("this laptop")
            table.add_row(
                *plain_cells(
                    o.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    label(o.outcome),
                    _money(o.amount_minor, o.currency) if o.currency else "",
                    who,
                    o.note,
                    _("yes") if o.synced else _("waiting"),
                )
            )
        if not detail.outcomes:
            table.add_row("", _("no earlier outcomes"), "", "", "", "")
        self.query_one("#history", Static).update(table)

    def _show_messages(self, account_id: str) -> None:
        """What head office sent the borrower by itself, newest first, in the collector's time."""
        store = self.app.store
        sent = store.messages_for_account(account_id)
        box = self.query_one("#messages", Static)
        box.display = bool(sent)
        zone = zone_of(store.setting("timezone"))
        table = Table(
            title=_("Messages head office sent"),
            title_justify="left",
            title_style="bold",
            expand=True,
        )
        for column in (_("When"), _("What"), _("Message")):
            table.add_column(column)
        for message in sent:
            what = _("{channel}: {reason}").format(
                channel=label(message.channel, MESSAGE_CHANNELS),
                reason=label(message.reason, MESSAGE_REASONS),
            )
            when = message.sent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            table.add_row(*plain_cells(when, what, message.summary))
        box.update(table)

    def action_record(self) -> None:
        from fieldapp.tui.outcome import OutcomeScreen

        self.app.push_screen(OutcomeScreen(self.visit_id))

    def action_script(self) -> None:
        from fieldapp.tui.script import ScriptScreen

        self.app.push_screen(ScriptScreen(self.visit_id))

    def action_correct(self) -> None:
        from fieldapp.tui.correction import CorrectionDialog

        account_id = self.detail.account.account_id
        self.app.push_screen(CorrectionDialog(account_id), lambda _saved: self.reload())

    def action_back(self) -> None:
        self.app.pop_screen()
