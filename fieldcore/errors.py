"""Field-level validation errors that say what is wrong and where, for forms, CLIs and files."""

from __future__ import annotations

from pydantic import ValidationError


class FieldErrors(ValueError):
    """One or more fields refused, each with a reason a collector or supervisor can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors.items()))


def from_validation_error(error: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: reason}, first reason per field, without pydantic jargon."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "input"
        message = item["msg"]
        # Our own ValueErrors arrive as "Value error, <reason>": keep only the reason.
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a known field"
        found.setdefault(field, message)
    return found
