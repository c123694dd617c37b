"""Holds placed and released, and notices recorded, each with its audit-trail entry at once.

Compliance says what a hold does; the trail says it happened. Both are written here in
one transaction, so a hold is never kept without its entry, nor an entry without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.engine import Connection, Engine

from fieldcore.audit import sha256
from fieldcore.contact import HoldReason, NoticeKind
from headoffice.compliance import holds
from headoffice.evidence.trail import append
from sync.protocol import HoldWire, NoticeWire

Item = tuple[str, str | None, str | None, dict]


def place_hold(
    engine: Engine, account_id: str, reason: HoldReason | str, note: str, by: str
) -> HoldWire:
    """Put the account on hold for `reason`; HoldError 409 when it already is for that."""
    with engine.begin() as conn:
        placed = holds.place_hold_in(conn, account_id, reason, note, by)
        append(conn, [hold_entry(placed)])
    return HoldWire(reason=placed.reason, since=placed.at.date(), note=note)


def release_hold(
    engine: Engine, account_id: str, reason: HoldReason | str, note: str, by: str
) -> None:
    """Lift the account's hold for `reason`; HoldError 404 when there is none to lift."""
    with engine.begin() as conn:
        released = holds.release_known(conn, account_id, reason, note, by)
        append(conn, [hold_entry(released)])


def place_in(
    conn: Connection, account_id: str, reason: HoldReason, note: str, by: str
) -> holds.HoldChange:
    """Hold the account for `reason` in the caller's transaction, with its entry."""
    placed = holds.place_hold_in(conn, account_id, reason, note, by)
    append(conn, [hold_entry(placed)])
    return placed


def release_in(conn: Connection, account_id: str, reason: HoldReason, note: str, by: str) -> bool:
    """Lift the account's hold for `reason` in the caller's transaction; False if none was."""
    released = holds.release_in(conn, account_id, reason, note, by)
    if released is not None:
        append(conn, [hold_entry(released)])
    return released is not None


def hold_from_field(
    conn: Connection, reason: HoldReason, found_in_field: Iterable[tuple[str, str, str]]
) -> None:
    """Hold each (account, words given, collector) for `reason`, in the push's transaction;
    an account already held for it keeps its first (and no entry is made)."""
    placed = holds.hold_from_field(conn, reason, found_in_field)
    if placed:
        append(conn, [hold_entry(change) for change in placed])


def record_notice(
    engine: Engine, account_id: str, kind: NoticeKind | str, sent_on: date, by: str, today: date
) -> NoticeWire:
    """Record a written notice sent to the borrower outside the product."""
    return record_notices(engine, [account_id], kind, sent_on, by, today)[0]


def record_notices(
    engine: Engine,
    account_ids: list[str],
    kind: NoticeKind | str,
    sent_on: date,
    by: str,
    today: date,
) -> list[NoticeWire]:
    """The same notice sent to each account (a mailing), recorded in one transaction."""
    with engine.begin() as conn:
        recorded = holds.record_notices_in(conn, account_ids, kind, sent_on, by, today)
        append(conn, [notice_entry(notice) for notice in recorded])
    return [NoticeWire(kind=n.kind, sent_on=n.sent_on) for n in recorded]


def hold_entry(change: holds.HoldChange) -> Item:
    """The trail's entry for a hold placed or released: the note as its hash only, since a
    note can name the borrower and the entry outlives the personal data it could hold."""
    return (
        "hold released" if change.released else "hold placed",
        "holds",
        str(change.hold_id),
        {
            "account_id": change.account_id,
            "reason": change.reason.value,
            "note_sha256": sha256(change.note.encode()),
            "by": change.by,
        },
    )


def notice_entry(notice: holds.NoticeRecorded) -> Item:
    """The trail's entry for a notice recorded for one account."""
    return (
        "notice",
        "notices",
        str(notice.notice_id),
        {
            "account_id": notice.account_id,
            "kind": notice.kind.value,
            "sent_on": notice.sent_on.isoformat(),
            "by": notice.by,
        },
    )
