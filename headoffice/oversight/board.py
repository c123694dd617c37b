"""The assignment board: the team's day at a glance, and one collector's route in full."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.stages import days_past_due, stage_for
from headoffice.oversight.follow_ups import due_follow_ups
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, collectors, outcomes, visits
from headoffice.wire import Board, CollectorRoute, Stop, TeamRow


def board(engine: Engine, day: date, today: date, collector: str | None = None) -> Board:
    """Routes of `day` by collector (every collector, even with nothing assigned), or one's."""
    with engine.connect() as conn:
        query = sa.select(collectors.c.name).order_by(collectors.c.name)
        if collector is not None:
            query = query.where(collectors.c.name == collector)
        names = list(conn.execute(query).scalars())
        if collector is not None and not names:
            raise LookupError(f"no collector called {collector!r}")
        stops = (
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
        )
        if collector is not None:
            stops = stops.where(collectors.c.name == collector)
        rows = conn.execute(stops).all()
        latest: dict[str, str] = {}
        for chunk in chunks(row.visit_id for row in rows):
            found = conn.execute(
                sa.select(outcomes.c.visit_id, outcomes.c.outcome)
                .where(outcomes.c.visit_id.in_(chunk))
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


def team(engine: Engine, day: date) -> list[TeamRow]:
    """One line per collector for `day`: visits, how many have an outcome, where."""
    with engine.connect() as conn:
        visited = (
            sa.select(outcomes.c.visit_id).where(outcomes.c.visit_id == visits.c.visit_id).exists()
        )
        rows = conn.execute(
            sa.select(
                collectors.c.name,
                visits.c.visit_id,
                sa.case((visited, 1), else_=0).label("done"),
                accounts.c.region,
            )
            .select_from(collectors)
            .outerjoin(
                visits,
                sa.and_(
                    visits.c.collector_id == collectors.c.collector_id,
                    visits.c.visit_date == day,
                    visits.c.status == "assigned",
                ),
            )
            .outerjoin(accounts, accounts.c.account_id == visits.c.account_id)
            .order_by(collectors.c.name)
        ).all()
        due = {name: len(due_follow_ups(conn, name, day)) for name in {row.name for row in rows}}
    found: dict[str, TeamRow] = {}
    for row in rows:
        line = found.setdefault(
            row.name,
            TeamRow(collector=row.name, visits=0, done=0, regions=[], follow_ups=due[row.name]),
        )
        if row.visit_id is None:
            continue
        line.visits += 1
        line.done += row.done
        if row.region and row.region not in line.regions:
            line.regions.append(row.region)
    return list(found.values())
