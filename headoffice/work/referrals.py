"""Sending an account to court or to a collection agency: it leaves the field (a `referred`
hold, its open visits recalled), its evidence pack is made and kept with the referral, and
the referral is an entry of the audit trail."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.audit import sha256
from fieldcore.contact import HoldReason
from headoffice import clock
from headoffice.evidence.pack import Made, NoSuchAccount, make_pack
from headoffice.evidence.trail import append
from headoffice.store.tables import referrals, reserve_changes, visits
from headoffice.work.holds import place_in, release_in

Destination = Literal["legal", "agency"]
DESTINATIONS: tuple[Destination, ...] = ("legal", "agency")


class ReferralError(ValueError):
    """Nothing was changed; `status` is the HTTP answer it stands for."""

    def __init__(self, sentence: str, status: int = 400) -> None:
        super().__init__(sentence)
        self.status = status


@dataclass(frozen=True)
class Referral:
    """One referral as listed: where the account went, when, by whom, and its pack."""

    id: int
    account_id: str
    destination: str
    note: str
    referred_by: str
    referred_at: datetime
    state: str
    events: int
    pack_sha256: str


def refer(engine: Engine, account_id: str, destination: str, note: str, by: str) -> Referral:
    """Refer the account; ReferralError (409) if a referral of it is already open.

    The pack is made first, in a snapshot of its own: it is the file as it stood when
    the account was sent. The referral, the hold, the recall and the entry are one
    transaction, so an account is never half referred.
    """
    pack = pack_for_referral(engine, account_id, destination)
    with engine.begin() as conn:
        return refer_in(conn, pack, note, by)


@dataclass(frozen=True)
class PackMade:
    """An account's pack made for its referral, before the referral's transaction."""

    account_id: str
    destination: str
    zipped: bytes
    made: Made


def pack_for_referral(engine: Engine, account_id: str, destination: str) -> PackMade:
    """The pack a referral keeps; ReferralError if the account or destination is unknown."""
    if destination not in DESTINATIONS:
        raise ReferralError(f"refer to legal or agency, not {destination!r}")
    buffer = io.BytesIO()
    try:
        made = make_pack(engine, account_id, buffer)
    except NoSuchAccount as missing:
        raise ReferralError(str(missing), 404) from None
    return PackMade(account_id, destination, buffer.getvalue(), made)


def refer_in(conn: Connection, pack: PackMade, note: str, by: str) -> Referral:
    """The referral in the caller's transaction (a review decision refers this way too)."""
    account_id, destination, made = pack.account_id, pack.destination, pack.made
    now = clock.now()
    if _open_referral(conn, account_id) is not None:
        raise ReferralError(f"{account_id} is referred already; withdraw it first", 409)
    ident = conn.execute(
        referrals.insert().values(
            account_id=account_id, destination=destination, note=note, referred_by=by,
            referred_at=now, state="referred", pack=pack.zipped,
            pack_sha256=made.sha256, events=made.events, head_seq=made.head_seq,
        )
    ).inserted_primary_key[0]  # fmt: skip
    place_in(conn, account_id, HoldReason.REFERRED, note or f"referred to {destination}", by)
    recalled = _recall_everywhere(conn, account_id)
    body = {
        "account_id": account_id,
        "destination": destination,
        "by": by,
        "note_sha256": sha256(note.encode()),
        "pack_sha256": made.sha256,
        "events": made.events,
        "head_seq": made.head_seq,
        "visits_recalled": recalled,
    }
    append(conn, [("referral", "referrals", str(ident), body)])
    return Referral(
        ident, account_id, destination, note, by, now, "referred", made.events, made.sha256
    )


def withdraw(engine: Engine, account_id: str, note: str, by: str) -> None:
    """Bring a referred account back to the field: the referral ends, its hold lifts."""
    with engine.begin() as conn:
        ident = _open_referral(conn, account_id)
        if ident is None:
            raise ReferralError(f"{account_id} has no open referral", 404)
        conn.execute(
            referrals.update()
            .where(referrals.c.id == ident)
            .values(state="withdrawn", withdrawn_by=by, withdrawn_at=clock.now())
        )
        release_in(conn, account_id, HoldReason.REFERRED, note, by)
        body = {"account_id": account_id, "by": by, "note_sha256": sha256(note.encode())}
        append(conn, [("referral withdrawn", "referrals", str(ident), body)])


def every_referral(engine: Engine, state: str | None = None) -> list[Referral]:
    """The referrals, newest first; only those in `state` (referred, withdrawn) if given."""
    query = sa.select(*(referrals.c[f] for f in Referral.__dataclass_fields__))
    if state is not None:
        query = query.where(referrals.c.state == state)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(referrals.c.referred_at.desc(), referrals.c.id.desc()))
        # SQLite hands back naive datetimes; every time here is UTC.
        return [
            Referral(**dict(row._mapping) | {"referred_at": _utc(row.referred_at)}) for row in rows
        ]


def kept_pack(engine: Engine, ident: int) -> bytes:
    """The evidence pack kept with a referral, as it was made."""
    with engine.connect() as conn:
        pack = conn.execute(sa.select(referrals.c.pack).where(referrals.c.id == ident)).scalar()
    if pack is None:
        raise ReferralError(f"there is no referral {ident}", 404)
    return bytes(pack)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open_referral(conn: Connection, account_id: str) -> int | None:
    return conn.execute(
        sa.select(referrals.c.id).where(
            referrals.c.account_id == account_id, referrals.c.state == "referred"
        )
    ).scalar_one_or_none()


def _recall_everywhere(conn: Connection, account_id: str) -> int:
    # Every open visit, whatever its day: a referred account is on nobody's route.
    open_visits = list(
        conn.execute(
            sa.select(visits.c.visit_id).where(
                visits.c.account_id == account_id, visits.c.status == "assigned"
            )
        ).scalars()
    )
    if open_visits:
        first = reserve_changes(conn, len(open_visits))
        for offset, visit_id in enumerate(open_visits):
            conn.execute(
                visits.update()
                .where(visits.c.visit_id == visit_id)
                .values(status="recalled", seq=first + offset)
            )
    return len(open_visits)
