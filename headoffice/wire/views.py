"""The numbers that say what works: roll rates, recovery, promises, collectors, scripts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from headoffice.wire.numbers import Currency, PerCurrency, Share

# A month as YYYY-MM: roll rates, recovery and promises count by calendar month.
Month = str
VIEWS = ("rolls", "recovery", "promises", "collectors", "scripts")
View = Literal["rolls", "recovery", "promises", "collectors", "scripts"]
# What each view may be broken down by (--by); the first is its default, None: no choice.
VIEW_BY: dict[str, tuple[str, ...]] = {
    "rolls": (),
    "recovery": ("stage", "product", "region", "collector"),
    "promises": ("collector", "stage"),
    "collectors": (),
    "scripts": (),
}


class RollRow(BaseModel):
    """Accounts in a stage on the first of a month, and where they were at its end."""

    month: Month
    complete: bool = Field(description="False for the month in progress: its end is today.")
    stage: Literal["early", "middle", "late"]
    accounts: int = Field(description="Open accounts in the stage on the month's first day.")
    cured: int = Field(description="Current, repaid or settled at the month's end.")
    improved: int = Field(description="In an earlier stage, still overdue.")
    stayed: int
    rolled: int = Field(description="In a later stage.")
    closed: int = Field(description="Closed unpaid: written off or sold.")
    cure_rate: Share
    roll_rate: Share


class RecoveryRow(BaseModel):
    """Accounts first assigned in a month: cured by its end, money recovered against overdue."""

    month: Month
    key: str = Field(description="The stage, product, region or collector at assignment.")
    currency: Currency
    accounts: int = Field(description="Overdue accounts with a visit assigned in the month.")
    cured: int
    cure_rate: Share
    overdue_minor: int = Field(description="Overdue at assignment, in minor units.")
    recovered_minor: int = Field(description="Paid from assignment to the month's end.")
    recovery_rate: float = Field(ge=0, description="recovered / overdue (may pass 1).")


class PromiseRow(BaseModel):
    """Promises made in a month, judged today; and how soon a first visit brought money."""

    month: Month
    key: str = Field(description="The collector who took the promise, or the stage then.")
    currency: Currency
    taken: int
    kept: int
    partly_kept: int
    broken: int
    open: int
    replaced: int
    promised_minor: int
    kept_minor: int = Field(description="What reached the promises by their dates.")
    kept_rate: Share = Field(description="kept / (kept + partly kept + broken).")
    first_visits: int = Field(description="Accounts whose first outcome fell in the month.")
    paid_after_first_visit: int = Field(description="Of those, accounts that paid since.")
    days_to_first_payment: float | None = Field(
        description="Median days from the first visit to the first payment after it."
    )


class CollectorRow(BaseModel):
    """A collector's efficiency over the period."""

    collector: str
    days_worked: int = Field(description="UTC days with at least one outcome.")
    visits: int
    visits_per_day: float
    contacts: int
    contact_rate: Share = Field(description="Right-party contacts per visit.")
    promises_taken: int
    promises_kept: int
    promises_kept_per_visit: float
    collected: PerCurrency = Field(description="Field and bank money, per currency.")
    money_per_visit: PerCurrency = Field(description="collected / visits, whole minor units.")
    policy_breaches: int
    policy_overrides: int


class ScriptRow(BaseModel):
    """Outcomes recorded with a script version, by the highest escalation step reached."""

    script_id: str
    version: int
    step: int = Field(description="The highest escalation step reached (0: none).")
    outcomes: int
    contacts: int
    promises: int
    paid: int
    won: int = Field(description="Money taken, or a promise or plan kept in full so far.")
    won_rate: Share


class ScriptComparison(BaseModel):
    """Two versions of a script on accounts of one stage: the challenger against the champion."""

    script_id: str
    stage: str
    champion: int = Field(description="The older version.")
    challenger: int
    champion_outcomes: int
    challenger_outcomes: int
    champion_rate: Share
    challenger_rate: Share
    difference: float = Field(description="challenger_rate - champion_rate.")
    low: float = Field(description="The difference's 95% confidence interval, low end.")
    high: float


class ViewWire(BaseModel):
    """One view of the numbers over a period: its rows, and for scripts the comparisons."""

    view: View
    by: str | None
    since: date
    until: date
    rows: (
        list[RollRow] | list[RecoveryRow] | list[PromiseRow] | list[CollectorRow] | list[ScriptRow]
    )
    comparisons: list[ScriptComparison] = []
