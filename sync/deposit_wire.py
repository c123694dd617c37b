"""A deposit on the wire: what the collector paid in at the bank, pushed like an outcome."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldcore.moments import Moment
from fieldcore.text import Line
from fieldcore.wholes import whole


class DepositPayload(BaseModel):
    """One deposit: its own id, the amount in minor units, the bank's slip, and when."""

    model_config = ConfigDict(extra="forbid")

    id: Line = Field(min_length=1, max_length=64)
    amount_minor: whole(1, 10**15)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    slip: Line = Field(min_length=1, max_length=60)
    deposited_at: Moment
    recorded_at: Moment


class RecordDeposit(BaseModel):
    """One deposit, with a mutation id made on the laptop so a retry is recognised."""

    model_config = ConfigDict(extra="forbid")

    id: Line = Field(min_length=1, max_length=64)
    kind: Literal["record_deposit"]
    payload: DepositPayload
