"""The numbers' messages: one group's figures, and a period's figures by group and by day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
# Money per currency: ISO 4217 code -> amount in minor units (cents, øre, fen).
PerCurrency = Annotated[
    dict[Currency, Annotated[int, Field(ge=0)]],
    Field(examples=[{"DKK": 42050}], json_schema_extra={"additionalProperties": False}),
]
# A share per currency, from 0 to 1: amounts in two currencies are never added up.
SharePerCurrency = Annotated[
    dict[Currency, Annotated[float, Field(ge=0, le=1)]],
    Field(examples=[{"DKK": 0.75}], json_schema_extra={"additionalProperties": False}),
]
Share = Annotated[float, Field(ge=0, le=1)]

# The collector key of bank payments no collector's route explains, and of plans
# head office made with no collector.
UNASSIGNED = "unassigned"


class FiguresWire(BaseModel):
    """One group's figures: a collector (or `unassigned`), a stage, a day, or the total.

    docs/NUMBERS.md defines each figure.
    """

    key: str
    visits: int = Field(description="Outcomes recorded in the period, at the door or not.")
    contacts: int
    contact_rate: Share
    door_visits: int = Field(description="Visits at the door (not calls): what a fix proves.")
    visits_with_fix: int = Field(description="Door visits saved with a GPS fix.")
    fix_rate: Share = Field(description="visits_with_fix / door_visits (0 without visits).")
    visits_measured: int = Field(
        description="Door visits with a fix at an account with coordinates: their distance "
        "from the address is known."
    )
    visits_within_distance: int = Field(
        description="Measured visits no farther from the address than the policy's distance."
    )
    within_distance_rate: Share = Field(
        description="visits_within_distance / visits_measured (0 when none was measured)."
    )
    promises_taken: int = Field(description="Promises made in the period.")
    promises_kept: int = Field(description="Of those, paid in full by their date.")
    promises_partly_kept: int = Field(description="Of those, due and passed with part paid.")
    promises_broken: int = Field(description="Of those, due and passed with nothing paid.")
    plans_taken: int = Field(description="Payment plans made in the period.")
    instalments_due: int = Field(
        description="Instalments of the period's promises and plans that are settled: kept, "
        "partly kept or broken (the sum of the three)."
    )
    instalments_kept: int
    instalments_partly_kept: int
    instalments_broken: int
    instalments_open: int = Field(description="Not yet due and not yet paid in full.")
    instalments_replaced: int = Field(
        description="Taken over by a newer promise or plan before they fell due: not broken."
    )
    amount_due: PerCurrency = Field(description="The amounts of the instalments due.")
    amount_kept: PerCurrency = Field(
        description="What reached the instalments due by their dates (kept in full, or the "
        "part of a partly kept one)."
    )
    amount_open: PerCurrency = Field(description="The amounts of the open instalments.")
    kept_share: SharePerCurrency = Field(description="amount_kept / amount_due, per currency.")
    policy_breaches: int = Field(
        description="Contacts the contact policy blocks that head office found on arrival "
        "(another collector's attempt, a hold the laptop did not have yet)."
    )
    policy_overrides: int = Field(
        description="Contacts the policy blocks that the collector recorded with a reason."
    )
    collected_field: PerCurrency = Field(
        description="Taken in the field: `paid` outcomes recorded in the period."
    )
    collected_bank: PerCurrency = Field(
        description="Paid in the period through core banking's imported payment files."
    )
    collected: PerCurrency = Field(
        description="All money collected: collected_field and collected_bank added up."
    )


class NumbersWire(BaseModel):
    by: Literal["collector", "stage", "day"]
    since: date
    until: date
    rows: list[FiguresWire]
    total: FiguresWire
    # Always by day as well, for the console's plot.
    days: list[FiguresWire]
