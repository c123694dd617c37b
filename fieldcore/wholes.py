"""Whole numbers as they cross an edge: JSON numbers with no fraction, never text or booleans.

JSON Schema counts 3.0 as an integer, so a generated client may send it; lax
parsing would also take "3" and true, which no client means as a count.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field


def read_whole(value: Any) -> int:
    """An int from an int or a float with no fraction; anything else raises ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("is not a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("is not a whole number")
        return int(value)
    return value


def whole(least: int, most: int) -> Any:
    """A whole number from `least` to `most`, bounds in the schema as `minimum`/`maximum`."""
    # The bounds sit on the int itself, inside the validator: set on the field
    # they would reach the schema under pydantic's own names (`ge`, `le`).
    return Annotated[int, Field(ge=least, le=most), BeforeValidator(read_whole)]
