"""Resolving a review item: the decision recorded and carried out in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headoffice.oversight.review import KINDS, Resolution, ReviewError, review_item
from headoffice.store.tables import resolutions
from headoffice.work.decisions import DECIDED, Decision, DecisionError, carry_out
from headoffice.work.referrals import ReferralError, pack_for_referral, refer_in


def resolve(
    engine: Engine,
    today: date,
    kind: str,
    ref: str,
    note: str,
    by: str,
    decision: Decision | None = None,
    first_date: date | None = None,
) -> Resolution:
    """Record a decision on an open item; the note is required and kept.

    What a decision does happens in the same transaction (headoffice.work.decisions):
    a dispute's hold lifts, an accepted hardship request becomes a plan from
    `first_date`, an accepted move changes the address, a rejected death lifts its hold,
    an accepted legal referral sends the account to court (headoffice.work.referrals).
    """
    note = note.strip()
    if kind not in KINDS:
        raise ReviewError(f"{kind!r} is not a kind of review item ({', '.join(KINDS)})")
    if not note:
        raise ReviewError("say what was decided: the note is kept with the item")
    if len(note) > 2000:
        raise ReviewError("the note is over 2000 characters")
    item = review_item(engine, today, kind, ref)
    if item is None:
        raise ReviewError(f"there is no {kind} item {ref!r} in the review queue", 404)
    # Well formed, but not what this item takes: a conflict with the item, not bad input.
    if decision is not None and kind not in DECIDED:
        raise ReviewError(
            f"a {kind} item is resolved with a note only, not accepted or rejected", 409
        )
    if first_date is not None and (kind, decision) != ("hardship", "accepted"):
        raise ReviewError(
            "a first date is for an accepted hardship request, which makes a plan", 409
        )
    # An accepted legal referral sends the account to court: its pack is made first, in
    # a snapshot of its own, and kept with the referral made in the decision's transaction.
    referral = None
    if (kind, decision) == ("legal", "accepted"):
        try:
            referral = pack_for_referral(engine, item.account_id, "legal")
        except ReferralError as error:
            raise ReviewError(str(error), error.status) from None
    now = datetime.now(UTC)
    with engine.begin() as conn:
        earlier = conn.execute(
            sa.select(resolutions).where(resolutions.c.kind == kind, resolutions.c.ref == ref)
        ).first()
        if earlier:
            raise ReviewError(
                f"{kind} {ref} was already resolved by {earlier.resolved_by} "
                f"on {earlier.resolved_at:%Y-%m-%d}: {earlier.note}",
                409,
            )
        try:
            carry_out(conn, item, decision, first_date, today, note, by)
            if referral is not None:
                refer_in(conn, referral, note, by)
        except (DecisionError, ReferralError) as error:
            raise ReviewError(str(error), 409) from None
        conn.execute(
            resolutions.insert().values(
                kind=kind, ref=ref, note=note, resolved_by=by, resolved_at=now, decision=decision
            )
        )
    return Resolution(note=note, resolved_by=by, resolved_at=now, decision=decision)
