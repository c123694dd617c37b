"""The supervisor API's referrals: an account sent to court or an agency, and taken back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldcore.text import Said
from sync.protocol import Wire as _Strict


class ReferralRequest(_Strict):
    """Send an account to court (legal) or to a collection agency, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"destination": "legal", "note": "Three promises broken since August."}]
        }
    )

    destination: Literal["legal", "agency"]
    note: Annotated[Said, Field(max_length=2000)] = ""


class WithdrawRequest(_Strict):
    """Bring a referred account back to the field, and why."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Settled with the lawyers; back to the field."}]}
    )

    note: Annotated[Said, Field(max_length=2000)] = ""


class ReferralInfo(BaseModel):
    """A referral: where the account went, when, by whom, and the pack kept with it."""

    id: int
    account_id: str
    destination: str
    note: str
    referred_by: str
    referred_at: datetime
    state: Literal["referred", "withdrawn"]
    events: int
    pack_sha256: str
