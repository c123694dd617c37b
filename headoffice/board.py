"""The assignment board: every collector's route for a day, with what came back."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldapp.domain.stages import days_past_due, stage_for
from headoffice.db import accounts, collectors, outcomes, visits
from headoffice.wire import Board, CollectorRoute, Stop


def board(engine: Engine, day: date, today: date) -> Board:
    """Routes of `day` by collector (every collector, even with nothing assigned)."""
    with engine.connect() as conn:
        names = list(
            conn.execute(sa.select(collectors.c.name).order_by(collectors.c.name)).scalars()
        )
        rows = conn.execute(
            sa.select(
                visits.c.visit_id,
                visits.c.sequence,
                collectors.c.name.label("collector"),
                accounts.c.account_id,
                accounts.c.borrower_name,
                accounts.c.postal_code,
                accounts.c.region,
                accounts.c.oldest_due_date,
            )
            .join(accounts, accounts.c.account_id == visits.c.account_id)
            .join(collectors, collectors.c.collector_id == visits.c.collector_id)
            .where(visits.c.visit_date == day, visits.c.status == "assigned")
            .order_by(collectors.c.name, visits.c.sequence)
        ).all()
        latest: dict[str, str] = {}
        ids = [row.visit_id for row in rows]
        for start in range(0, len(ids), 500):
            found = conn.execute(
                sa.select(outcomes.c.visit_id, outcomes.c.outcome)
                .where(outcomes.c.visit_id.in_(ids[start : start + 500]))
                .order_by(outcomes.c.recorded_at)
            )
            latest |= {row.visit_id: row.outcome for row in found}
    routes = {name: CollectorRoute(collector=name, stops=[]) for name in names}
    for row in rows:
        routes[row.collector].stops.append(
            Stop(
                account_id=row.account_id,
                borrower_name=row.borrower_name,
                postal_code=row.postal_code,
                region=row.region,
                stage=stage_for(days_past_due(row.oldest_due_date, today)),
                sequence=row.sequence,
                outcome=latest.get(row.visit_id),
            )
        )
    return Board(date=day, routes=list(routes.values()))
