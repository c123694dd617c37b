"""The revoke dialog: a collector's laptops stop syncing, and with "also wipe" erase themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Static

from fieldcore.i18n import N_, _
from fieldkit.dialog import FormDialog
from fieldkit.plain import plain
from headoffice.console.client import ConsoleError
from headoffice.wire import RevokeResult

# What happens, said before the supervisor confirms: revoking cannot be undone.
_REVOKE_ONLY = N_(
    "They can no longer sync. What is on them stays there, and anything recorded on them "
    "and not yet sent never reaches head office."
)
_REVOKE_AND_WIPE = N_(
    "They can no longer sync. At its next sync each laptop first delivers what it holds, "
    "so nothing recorded is lost, then erases everything fieldapp keeps on it. A laptop "
    "that never reaches head office again is not erased."
)
_FINAL = N_("This cannot be undone: a laptop works again only once enrolled anew.")


class RevokeDialog(FormDialog):
    """Revoke every laptop of one collector, saying first what that does; or cancel."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Revoke")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, collector: str) -> None:
        super().__init__()
        self.collector = collector
        # Laptops in service, once head office has said; None until then.
        self.laptops: int | None = None
        self._sending = False

    def compose(self) -> ComposeResult:
        title = _("Revoke {collector}'s laptops").format(collector=self.collector)
        with Vertical(id="dialog"):
            yield Static(plain(title), classes="dialog-title")
            yield Static("", id="revoke-count", markup=False)
            yield Checkbox(_("Also wipe them"), id="wipe", compact=True)
            yield Static("", id="revoke-what", markup=False)
            yield Static(_(_FINAL), id="revoke-final", markup=False)
            yield Static("", id="dialog-error", markup=False)
            yield from self.buttons(_("Revoke"), _("Cancel"))

    def on_mount(self) -> None:
        self._describe()
        self.run_worker(self._count, thread=True, exit_on_error=False)

    def _count(self) -> None:
        try:
            found = self.app.client.collectors()
        except ConsoleError as error:
            self.app.call_from_thread(self._error, str(error))
            return
        laptops = next((c.laptops for c in found if c.name == self.collector), None)
        self.app.call_from_thread(self._counted, laptops)

    def _counted(self, laptops: int | None) -> None:
        if not self.is_attached:
            return  # closed before head office answered
        self.laptops = laptops
        self._describe()

    def wipe(self) -> bool:
        return self.query_one("#wipe", Checkbox).value

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._describe()

    def _describe(self) -> None:
        """The count, what will happen, and the OK button saying which of the two it does."""
        who = self.collector
        if self.laptops is None:
            count = _("Looking up {collector}'s laptops…").format(collector=who)
        elif self.laptops == 0:
            count = _("{collector} has no laptop in service: there is nothing to revoke.")
            count = count.format(collector=who)
        else:
            count = _("{collector} has {count} laptop(s) in service.")
            count = count.format(collector=who, count=self.laptops)
        self.query_one("#revoke-count", Static).update(count)
        wipe = self.wipe()
        self.query_one("#revoke-what", Static).update(_(_REVOKE_AND_WIPE if wipe else _REVOKE_ONLY))
        self.query_one("#ok", Button).label = _("Revoke and wipe") if wipe else _("Revoke")

    def _error(self, message: str) -> None:
        self._sending = False
        if self.is_attached:
            self.query_one("#dialog-error", Static).update(message)

    def _done(self, message: str) -> None:
        # Dismissing pops the top screen: only while this dialog is the one on top.
        if self.is_current:
            self.dismiss(message)

    def action_submit(self) -> None:
        if self._sending:
            return  # a second OK while the first is on its way sends nothing more
        self._sending = True
        collector, wipe = self.collector, self.wipe()

        def send() -> None:
            try:
                done = self.app.client.revoke(collector, wipe)
            except ConsoleError as error:
                self.app.call_from_thread(self._error, str(error))
                return
            self.app.call_from_thread(self._done, revoked_message(done))

        self.run_worker(send, thread=True, exclusive=True, exit_on_error=False)


def revoked_message(done: RevokeResult) -> str:
    """The status line after a revoke: how many, and whether they erase themselves."""
    if done.revoked == 0 and done.wipe_ordered:
        return _(
            "{collector}'s laptops were revoked already; they are ordered wiped at their next "
            "contact"
        ).format(collector=done.collector)
    if done.revoked == 0:
        return _("{collector} had no laptop in service: nothing was revoked").format(
            collector=done.collector
        )
    if done.wipe_ordered:
        message = _(
            "Revoked {count} laptop(s) of {collector}; each delivers what it holds at its "
            "next sync, then erases itself"
        )
    else:
        message = _("Revoked {count} laptop(s) of {collector}; they can no longer sync")
    return message.format(count=done.revoked, collector=done.collector)
