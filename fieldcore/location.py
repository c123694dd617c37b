"""Where a visit happened as a GPS receiver saw it: a fix, or why there is none; distances."""

from __future__ import annotations

import math
from datetime import UTC
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from fieldcore.moments import Moment
from fieldcore.text import Line
from fieldcore.wholes import whole

# The mean Earth radius (IUGG): haversine on a sphere is within 0.5 % of the ellipsoid,
# far finer than a door-to-door question needs.
EARTH_RADIUS_M = 6_371_008.8
LONGEST_NOTE = 200

# Strict: these travel in every push, and "55.6" or true is not a coordinate.
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]
# Stored in UTC, as every moment is; a receiver's offset says nothing about the visit.
FixedAt = Annotated[Moment, AfterValidator(lambda moment: moment.astimezone(UTC))]


class Fix(BaseModel):
    """One position from the receiver: degrees, its horizontal error, when and in how many
    dimensions (2: no altitude, 3: with it) it was fixed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lat: Latitude
    lon: Longitude
    # The receiver's own estimate of the horizontal error; some say nothing.
    accuracy_m: float | None = Field(default=None, ge=0, allow_inf_nan=False, strict=True)
    fixed_at: FixedAt
    # 2: no altitude; 3: with it. A whole number however JSON spells it (2 or 2.0), as the
    # API's document allows.
    mode: whole(2, 3)


FixStatus = Literal["fix", "no_fix", "no_receiver"]


def _fix_when_fixed(schema: dict) -> None:
    # The rule the validator holds, in the schema too, so a client can see it.
    schema["oneOf"] = [
        {
            "properties": {"status": {"const": "fix"}, "fix": {"type": "object"}},
            "required": ["status", "fix"],
        },
        {
            "properties": {"status": {"enum": ["no_fix", "no_receiver"]}, "fix": {"type": "null"}},
            "required": ["status"],
        },
    ]


class FixResult(BaseModel):
    """What the laptop knew of its position when an outcome was saved: a fix, or why not.

    Nested rather than flat, so `result.fix` is a whole Fix whenever status is "fix"
    and nothing otherwise; `model_dump(mode="json")` is what an outcome's details keep.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_fix_when_fixed)

    status: FixStatus
    fix: Fix | None = None
    # Why there is no fix, in words for a supervisor or a log: never shown as a rule.
    note: Line | None = Field(default=None, max_length=LONGEST_NOTE)

    @model_validator(mode="after")
    def _fix_only_when_fixed(self) -> Self:
        if (self.status == "fix") != (self.fix is not None):
            raise ValueError('a fix is given exactly when status is "fix"')
        return self

    @classmethod
    def fixed(cls, fix: Fix) -> FixResult:
        """The result of a read that got a fix."""
        return cls(status="fix", fix=fix)

    @classmethod
    def without(cls, status: Literal["no_fix", "no_receiver"], note: str) -> FixResult:
        """The result of a read that got none, and why (cut to the note's length)."""
        return cls(status=status, note=note[:LONGEST_NOTE])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points in degrees (haversine)."""
    for lat, lon in ((lat1, lon1), (lat2, lon2)):
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"({lat}, {lon}) is not a latitude -90..90 and longitude -180..180")
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # min(): rounding can put a hair above 1 for antipodes, where asin is undefined.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
