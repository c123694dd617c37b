"""What a laptop pulls: its collector's changes after the cursor, with each account's history."""

from __future__ import annotations

import json

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from fieldcore.accounts import Account
from fieldcore.arrangements import ArrangementState
from fieldcore.outcomes import OutcomeDetails
from fieldcore.policy import for_laptops
from headoffice import clock
from headoffice.compliance.holds import contact_states
from headoffice.ledger.judging import judged_instalments
from headoffice.store.db import chunks, utc
from headoffice.store.tables import accounts, collectors, content, outcomes, visits
from sync.protocol import (
    MAX_CONTENT_CHARS,
    MAX_CONTENT_ITEMS,
    MAX_HISTORY,
    MAX_INSTALMENTS_DOWN,
    ContentWire,
    HistoryWire,
    InstalmentWire,
    PullResponse,
    VisitWire,
    scope_checksum,
)

_ACCOUNT_COLUMNS = [accounts.c[name] for name in Account.model_fields]


def changes_after(conn: Connection, collector_id: int, cursor: int, limit: int) -> PullResponse:
    """One page of a collector's changes after the cursor, in server order."""
    visit_rows = conn.execute(
        sa.select(visits, *_ACCOUNT_COLUMNS[1:])
        .join(accounts, accounts.c.account_id == visits.c.account_id)
        .where(visits.c.collector_id == collector_id, visits.c.seq > cursor)
        .order_by(visits.c.seq)
        .limit(limit + 1)
    ).all()
    # An account change goes down on its own only when it came after the
    # visit; otherwise the visit (also after the cursor) carries it.
    # Driven from this collector's visits, so its cost follows the route,
    # not the size of the portfolio.
    account_rows = conn.execute(
        sa.select(accounts)
        .distinct()
        .join(visits, visits.c.account_id == accounts.c.account_id)
        .where(
            visits.c.collector_id == collector_id,
            visits.c.status == "assigned",
            accounts.c.seq > cursor,
            accounts.c.seq > visits.c.seq,
        )
        .order_by(accounts.c.seq)
        .limit(limit + 1)
    ).all()
    merged = sorted(
        [(row.seq, "visit", row) for row in visit_rows]
        + [(row.seq, "account", row) for row in account_rows],
        key=lambda item: item[0],
    )
    page, more = merged[:limit], len(merged) > limit
    new_cursor = page[-1][0] if page else cursor
    published = conn.execute(
        sa.select(content)
        .where(content.c.seq > cursor)
        # Message templates are head office's alone (and a laptop refuses a kind it does
        # not know).
        .where(content.c.kind != "messages")
        .where(content.c.seq <= new_cursor if more else sa.true())
    ).all()
    if not more and published:
        new_cursor = max(new_cursor, *(row.seq for row in published))
    response = PullResponse(
        cursor=str(new_cursor),
        more=more,
        content=[
            ContentWire(
                key=r.key,
                kind=r.kind,
                version=r.version,
                body=for_laptops(r.body) if r.kind == "policy" else r.body,
            )
            for r in published
            # Publishing refuses larger bodies; one written around it would fail every
            # laptop's pull, so it is left out and the laptops keep what they have.
            if len(r.body) <= MAX_CONTENT_CHARS
        ][-MAX_CONTENT_ITEMS:],
    )
    history = _history(conn, {row.account_id for _s, kind, row in page if kind == "visit"})
    mine = visits.c.collector_id == collector_id
    if more:
        response.remaining = conn.execute(
            sa.select(sa.func.count()).where(mine, visits.c.seq > new_cursor)
        ).scalar_one()
    else:
        scope = (
            conn.execute(sa.select(visits.c.visit_id).where(mine, visits.c.status == "assigned"))
            .scalars()
            .all()
        )
        response.scope_visits = len(scope)
        response.scope_checksum = scope_checksum(scope)
    for _seq, kind, row in page:
        account = Account.model_validate({c.name: getattr(row, c.name) for c in _ACCOUNT_COLUMNS})
        if kind == "account":
            response.accounts.append(account)
        elif row.status == "assigned":
            response.visits.append(
                VisitWire(
                    visit_id=row.visit_id,
                    account_id=row.account_id,
                    visit_date=row.visit_date,
                    sequence=row.sequence,
                    callback_at=row.callback_at,
                    account=account,
                    history=history.get(row.account_id, []),
                )
            )
        else:
            response.removed_visits.append(row.visit_id)
    carried = [v.account_id for v in response.visits] + [a.account_id for a in response.accounts]
    states = contact_states(conn, carried)
    # Each promise and plan in force, judged today, newest first, as many as a page holds.
    for judged in reversed(judged_instalments(conn, clock.today(), carried)):
        kept = states[judged.account_id].instalments
        if judged.state is not ArrangementState.REPLACED and len(kept) < MAX_INSTALMENTS_DOWN:
            kept.append(
                InstalmentWire(
                    arrangement_id=judged.arrangement_id,
                    kind=judged.kind,
                    number=judged.number,
                    count=judged.count,
                    due=judged.due,
                    currency=judged.currency,
                    amount_minor=judged.amount_minor,
                    on_time_minor=judged.on_time_minor,
                    paid_minor=judged.paid_minor,
                    state=judged.state,
                )
            )
    response.contact = list(states.values())
    return response


HISTORY_PER_ACCOUNT = MAX_HISTORY


def _history(conn: Connection, account_ids: set[str]) -> dict[str, list[HistoryWire]]:
    """The latest outcomes of these accounts from every collector, for the visit screen."""
    found: dict[str, list[HistoryWire]] = {}
    for chunk in chunks(sorted(account_ids)):
        rows = conn.execute(
            sa.select(outcomes, collectors.c.name.label("collector"))
            .join(collectors, collectors.c.collector_id == outcomes.c.collector_id)
            .where(outcomes.c.account_id.in_(chunk))
            .order_by(outcomes.c.recorded_at.desc())
        )
        for row in rows:
            items = found.setdefault(row.account_id, [])
            if len(items) < HISTORY_PER_ACCOUNT:
                items.append(
                    HistoryWire(
                        id=row.id,
                        account_id=row.account_id,
                        collector=row.collector,
                        outcome=row.outcome,
                        amount_minor=row.amount_minor,
                        currency=row.currency,
                        promise_date=row.promise_date,
                        method=row.method,
                        note=row.note,
                        receipt_no=row.receipt_no,
                        recorded_at=utc(row.recorded_at),
                        # A household's income, savings and debts are for the supervisor
                        # who decides the request: they never travel to another laptop.
                        details=stored_details(row.details).model_copy(update={"statement": None}),
                    )
                )
    return found


def stored_details(text: str | None) -> OutcomeDetails:
    """An outcome's details as stored, read so that no old row can stop a pull.

    Rows written before the details' bounds were tightened may hold a value the
    wire now refuses (an aware callback time, a step number past the bound):
    such a value is left out of the history, the rest is kept.
    """
    try:
        return OutcomeDetails.model_validate_json(text or "{}")
    except ValidationError:
        pass
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return OutcomeDetails()
    kept = {}
    for key, value in found.items() if isinstance(found, dict) else ():
        try:
            OutcomeDetails.model_validate({key: value})
        except ValidationError:
            continue
        kept[key] = value
    return OutcomeDetails.model_validate(kept)
