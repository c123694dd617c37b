"""Holds stop all contact with an account until a supervisor releases them; notices are recorded.

Every change moves the account's change number, so each laptop with the account
gets its holds and notices at its next sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.contact import HoldReason, NoticeKind
from headoffice import clock
from headoffice.compliance.sent_messages import add_sent_messages
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, holds, notices, reserve_changes
from sync.protocol import MAX_NOTICES, ContactStateWire, HoldWire, NoticeWire


class HoldError(ValueError):
    """A hold, release or notice that cannot be recorded; nothing changed. `status`: HTTP."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class HoldChange:
    """A hold placed or released, as the caller records it (in the audit trail)."""

    hold_id: int
    account_id: str
    reason: HoldReason
    note: str  # the placing note, or the release's
    by: str
    at: datetime
    released: bool = False


@dataclass(frozen=True)
class NoticeRecorded:
    """A written notice recorded for one account, as the caller records it."""

    notice_id: int
    account_id: str
    kind: NoticeKind
    sent_on: date
    by: str


# Each function below works in the caller's transaction and says what it did: the caller
# enters it in the audit trail in that same transaction (compliance does not know the
# trail; headoffice/work/holds.py puts the two together).


def place_hold_in(
    conn: Connection, account_id: str, reason: HoldReason | str, note: str, by: str
) -> HoldChange:
    """Put the account on hold for `reason`; 409 when it already is for that reason."""
    reason = _reason(reason)
    now = clock.now()
    seq = reserve_changes(conn, 1)
    _known(conn, account_id)
    if _open(conn, account_id, reason) is not None:
        raise HoldError(f"{account_id} is already on hold ({reason.value})", 409)
    placed = conn.execute(
        holds.insert().values(
            account_id=account_id, reason=reason.value, note=note, placed_by=by, placed_at=now
        )
    )
    _touch(conn, [account_id], seq)
    return HoldChange(placed.inserted_primary_key[0], account_id, reason, note, by, now)


def release_in(
    conn: Connection, account_id: str, reason: HoldReason | str, note: str, by: str
) -> HoldChange | None:
    """Lift the account's hold for `reason`; None when there was none to lift."""
    reason = _reason(reason)
    held = _open(conn, account_id, reason)
    if held is None:
        return None
    seq = reserve_changes(conn, 1)
    now = clock.now()
    conn.execute(
        holds.update()
        .where(holds.c.id == held)
        .values(released_by=by, released_at=now, release_note=note)
    )
    _touch(conn, [account_id], seq)
    return HoldChange(held, account_id, reason, note, by, now, released=True)


def release_known(
    conn: Connection, account_id: str, reason: HoldReason | str, note: str, by: str
) -> HoldChange:
    """Lift the account's hold for `reason`; 404 when the account or the hold is not there."""
    reason = _reason(reason)
    _known(conn, account_id)
    released = release_in(conn, account_id, reason, note, by)
    if released is None:
        raise HoldError(f"{account_id} is not on hold ({reason.value})", 404)
    return released


def hold_from_field(
    conn: Connection, reason: HoldReason, found_in_field: Iterable[tuple[str, str, str]]
) -> list[HoldChange]:
    """Hold each (account, words given, collector) for `reason` (a dispute, a death told at
    the door), in the push's transaction; an account already held for it keeps its first."""
    found = {account_id: (why, who) for account_id, why, who in found_in_field}
    if not found:
        return []
    held = set(
        conn.execute(
            sa.select(holds.c.account_id).where(
                holds.c.account_id.in_(list(found)),
                holds.c.reason == reason.value,
                holds.c.released_at.is_(None),
            )
        ).scalars()
    )
    fresh = [a for a in found if a not in held]
    if not fresh:
        return []
    now = clock.now()
    seq = reserve_changes(conn, 1)
    placed = conn.execute(
        holds.insert().returning(holds.c.id, sort_by_parameter_order=True),
        [
            {
                "account_id": a,
                "reason": reason.value,
                "note": found[a][0],
                "placed_by": found[a][1],
                "placed_at": now,
            }
            for a in fresh
        ],
    ).scalars()
    _touch(conn, fresh, seq)
    return [
        HoldChange(hold_id, a, reason, found[a][0], found[a][1], now)
        for hold_id, a in zip(placed, fresh, strict=True)
    ]


