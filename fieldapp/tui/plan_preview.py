"""The schedule a payment plan makes, shown under the plan's fields as they are typed."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from fieldcore.arrangements import MOST_INSTALMENTS, Every, schedule
from fieldcore.i18n import _, format_day, language
from fieldcore.moments import read_day
from fieldcore.money import format_money, parse_amount

# A long plan shows its first instalments and its last; the count says how many in all.
SHOWN = 6


class PlanPreview(Static):
    """Each instalment's due date and amount, or what is still missing to make them."""

    def __init__(self, currency: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.currency = currency

    def show(self, values: Mapping[str, str | None]) -> None:
        """Draw the schedule `values` (the form's text) make, or say what it still needs."""
        try:
            total = parse_amount(values.get("amount") or "", self.currency, allow_zero=False)
            count = int(values.get("instalments") or "")
            every = Every(values.get("every") or "")
            first = read_day(values.get("first_date") or "")
            parts = schedule(total, count, every, first) if count <= MOST_INSTALMENTS else []
        except ValueError:
            parts = []
        if not parts:
            self.update(_("Fill in the total, the instalments, how often and the first date."))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", style="dim")
        grid.add_column()
        grid.add_column(justify="right")
        where = language()
        shown = parts if len(parts) <= SHOWN + 1 else [*parts[:SHOWN], parts[-1]]
        for part in shown:
            if len(parts) > SHOWN + 1 and part is parts[-1]:
                grid.add_row("…", "", "")
            grid.add_row(
                str(part.number),
                format_day(part.due),
                format_money(part.amount_minor, self.currency, where),
            )
        title = _("The plan: {count} instalments, the last on {day}").format(
            count=len(parts), day=format_day(parts[-1].due)
        )
        self.update(Group(Text(title, style="bold"), grid))
