"""Bulk assignment: pick accounts by region, postal code or stage, and order the route."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.stages import Stage
from headoffice.compliance.breaches import closed_for_visits
from headoffice.compliance.visit_notices import too_soon
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, collectors
from headoffice.work import roster
from headoffice.work.roster import RosterError, Unknown
from headoffice.work.routing import Point, plan_route, route_length

# Days past due that each stage covers, as (fewest, most); None is open-ended.
_STAGE_DAYS = {
    Stage.CURRENT: (None, 0),
    Stage.EARLY: (1, 30),
    Stage.MIDDLE: (31, 90),
    Stage.LATE: (91, None),
}


@dataclass(frozen=True)
class Selection:
    """Which accounts to put on a route: named, or picked by what they have in common."""

    account_ids: tuple[str, ...] = ()
    region: str | None = None
    postal_code: str | None = None  # a prefix: "21" takes 2100 and 2150
    stage: Stage | None = None

    def is_empty(self) -> bool:
        return not (self.account_ids or self.region or self.postal_code or self.stage)


@dataclass(frozen=True)
class Assignment:
    """What was put on the route, in route order."""

    account_ids: list[str]
    km: float | None  # the planned walk, when the order was computed
    without_coordinates: list[str]
    # Left out of a planned route: accounts nobody may visit that day, with the rules.
    not_visitable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # How many of the first stops are follow-ups (a planned day puts them first).
    follow_ups_first: int = 0
    # On the route before their written notice can have reached the borrower: the first
    # day each may be visited. The laptop will refuse the visit before then.
    notice_too_soon: dict[str, date] = field(default_factory=dict)


def select(engine: Engine, selection: Selection, today: date) -> list[str]:
    """The account ids matching the selection, in the portfolio's order (postal code, id)."""
    if selection.is_empty():
        raise RosterError("say which accounts: by id, region, postal code or stage")
    if selection.account_ids:
        return list(selection.account_ids)
    query = sa.select(accounts.c.account_id).order_by(accounts.c.postal_code, accounts.c.account_id)
    # Closed accounts are off the field for good.
    query = query.where(accounts.c.closed_on.is_(None))
    if selection.region:
        query = query.where(sa.func.lower(accounts.c.region) == selection.region.strip().lower())
    if selection.postal_code:
        query = query.where(
            accounts.c.postal_code.startswith(selection.postal_code.strip(), autoescape=True)
        )
    if selection.stage:
        fewest, most = _STAGE_DAYS[Stage(selection.stage)]
        if most is not None:
            query = query.where(accounts.c.oldest_due_date >= today - timedelta(days=most))
        if fewest is not None:
            query = query.where(accounts.c.oldest_due_date <= today - timedelta(days=fewest))
    with engine.connect() as conn:
        found = list(conn.execute(query).scalars())
    if not found:
        raise Unknown("no account matches that selection")
    return found


def assign(
    engine: Engine,
    collector: str,
    visit_date: date,
    selection: Selection,
    today: date,
    optimise: bool = False,
    start: Point | None = None,
    follow_ups: list[str] | None = None,
) -> Assignment:
    """Put the selected accounts on the collector's route, in the given or a computed order.

    A planned (optimised) day takes `follow_ups` first, selected or not: the collector's
    borrowers with a promise or instalment due or missed, walked before the rest.
    """
    account_ids = select(engine, selection, today)
    first = [a for a in follow_ups or [] if optimise]
    account_ids = first + [a for a in account_ids if a not in first]
    km = None
    missing: list[str] = []
    closed: dict[str, tuple[str, ...]] = {}
    if optimise:
        # A planned day holds only the stops that may be visited that day.
        with engine.connect() as conn:
            zone = conn.execute(
                sa.select(collectors.c.timezone).where(collectors.c.name == collector)
            ).scalar()
            closed = closed_for_visits(conn, account_ids, visit_date, zone)
        account_ids = [a for a in account_ids if a not in closed]
        if not account_ids:
            raise RosterError(
                f"none of the {len(closed)} selected account(s) may be visited on {visit_date}"
            )
        first = [a for a in first if a not in closed]
        ahead, km_first, missing_first = _optimised(engine, first, start)
        # The rest of the day's walk starts where the follow-ups ended.
        end = _last_point(engine, ahead) if ahead else start
        rest, km_rest, missing_rest = _optimised(
            engine, [a for a in account_ids if a not in first], end
        )
        # Follow-ups without coordinates still come before the rest of the day.
        account_ids = ahead + rest
        km, missing = km_first + km_rest, missing_first + missing_rest
    roster.assign(engine, collector, visit_date, account_ids)
    with engine.connect() as conn:
        early = too_soon(conn, account_ids, visit_date, today)
    return Assignment(account_ids, km, missing, closed, len(first), early)


def _last_point(engine: Engine, account_ids: list[str]) -> Point | None:
    with engine.connect() as conn:
        for account_id in reversed(account_ids):
            row = conn.execute(
                sa.select(accounts.c.lat, accounts.c.lon).where(accounts.c.account_id == account_id)
            ).first()
            if row is not None and row.lat is not None:
                return (row.lat, row.lon)
    return None


def _optimised(
    engine: Engine, account_ids: list[str], start: Point | None
) -> tuple[list[str], float, list[str]]:
    # Stops without coordinates cannot be placed; they follow the planned walk.
    where: dict[str, Point] = {}
    with engine.connect() as conn:
        for chunk in chunks(account_ids):
            rows = conn.execute(
                sa.select(accounts.c.account_id, accounts.c.lat, accounts.c.lon).where(
                    accounts.c.account_id.in_(chunk)
                )
            )
            where |= {r.account_id: (r.lat, r.lon) for r in rows if r.lat is not None}
    placed = [a for a in account_ids if a in where]
    missing = [a for a in account_ids if a not in where]
    if not placed:
        return account_ids, 0.0, missing
    points = [where[a] for a in placed]
    origin = start or points[0]
    order = plan_route(origin, points)
    return [placed[i] for i in order] + missing, route_length(origin, points, order), missing
