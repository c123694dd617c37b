"""A collector's correction of a borrower's phone, address or e-mail, checked before saving."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from fieldcore.errors import FieldErrors

CONTACT_FIELDS = ("phone", "address", "email")


class Correction(BaseModel):
    """A correction as the laptop keeps it; `base_value` is what the screen showed."""

    model_config = ConfigDict(frozen=True)

    id: str
    account_id: str
    field: str
    value: str
    base_value: str | None
    recorded_at: datetime
    # Head office's value now, when it is neither the base nor the correction.
    conflict_with: str | None = None
    synced: bool = False


def check_correction(field: str, value: str) -> str:
    """The cleaned value, or FieldErrors naming the field and what is wrong with it."""
    value = (value or "").strip()
    if field not in CONTACT_FIELDS:
        raise FieldErrors({"field": f"{field!r} is not one of {', '.join(CONTACT_FIELDS)}"})
    if not value:
        raise FieldErrors({field: "the new value is empty"})
    if len(value) > (500 if field == "address" else 200):
        raise FieldErrors({field: "is too long"})
    if field == "phone" and not all(ch.isdigit() or ch in "+-() ." for ch in value):
        raise FieldErrors({field: f"{value!r} is not a phone number"})
    if field == "email" and ("@" not in value or " " in value):
        raise FieldErrors({field: f"{value!r} is not an e-mail address"})
    return value
