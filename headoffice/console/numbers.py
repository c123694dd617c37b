"""The numbers: the period's figures with a plot by day, and each view of what works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from fieldcore.i18n import N_, _, language
from fieldcore.labels import label
from fieldcore.money import format_money
from fieldkit.plain import plain_cells
from headoffice.console.client import ConsoleError
from headoffice.console.view_tables import COLUMNS, VIEW_TITLES, VIEWS, cells, plot_view
from headoffice.wire import UNASSIGNED, FiguresWire, NumbersWire
from headoffice.wire.views import ViewWire

GROUPINGS = ("collector", "stage", "day")
_GROUP_LABELS = {"collector": N_("Collector"), "stage": N_("Stage"), "day": N_("Day")}


class NumbersPane(Vertical):
    """A table grouped by collector, stage or day, and the last two weeks plotted by day."""

    BINDINGS = [
        Binding("g", "group", N_("Group by")),
        Binding("v", "next_view", N_("Next view")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.by = "collector"
        # The period's figures, or one of the views of what works (docs/NUMBERS.md).
        self.view = "figures"

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the numbers…"), id="numbers-title", classes="pane-title")
        yield DataTable(id="numbers-table", cursor_type="row", zebra_stripes=True)
        yield PlotextPlot(id="numbers-plot")

    def load(self) -> None:
        self.run_worker(self._fetch, thread=True, exclusive=True, group="numbers")

    def _fetch(self) -> None:
        view = self.view
        try:
            if view == "figures":
                found = self.app.client.numbers(self.by)
            else:
                document = self.app.client.view(view)
        except ConsoleError as error:
            self.app.call_from_thread(self.app.report, str(error), error=True)
            return
        if view == "figures":
            self.app.call_from_thread(self.show, found)
        else:
            self.app.call_from_thread(self.show_view, document)

    def show_view(self, document: ViewWire) -> None:
        """One view of what works: its table, and its plot below."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for _name, title in COLUMNS[document.view]:
            table.add_column(_(title))
        for row in document.rows:
            table.add_row(*plain_cells(*cells(document.view, row)))
        self.query_one("#numbers-title", Static).update(
            _("{view} from {since} to {until}").format(
                view=_(VIEW_TITLES[document.view]),
                since=document.since.isoformat(),
                until=document.until.isoformat(),
            )
        )
        plot = self.query_one(PlotextPlot)
        plot.plt.clear_data()
        plot.plt.clear_figure()
        plot.plt.title(plot_view(plot.plt, document))
        plot.refresh()

    def show(self, found: NumbersWire) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        # What a supervisor reads first comes first, the money included, so the table
        # says it before it scrolls sideways; the money columns (field + bank = total,
        # side by side) fit their widest amount.
        for title, width in (
            (_(_GROUP_LABELS[found.by]), 14), (_("Visits"), 7), (_("Contact rate"), 12),
            (_("In the field"), None), (_("Bank payments"), None), (_("Total collected"), None),
            (_("Amount kept"), None),
            (_("Promises"), 9), (_("Plans"), None), (_("Instalments due"), None),
            (_("Kept"), 6), (_("Partly kept"), None), (_("Broken"), 7), (_("Open"), None),
            (_("With fix"), None), (_("Within distance"), None),
            (_("Breaches"), 8), (_("Overrides"), 9),
        ):  # fmt: skip
            table.add_column(title, width=width)
        for row in [*found.rows, found.total]:
            key = label(row.key) if found.by == "stage" else row.key
            if found.by == "collector" and row.key == UNASSIGNED:
                key = _("unassigned")
            if row is found.total:
                key = _("Total")
            table.add_row(
                *plain_cells(
                    key,
                    row.visits,
                    f"{row.contact_rate:.0%}",
                    *_money_lines(row),
                    _kept_lines(row),
                    row.promises_taken,
                    row.plans_taken,
                    row.instalments_due,
                    row.instalments_kept,
                    row.instalments_partly_kept,
                    row.instalments_broken,
                    row.instalments_open,
                    # No share where nothing could be counted: a dash, not 0 %.
                    f"{row.fix_rate:.0%}" if row.door_visits else "–",
                    f"{row.within_distance_rate:.0%}" if row.visits_measured else "–",
                    row.policy_breaches,
                    row.policy_overrides,
                ),
                height=max(1, len(row.collected), len(row.amount_due)),
            )
        self.query_one("#numbers-title", Static).update(
            _("Numbers from {since} to {until}, by {by}").format(
                since=found.since.isoformat(),
                until=found.until.isoformat(),
                by=_(_GROUP_LABELS[found.by]).lower(),
            )
        )
        self._plot(found)

    def _plot(self, found: NumbersWire) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [row.key[5:] for row in found.days]  # MM-DD
        if labels:
            plt.multiple_bar(
                labels,
                [
                    [row.visits for row in found.days],
                    [row.contacts for row in found.days],
                    [row.promises_taken + row.plans_taken for row in found.days],
                ],
                labels=[_("Visits"), _("Contacts"), _("Promises and plans")],
            )
        plt.title(_("Visits, contacts, promises and plans by day"))
        plot.refresh()

    def action_group(self) -> None:
        if self.view != "figures":
            self.app.report(_("Group by works on the figures; press v for them."))
            return
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.load()

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.load()


def _kept_lines(row: FiguresWire) -> str:
    """What reached the instalments due by their dates and its share of them, a currency a
    line."""
    return (
        "\n".join(
            f"{format_money(row.amount_kept.get(currency, 0), currency, language())}"
            f" · {row.kept_share.get(currency, 0):.0%}"
            for currency in sorted(row.amount_due)
        )
        or "–"
    )


def _money_lines(row: FiguresWire) -> list[str]:
    """Field, bank and total cells, a line per currency: field + bank = total on each line."""
    currencies = sorted(row.collected)
    return [
        "\n".join(
            format_money(part[currency], currency, language()) if currency in part else "–"
            for currency in currencies
        )
        or "–"
        for part in (row.collected_field, row.collected_bank, row.collected)
    ]
