"""Recording promises and plans as arrangements: instalments, and the older ones replaced.

Arrangements and instalments are rows the audit trail keeps whole: each is entered as
it is stored, and again as a newer arrangement replaces it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.arrangements import Every, Instalment, schedule
from headoffice.evidence.trail import AUDITED, record_rows
from headoffice.store.tables import arrangements, instalments


def agreement_rows(outcome: dict, received_at: datetime) -> list[tuple[sa.Table, dict]]:
    """The arrangement a `promise` or `plan` outcome row makes, keyed by the outcome's id.

    A promise is one instalment; a plan its total split by the kernel's schedule.
    """
    amount = outcome["amount_minor"]
    if outcome["outcome"] == "plan":
        details = json.loads(outcome["details"] or "{}")
        count, every, first = (details.get(k) for k in ("instalments", "every", "first_date"))
        if not (amount and count and every and first):
            return []
        parts = schedule(amount, count, Every(every), date.fromisoformat(first))
    elif outcome["promise_date"] is None or amount is None:
        return []
    else:
        parts, every = [Instalment(1, outcome["promise_date"], amount)], None
    return arrangement_rows(
        arrangement_id=outcome["id"],
        kind=outcome["outcome"],
        account_id=outcome["account_id"],
        collector_id=outcome["collector_id"],
        made_on=_utc_day(outcome["recorded_at"]),
        currency=outcome["currency"],
        parts=parts,
        every=every,
        created_at=received_at,
    )


def arrangement_rows(
    *,
    arrangement_id: str,
    kind: str,
    account_id: str,
    collector_id: int | None,
    made_on: date,
    currency: str,
    parts: list[Instalment],
    every: str | None,
    created_at: datetime,
) -> list[tuple[sa.Table, dict]]:
    """The rows of an arrangement and its instalments, to insert in the caller's transaction."""
    head = {
        "id": arrangement_id,
        "account_id": account_id,
        "kind": kind,
        "collector_id": collector_id,
        "made_on": made_on,
        "currency": currency,
        "total_minor": sum(p.amount_minor for p in parts),
        "every": every,
        "created_at": created_at,
    }
    rows: list[tuple[sa.Table, dict]] = [(arrangements, head)]
    for part in parts:
        rows.append(
            (
                instalments,
                {
                    "arrangement_id": arrangement_id,
                    "number": part.number,
                    "account_id": account_id,
                    "currency": currency,
                    "made_on": made_on,
                    "due": part.due,
                    "amount_minor": part.amount_minor,
                },
            )
        )
    return rows


def replace_older(conn: Connection, made: list[tuple[str, str, date]]) -> None:
    """Each new (arrangement id, account, day made), in the order they were made, takes over
    from the account's older ones: payments from that day count toward the new one only.

    Each row replaced is entered in the audit trail again, as it now stands.
    """
    for index, (arrangement_id, account_id, made_on) in enumerate(made):
        newer = [arrangement_id, *(m[0] for m in made[index + 1 :] if m[1] == account_id)]
        for table, key in (
            (arrangements, arrangements.c.id),
            (instalments, instalments.c.arrangement_id),
        ):
            replaced = conn.execute(
                table.update()
                .where(
                    table.c.account_id == account_id,
                    key.not_in(newer),
                    table.c.made_on <= made_on,
                    table.c.replaced_on.is_(None),
                )
                .values(replaced_on=made_on)
                # The rows as they now stand, for their entries, without reading them again.
                .returning(*table.c)
            )
            rows = [dict(row._mapping) for row in replaced]
            kind = f"{AUDITED[table.name].kind} replaced"
            record_rows(conn, table.name, [], stored=rows, kind=kind)


def store_arrangement(conn: Connection, rows: list[tuple[sa.Table, dict]]) -> None:
    """Insert an arrangement's rows (arrangement_rows) with their audit-trail entries, and
    let it take over from the account's older ones."""
    for table, row in rows:
        conn.execute(table.insert().values(**row))
    for table in (arrangements, instalments):
        stored = [row for t, row in rows if t is table]
        record_rows(conn, table.name, [], stored=stored)
    if rows:
        head = rows[0][1]
        replace_older(conn, [(head["id"], head["account_id"], head["made_on"])])


def record_promise(conn: Connection, outcome: dict, received_at: datetime) -> None:
    """Store a promise outcome's arrangement now, as a push does (the demos' seeds)."""
    store_arrangement(conn, agreement_rows(outcome, received_at))


def _utc_day(moment: datetime) -> date:
    # The UTC day, as a payment from the field is dated (SQLite keeps times naive, in UTC).
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
