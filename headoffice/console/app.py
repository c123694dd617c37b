"""The supervisors' console: board, review queue, numbers and holds over the supervisor API."""

from __future__ import annotations

from datetime import date
from functools import partial

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static, TabbedContent, TabPane

from fieldcore.i18n import LANGUAGES, N_, _, set_language
from fieldkit.footer import Footer
from fieldkit.palette import NamedCommands, PaletteInUiLanguage
from fieldkit.plain import plain
from headoffice.console.board import BoardPane
from headoffice.console.client import ConsoleError, SupervisorClient
from headoffice.console.holds import HoldsPane
from headoffice.console.numbers import NumbersPane
from headoffice.console.review import ReviewPane
from headoffice.console.settings import load_settings, save_settings
from themes import THEMES

REFRESH_SECONDS = 60


class ConsoleCommands(NamedCommands):
    """Everything the console does, searchable in ctrl+p."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        found = [
            (_("Board"), partial(app.action_show, "board"), _("Routes of the day")),
            (_("Review"), partial(app.action_show, "review"), _("What needs a decision")),
            (_("Numbers"), partial(app.action_show, "numbers"), _("Contact rate, promises, cash")),
            (_("Holds"), partial(app.action_show, "holds"), _("Accounts nobody may contact")),
            (_("Refresh"), app.action_refresh, _("Fetch everything again")),
        ]
        # Every pane's keys too, so nothing is reachable by key alone.
        for pane in app.query("BoardPane, ReviewPane, NumbersPane, HoldsPane"):
            for binding in pane.BINDINGS:
                if binding.description:
                    run = partial(app.run_action, binding.action, pane)
                    found.append((_(binding.description), run, binding.key_display or binding.key))
        for theme in THEMES:
            name = theme.name.removeprefix("fieldapp-")
            found.append(
                (_("Theme: {name}").format(name=name), partial(app.choose_theme, theme.name), "")
            )
        for code, name in LANGUAGES.items():
            found.append(
                (_("Language: {name}").format(name=name), partial(app.choose_language, code), "")
            )
        return found


class SupervisorConsole(PaletteInUiLanguage):
    """Head office's console for supervisors; every call runs in the background."""

    TITLE = "fieldapp head office"
    CSS_PATH = "console.tcss"
    COMMANDS = App.COMMANDS | {ConsoleCommands}

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        Binding("1", "show('board')", N_("Board")),
        Binding("2", "show('review')", N_("Review")),
        Binding("3", "show('numbers')", N_("Numbers")),
        Binding("4", "show('holds')", N_("Holds")),
        Binding("ctrl+r", "refresh", N_("Refresh")),
    ]

    def __init__(
        self,
        url: str,
        token: str,
        *,
        client: SupervisorClient | None = None,
        language: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        # What the supervisor chose last time, unless told otherwise now.
        remembered = load_settings()
        set_language(language or remembered.get("language", "en"))
        self.client = client or SupervisorClient(url, token)
        self.url = url
        self.supervisor = ""
        for item in THEMES:
            self.register_theme(item)
        names = {item.name for item in THEMES}
        wanted = theme or remembered.get("theme", "fieldapp-dark")
        self.theme = wanted if wanted in names else "fieldapp-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="board"):
            with TabPane(_("Board"), id="board"):
                yield BoardPane()
            with TabPane(_("Review"), id="review"):
                yield ReviewPane()
            with TabPane(_("Numbers"), id="numbers"):
                yield NumbersPane()
            with TabPane(_("Holds"), id="holds"):
                yield HoldsPane()
        yield Static(_("Connecting to {url}…").format(url=self.url), id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.url
        self.run_worker(self._connect, thread=True, exclusive=True, group="connect")
        # Outcomes keep arriving from the field: look again every minute (and
        # keep trying to sign in while head office cannot be reached).
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def _connect(self) -> None:
        try:
            me = self.client.me()
        except ConsoleError as error:
            message = str(error)
            if error.unreachable:
                message += f" · {_('tries again every minute, or ctrl+r now')}"
            self.call_from_thread(self.report, message, error=True)
            return
        self.call_from_thread(self._connected, me.name, me.today)

    def _connected(self, name: str, today: date) -> None:
        self.supervisor = name
        self.sub_title = f"{name} · {self.url}"
        self.report(_("Signed in as {name}").format(name=name))
        board = self.query_one(BoardPane)
        board.day = board.day or today
        board.query_one("DataTable").focus()
        self.action_refresh()

    def report(self, message: str, error: bool = False) -> None:
        """One line at the bottom: what just happened, or what went wrong."""
        status = self.query_one("#status", Static)
        status.update(plain(message))
        status.set_class(error, "error")

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        pane = {
            "board": BoardPane,
            "review": ReviewPane,
            "numbers": NumbersPane,
            "holds": HoldsPane,
        }[tab]
        self.query_one(pane).query_one("DataTable").focus()

    def action_refresh(self) -> None:
        if not self.supervisor:
            self.run_worker(self._connect, thread=True, exclusive=True, group="connect")
            return
        for pane in (BoardPane, ReviewPane, NumbersPane, HoldsPane):
            self.query_one(pane).load()

    def choose_theme(self, name: str) -> None:
        self.theme = name
        save_settings(theme=name)

    def choose_language(self, code: str) -> None:
        set_language(code)
        save_settings(language=code)
        self.report(_("Language: {name}").format(name=LANGUAGES[code]))
        tabs = self.query_one(TabbedContent)
        for pane_id, title in (
            ("board", N_("Board")),
            ("review", N_("Review")),
            ("numbers", N_("Numbers")),
            ("holds", N_("Holds")),
        ):
            tabs.get_tab(pane_id).label = _(title)
        # Titles and tables are drawn again in the new language.
        self.action_refresh()

    def on_unmount(self) -> None:
        self.client.close()
