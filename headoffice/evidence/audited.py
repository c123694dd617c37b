"""The rows the audit trail keeps whole: each table, its entries' kind, the key and order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from headoffice.store.tables import (
    arrangements,
    corrections,
    deposits,
    instalments,
    outcomes,
    payments,
)


@dataclass(frozen=True)
class Audited:
    """A table whose every row has an entry with each field's hash, compared by the verify."""

    table: sa.Table
    kind: str
    # The column a batch's entries are ordered by (as head office received the rows),
    # before the key; None where the rows carry no moment of their own (instalments).
    received: str | None
    key: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", tuple(c.name for c in self.table.primary_key.columns))

    def subject(self, row: Mapping[str, object]) -> str:
        """The row's id in its entry: its key, parts joined by '#' (instalment ARR#2)."""
        if len(self.key) == 1:
            return str(row[self.key[0]])
        return "#".join(str(row[name]) for name in self.key)

    def order(self, row: Mapping[str, object]) -> tuple:
        """Where the row's entry goes among a batch's: when received, then by key."""
        moment = str(row[self.received]) if self.received else ""
        return (moment, *(row[name] for name in self.key))

    def defaults(self) -> dict[str, object]:
        """Each column as a read-back gives it when an insert left it out."""
        return {c.name: _stored_default(c) for c in self.table.columns}


def _stored_default(column: sa.Column) -> object:
    # The server defaults this schema uses are false() on flags; every other column an
    # insert leaves out is NULL.
    default = column.server_default
    if default is not None and isinstance(column.type, sa.Boolean):
        return str(getattr(default, "arg", "")).lower() in ("true", "1")
    return None


# The rows whose every field the trail keeps. Arrangements and their instalments are
# kept because what a borrower agreed to decides whether a promise was kept; deposits
# because what a collector paid in decides whether cash is missing.
AUDITED: dict[str, Audited] = {
    "outcomes": Audited(outcomes, "outcome", "received_at"),
    "payments": Audited(payments, "payment", "received_at"),
    "corrections": Audited(corrections, "correction", "received_at"),
    "deposits": Audited(deposits, "deposit", "received_at"),
    "arrangements": Audited(arrangements, "arrangement", "created_at"),
    "instalments": Audited(instalments, "instalment", None),
}
