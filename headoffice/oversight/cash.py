"""Cash taken at doors against cash paid in at the bank, per collector and currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.deposits import CASH_DAYS, CashHeld, cash_held, working_days
from headoffice.store.db import utc
from headoffice.store.tables import collectors, deposits, outcomes


@dataclass(frozen=True)
class CashLine:
    """One collector's cash in one currency on `today`, and whether it needs a supervisor."""

    collector: str
    collector_id: int
    currency: str
    held: CashHeld
    age_days: int  # working days since the oldest cash still held was taken
    too_old: bool
    short: bool


def cash_lines(conn: Connection, today: date, days: int = CASH_DAYS) -> list[CashLine]:
    """Every collector with cash taken or paid in, by name and currency."""
    cash: dict[tuple[int, str], list[tuple[datetime, int]]] = {}
    paid_in: dict[tuple[int, str], list[tuple[datetime, int]]] = {}
    for row in conn.execute(
        sa.select(
            outcomes.c.collector_id,
            outcomes.c.currency,
            outcomes.c.recorded_at,
            outcomes.c.amount_minor,
        ).where(outcomes.c.outcome == "paid", outcomes.c.method == "cash")
    ):
        cash.setdefault((row.collector_id, row.currency), []).append(
            (utc(row.recorded_at), row.amount_minor)
        )
    for row in conn.execute(
        sa.select(
            deposits.c.collector_id,
            deposits.c.currency,
            deposits.c.deposited_at,
            deposits.c.amount_minor,
        )
    ):
        paid_in.setdefault((row.collector_id, row.currency), []).append(
            (utc(row.deposited_at), row.amount_minor)
        )
    names = dict(conn.execute(sa.select(collectors.c.collector_id, collectors.c.name)).all())
    found = []
    for key in sorted(set(cash) | set(paid_in), key=lambda k: (names.get(k[0], ""), k[1])):
        held = cash_held(cash.get(key, []), paid_in.get(key, []))
        age = working_days(held.oldest_held, today) if held.oldest_held else 0
        found.append(
            CashLine(
                collector=names.get(key[0], ""),
                collector_id=key[0],
                currency=key[1],
                held=held,
                age_days=age,
                too_old=held.held_minor > 0 and age > days,
                short=held.shortfall_minor > 0,
            )
        )
    return found