def record_notices_in(
    conn: Connection,
    account_ids: list[str],
    kind: NoticeKind | str,
    sent_on: date,
    by: str,
    today: date,
) -> list[NoticeRecorded]:
    """The same notice, sent to the borrower outside the product, recorded for each account."""
    try:
        kind = NoticeKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in NoticeKind)
        raise HoldError(f"{kind!r} is not a kind of notice ({known})") from None
    if sent_on > today:
        raise HoldError(f"a notice sent on {sent_on} is in the future (today is {today})", 409)
    now = clock.now()
    seq = reserve_changes(conn, 1)
    for account_id in account_ids:
        _known(conn, account_id)
    recorded = conn.execute(
        notices.insert().returning(notices.c.id, sort_by_parameter_order=True),
        [
            {
                "account_id": a,
                "kind": kind.value,
                "sent_on": sent_on,
                "recorded_by": by,
                "recorded_at": now,
            }
            for a in account_ids
        ],
    ).scalars()
    _touch(conn, account_ids, seq)
    return [
        NoticeRecorded(notice_id, a, kind, sent_on, by)
        for notice_id, a in zip(recorded, account_ids, strict=True)
    ]


def contact_states(conn: Connection, account_ids: Iterable[str]) -> dict[str, ContactStateWire]:
    """Each account's holds in force, its newest notices and the messages sent, for a pull."""
    wanted = sorted(set(account_ids))
    found = {a: ContactStateWire(account_id=a) for a in wanted}
    for chunk in chunks(wanted):
        for row in conn.execute(
            sa.select(holds.c.account_id, holds.c.reason, holds.c.note, holds.c.placed_at)
            .where(
                holds.c.account_id.in_(chunk),
                holds.c.released_at.is_(None),
                # A legal hold keeps records and stops no contact: nothing for a laptop,
                # and a laptop of an earlier protocol would refuse the reason.
                holds.c.reason != HoldReason.LEGAL_HOLD.value,
            )
            .order_by(holds.c.id)
        ):
            found[row.account_id].holds.append(
                HoldWire(reason=row.reason, since=row.placed_at.date(), note=row.note[:2000])
            )
        for row in conn.execute(
            sa.select(notices.c.account_id, notices.c.kind, notices.c.sent_on)
            .where(notices.c.account_id.in_(chunk))
            .order_by(notices.c.sent_on.desc(), notices.c.id.desc())
        ):
            kept = found[row.account_id].notices
            if len(kept) < MAX_NOTICES:
                kept.append(NoticeWire(kind=row.kind, sent_on=row.sent_on))
    add_sent_messages(conn, found)
    return found


def holds_in_force(engine: Engine, account_id: str) -> list[dict]:
    """The account's holds not yet released, with who placed them and when."""
    with engine.connect() as conn:
        _known(conn, account_id)
        rows = conn.execute(
            sa.select(holds)
            .where(holds.c.account_id == account_id, holds.c.released_at.is_(None))
            .order_by(holds.c.id)
        )
        # SQLite hands back naive datetimes; every time here is UTC.
        return [
            dict(row._mapping)
            | {"placed_at": row.placed_at.replace(tzinfo=row.placed_at.tzinfo or UTC)}
            for row in rows
        ]


def every_hold_in_force(engine: Engine) -> list[dict]:
    """Every account's holds not yet released, oldest first, with the borrower's name."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(holds, accounts.c.borrower_name)
            .join(accounts, accounts.c.account_id == holds.c.account_id)
            .where(holds.c.released_at.is_(None))
            .order_by(holds.c.placed_at, holds.c.id)
        )
        return [
            dict(row._mapping)
            | {"placed_at": row.placed_at.replace(tzinfo=row.placed_at.tzinfo or UTC)}
            for row in rows
        ]


def _reason(reason: HoldReason | str) -> HoldReason:
    try:
        return HoldReason(reason)
    except ValueError:
        known = ", ".join(r.value for r in HoldReason)
        raise HoldError(f"{reason!r} is not a reason for a hold ({known})") from None


def _known(conn: Connection, account_id: str) -> None:
    found = conn.execute(
        sa.select(accounts.c.account_id).where(accounts.c.account_id == account_id)
    ).first()
    if found is None:
        raise HoldError(f"there is no account {account_id!r}", 404)


def _open(conn: Connection, account_id: str, reason: HoldReason) -> int | None:
    return conn.execute(
        sa.select(holds.c.id).where(
            holds.c.account_id == account_id,
            holds.c.reason == reason.value,
            holds.c.released_at.is_(None),
        )
    ).scalar_one_or_none()


def _touch(conn: Connection, account_ids: list[str], seq: int) -> None:
    # A new change number for the account: the laptops that have it pull it again.
    conn.execute(accounts.update().where(accounts.c.account_id.in_(account_ids)).values(seq=seq))
