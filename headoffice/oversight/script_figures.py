"""What works: outcomes by script, version and escalation step, and two versions compared."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine

from fieldcore.arrangements import ArrangementState
from fieldcore.outcomes import RIGHT_PARTY_CONTACTS
from headoffice.ledger.history import days_between, stage_of_days
from headoffice.ledger.judging import judged_instalments
from headoffice.store.db import utc_date
from headoffice.store.tables import account_history, outcomes
from headoffice.wire.views import ScriptComparison, ScriptRow

# The normal distribution's 97.5th percentile: a two-sided 95% interval.
_Z = 1.959964


def script_figures(
    engine: Engine, since: date, until: date, today: date
) -> tuple[list[ScriptRow], list[ScriptComparison]]:
    """The period's outcomes recorded with a call script, by script, version and the highest
    step reached; and for each script and stage, its newest version against the one before
    (docs/NUMBERS.md)."""
    with engine.connect() as conn:
        kept = _kept_arrangements(conn, since, until, today)
        scripted = _scripted(conn, since, until)
    rows: dict[tuple[str, int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    versions: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for outcome_id, code, script_id, version, step, stage in scripted:
        won = code == "paid" or outcome_id in kept
        counts = rows[(script_id, version, step)]
        counts["outcomes"] += 1
        counts["contacts"] += code in RIGHT_PARTY_CONTACTS
        counts["promises"] += code in ("promise", "plan")
        counts["paid"] += code == "paid"
        counts["won"] += won
        tally = versions[(script_id, stage)][version]
        tally[0] += 1
        tally[1] += won
    found = [
        ScriptRow(
            script_id=script_id,
            version=version,
            step=step,
            **counts,
            won_rate=round(counts["won"] / counts["outcomes"], 4),
        )
        for (script_id, version, step), counts in sorted(rows.items())
    ]
    compared = [
        _compare(script_id, stage, by_version)
        for (script_id, stage), by_version in sorted(versions.items())
        if len(by_version) > 1
    ]
    return found, compared


def _kept_arrangements(conn: Connection, since: date, until: date, today: date) -> set[str]:
    """Promises and plans made in the period whose first instalment was kept: an
    arrangement's id is the id of the outcome that made it."""
    return {
        part.arrangement_id
        for part in judged_instalments(conn, today, made_between=(since, until))
        if part.number == 1 and part.state is ArrangementState.KEPT
    }


def _scripted(conn: Connection, since: date, until: date) -> list[tuple]:
    """Each outcome of the period recorded with a script: its id, code, script, version,
    step and the account's stage that day."""
    dialect = conn.dialect.name
    o, h = outcomes.c, account_history.c
    script_id, version, step = (_detail(o.details, name, dialect) for name in _SCRIPT)
    day = utc_date(o.recorded_at, dialect)
    oldest_due = (
        sa.select(h.oldest_due_date)
        .where(h.account_id == o.account_id, h.since <= day)
        .order_by(h.since.desc())
        .limit(1)
        .scalar_subquery()
    )
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    inner = (
        sa.select(
            o.id,
            o.outcome,
            script_id.label("script_id"),
            version.label("version"),
            step.label("step"),
            day.label("day"),
            oldest_due.label("oldest_due"),
        )
        .where(o.recorded_at >= start, o.recorded_at < end, o.details.like('%"script_id"%'))
        .subquery("scripted")
    )
    s = inner.c
    days = days_between(s.day, s.oldest_due, dialect)
    stage = sa.case((s.oldest_due.is_(None), "current"), else_=stage_of_days(days))
    query = sa.select(s.id, s.outcome, s.script_id, s.version, s.step, stage).where(
        s.script_id.is_not(None)
    )
    return [
        (oid, code, sid, int(ver or 0), int(st or 0), stg)
        for oid, code, sid, ver, st, stg in conn.execute(query)
    ]


_SCRIPT = ("script_id", "script_version", "script_step")


def _detail(details: sa.ColumnElement[str], name: str, dialect: str) -> sa.ColumnElement:
    """One key of an outcome's details (JSON text), read by the database."""
    if dialect == "postgresql":
        return sa.cast(details, JSONB)[name].astext
    return sa.func.json_extract(details, f"$.{name}")


def _compare(script_id: str, stage: str, by_version: dict[int, list[int]]) -> ScriptComparison:
    """The newest version (challenger) against the one before it (champion), with the
    difference of their rates and its 95% interval (normal approximation)."""
    champion, challenger = sorted(by_version)[-2:]
    (n1, won1), (n2, won2) = by_version[champion], by_version[challenger]
    rate1, rate2 = won1 / n1, won2 / n2
    spread = _Z * math.sqrt(rate1 * (1 - rate1) / n1 + rate2 * (1 - rate2) / n2)
    difference = rate2 - rate1
    return ScriptComparison(
        script_id=script_id,
        stage=stage,
        champion=champion,
        challenger=challenger,
        champion_outcomes=n1,
        challenger_outcomes=n2,
        champion_rate=round(rate1, 4),
        challenger_rate=round(rate2, 4),
        difference=round(difference, 4),
        low=round(difference - spread, 4),
        high=round(difference + spread, 4),
    )
