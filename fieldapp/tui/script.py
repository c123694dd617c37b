"""The call script: opening, purpose, the escalation ladder step by step, objections, compliance."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldapp.contacting import contact_facts
from fieldapp.content import challengers, debt_advice, lender_name, libraries
from fieldapp.tui.status import SyncStatus
from fieldcore.i18n import N_, _, language, language_name
from fieldcore.labels import label
from fieldcore.money import money_in_text
from fieldcore.scripts import (
    Channel,
    Script,
    Situation,
    build_script,
    pick_library,
    situation_from,
)
from fieldkit.footer import Footer

SITUATIONS = list(Situation)


class ScriptScreen(Screen):
    """Step through the ladder; the highest step reached goes with the outcome."""

    BINDINGS = [
        Binding("n", "next_step", N_("Next step")),
        Binding("b", "previous_step", N_("Step back")),
        Binding("v", "channel", N_("Visit/phone")),
        Binding("w", "situation", N_("Situation")),
        Binding("g", "disclosed", N_("Disclosure given")),
        Binding("o", "record", N_("Record outcome")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.channel = Channel.VISIT
        self.step = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="script"):
            yield Static(id="script-head", classes="banner")
            yield Static(id="script-intro", classes="card")
            yield Static(id="script-ladder", classes="card")
            with Horizontal(id="script-bottom"):
                yield Static(id="script-objections", classes="card")
                yield Static(id="script-compliance", classes="card")
        yield SyncStatus(id="sync-status")
        yield Footer()

    def on_mount(self) -> None:
        detail = self.app.store.visit(self.visit_id)
        self.detail = detail
        last = next((o.details for o in detail.outcomes if o.details.ability), None)
        self.situation = (
            Situation.DISPUTES
            if detail.stop.on_hold
            else situation_from(last.ability if last else None, last.willingness if last else None)
        )
        self.relabel()

    def relabel(self) -> None:
        self.script = self._build()
        self.step = min(self.step, max(len(self.script.steps) - 1, 0))
        self._remember()
        self._show()

    def _build(self) -> Script:
        store, a, stop = self.app.store, self.detail.account, self.detail.stop
        published = store.published_content()
        library = pick_library(
            libraries(published),
            a.language,
            fallback=language(),
            challengers=challengers(published),
            account_id=a.account_id,
            stage=stop.stage,
        )
        lang = library.language
        fill = {
            "collector": store.setting("collector") or "",
            "lender": lender_name(store.published_content("lender"), lang),
            "borrower": a.borrower_name,
            "days": str(stop.days_past_due),
            "overdue": money_in_text(a.overdue_minor, a.currency, lang),
            "instalment": money_in_text(a.installment_minor, a.currency, lang)
            if a.installment_minor
            else "—",
            "debt_advice": debt_advice(store.published_content("policy"), a.country, lang),
        }
        script = build_script(
            library, stage=stop.stage, channel=self.channel, situation=self.situation, fill=fill
        )
        self.disclosure = self._disclosure(lang, fill)
        return script

    def _disclosure(self, lang: str, fill: dict[str, str]) -> str | None:
        """What the policy has the collector say first (the US statements), if anything."""
        rules = contact_facts(self.app.store, self.detail.account.account_id)
        said = rules.policy.disclosures
        if said is None:
            return None
        # The first conversation with the borrower gets the full statement, later ones the short.
        talked = any(a.answered and a.role == "borrower" for a in rules.attempts)
        words = said.later if talked else said.first
        text = words.get(lang) or words.get("en") or next(iter(words.values()))
        # Replaced, not formatted: a lender's text may hold other braces.
        return text.replace("{collector}", fill["collector"]).replace("{lender}", fill["lender"])

    def _remember(self) -> None:
        # The highest step reached on this visit, kept for the outcome form.
        progress = self.app.script_progress
        before = progress.get(self.visit_id)
        highest = self.step + 1 if self.script.steps else 0
        if before and before[0] == self.script.id:
            highest = max(highest, before[2])
        progress[self.visit_id] = (self.script.id, self.script.version, highest)

    def _show(self) -> None:
        s = self.script
        head = Text()
        head.append(f"{label(self.detail.stop.stage)} · {label(self.channel)} · ", style="bold")
        head.append(s.situation_title, style="bold")
        # Which library and version, in words: the id is made of codes (early.visit...).
        version = _("version {version}").format(version=s.version)
        head.append(f"   {language_name(s.language)} · {version}", style="dim")
        head.append("\n" + s.advice)
        self.query_one("#script-head", Static).update(head)
        intro = Text()
        if self.disclosure:
            given = self.visit_id in self.app.disclosed
            intro.append(_("Disclosure: say this first") + "\n", style="bold")
            intro.append(self.disclosure + "\n")
            intro.append(
                ("✔ " + _("given")) if given else _("press g once you have said it"),
                style="green" if given else "italic",
            )
            intro.append("\n\n")
        intro.append(_("Opening") + "\n", style="bold")
        intro.append(s.opening + "\n\n")
        intro.append(_("Purpose") + "\n", style="bold")
        intro.append(s.purpose)
        self.query_one("#script-intro", Static).update(intro)
        ladder = Text(_("Talking points, step by step") + "\n", style="bold")
        for index, step in enumerate(s.steps):
            here = index == self.step
            style = "reverse bold" if here else ("dim" if index < self.step else "")
            ladder.append(f"{'▶' if here else ' '} {index + 1}. {step.title}\n", style=style)
            if here:
                for point in step.points:
                    ladder.append(f"    • {point}\n")
        if not s.steps:
            ladder.append(_("No escalation for this situation: follow the advice above.") + "\n")
        self.query_one("#script-ladder", Static).update(ladder)
        objections = [Text(_("Answers to objections"), style="bold")]
        for o in s.objections:
            objections.append(Text(f"“{o.heard}”", style="italic"))
            objections.append(Text(f"  {o.answer}"))
        self.query_one("#script-objections", Static).update(Group(*objections))
        rules = Text(_("Always") + "\n", style="bold")
        for reminder in s.compliance:
            rules.append(f"✔ {reminder}\n")
        self.query_one("#script-compliance", Static).update(rules)

    def action_next_step(self) -> None:
        if self.step < len(self.script.steps) - 1:
            self.step += 1
        self._remember()
        self._show()

    def action_previous_step(self) -> None:
        self.step = max(0, self.step - 1)
        self._show()

    def action_channel(self) -> None:
        self.channel = Channel.PHONE if self.channel is Channel.VISIT else Channel.VISIT
        self.app.script_channel[self.visit_id] = self.channel.value
        self.relabel()

    def action_disclosed(self) -> None:
        """The collector confirms the disclosure was given; the outcome form carries it."""
        if not self.disclosure:
            self.app.notify(_("This borrower's policy asks for no disclosure."))
            return
        self.app.disclosed.add(self.visit_id)
        self._show()

    def action_situation(self) -> None:
        self.situation = SITUATIONS[(SITUATIONS.index(self.situation) + 1) % len(SITUATIONS)]
        self.step = 0
        self.relabel()

    def action_record(self) -> None:
        from fieldapp.tui.outcome import OutcomeScreen

        self.app.push_screen(OutcomeScreen(self.visit_id))

    def action_back(self) -> None:
        self.app.pop_screen()
