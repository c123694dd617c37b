"""Closing an account over the supervisor API: the request and what was done."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from fieldcore.keeping import CloseReason
from fieldcore.text import Said
from sync.protocol import Wire as _Strict


class CloseRequest(_Strict):
    """Close an account: why, and what happened."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "settled", "note": "Settled for 80% on 20 November."}]
        }
    )

    reason: CloseReason
    note: Annotated[Said, Field(max_length=2000)] = ""


class ClosedAccount(BaseModel):
    """An account closed: off every route for good, its retention period running."""

    account_id: str
    reason: CloseReason
    closed_on: date
    closed_by: str
    # Visits taken off collectors' routes by the close (laptops drop them at their next sync).
    visits_recalled: int
