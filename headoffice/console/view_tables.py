"""The views of what works in the console: each one's columns, and the plot that goes with it."""

from __future__ import annotations

from typing import Any

from fieldcore.i18n import N_, _, language
from fieldcore.labels import label
from fieldcore.money import format_money
from headoffice.wire.views import ViewWire

# The console's order of the numbers: the period's figures, then each view of what works.
VIEWS = ("figures", "rolls", "recovery", "promises", "collectors", "scripts")
VIEW_TITLES = {
    "figures": N_("Figures"),
    "rolls": N_("Roll rates"),
    "recovery": N_("Cure and recovery"),
    "promises": N_("Promises"),
    "collectors": N_("Collector efficiency"),
    "scripts": N_("What works: scripts"),
}
# Each view's columns: the field and its title; money in minor units ends in _minor.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "rolls": (
        ("month", N_("Month")), ("stage", N_("Stage")), ("accounts", N_("Accounts")),
        ("cured", N_("Cured")), ("improved", N_("Improved")), ("stayed", N_("Stayed")),
        ("rolled", N_("Rolled")), ("closed", N_("Closed unpaid")),
        ("cure_rate", N_("Cure rate")), ("roll_rate", N_("Roll rate")),
    ),
    "recovery": (
        ("month", N_("Month")), ("key", N_("Group")), ("accounts", N_("Accounts")),
        ("cured", N_("Cured")), ("cure_rate", N_("Cure rate")),
        ("overdue_minor", N_("Overdue at assignment")), ("recovered_minor", N_("Recovered")),
        ("recovery_rate", N_("Recovery rate")),
    ),
    "promises": (
        ("month", N_("Month")), ("key", N_("Group")), ("taken", N_("Promises")),
        ("kept", N_("Kept")), ("partly_kept", N_("Partly kept")), ("broken", N_("Broken")),
        ("open", N_("Open")), ("kept_minor", N_("Amount kept")), ("kept_rate", N_("Kept rate")),
        ("first_visits", N_("First visits")), ("days_to_first_payment", N_("Days to pay")),
    ),
    "collectors": (
        ("collector", N_("Collector")), ("days_worked", N_("Days")),
        ("visits_per_day", N_("Visits a day")), ("contact_rate", N_("Contact rate")),
        ("money_per_visit", N_("Money per visit")),
        ("promises_kept_per_visit", N_("Kept promises per visit")),
        ("policy_breaches", N_("Breaches")),
    ),
    "scripts": (
        ("script_id", N_("Script")), ("version", N_("Version")), ("step", N_("Step")),
        ("outcomes", N_("Outcomes")), ("contacts", N_("Contacts")),
        ("promises", N_("Promises")), ("paid", N_("Paid")), ("won_rate", N_("Won")),
    ),
}  # fmt: skip


def cells(view: str, row: Any) -> list[str]:
    """A row of the view as the table shows it, in the supervisor's language."""
    values = row.model_dump()
    found = []
    for name, _title in COLUMNS[view]:
        value = values[name]
        if value is None:
            found.append("–")
        elif name.endswith("_minor"):
            found.append(format_money(value, values["currency"], language()))
        elif isinstance(value, dict):
            found.append(
                ", ".join(format_money(m, c, language()) for c, m in sorted(value.items())) or "–"
            )
        elif name.endswith("_rate"):
            found.append(f"{value:.0%}")
        elif name == "stage" or (name == "key" and value in ("early", "middle", "late")):
            found.append(label(value))
        else:
            found.append(str(value))
    return found


def plot_view(plt, document: ViewWire) -> str:
    """Draw the view's picture on a plotext figure; its title."""
    rows = document.rows
    months = sorted({r.month for r in rows}) if document.view in _MONTHLY else []
    # Lines over months at 0, 1, 2... with the months as ticks: plotext would read text on
    # a line plot's axis as dates in its own format.
    places = list(range(len(months)))
    if document.view == "rolls":
        for stage in ("early", "middle", "late"):
            mine = {r.month: r.roll_rate for r in rows if r.stage == stage}
            if mine:
                plt.plot(places, [100 * mine.get(m, 0) for m in months], label=label(stage))
        plt.xticks(places, months)
        return _("Roll rate by month and stage, %")
    if document.view == "recovery":
        # A line per currency: amounts in two currencies are never added up.
        for currency in sorted({r.currency for r in rows}):
            mine = [r for r in rows if r.currency == currency]
            rates = [
                100
                * _ratio(
                    sum(r.recovered_minor for r in mine if r.month == m),
                    sum(r.overdue_minor for r in mine if r.month == m),
                )
                for m in months
            ]
            plt.plot(places, rates, label=currency)
        plt.xticks(places, months)
        return _("Money recovered against overdue at assignment, by month, %")
    if document.view == "promises":
        if months:
            plt.multiple_bar(
                months,
                [
                    [sum(r.kept for r in rows if r.month == m) for m in months],
                    [sum(r.broken for r in rows if r.month == m) for m in months],
                ],
                labels=[_("Kept"), _("Broken")],
            )
        return _("Promises kept and broken, by month made")
    if document.view == "collectors":
        if rows:
            plt.bar([r.collector for r in rows], [r.visits_per_day for r in rows])
        return _("Visits a day, by collector")
    versions = [f"{r.script_id} v{r.version}·{r.step}" for r in rows]
    if versions:
        plt.bar(versions, [100 * r.won_rate for r in rows])
    return _("Outcomes won, by script version and step, %")


_MONTHLY = ("rolls", "recovery", "promises")


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
