"""Opt-outs recorded and withdrawn, each with its audit-trail entry in the same transaction."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from fieldcore.audit import sha256
from headoffice import clock
from headoffice.evidence.trail import append
from headoffice.messages.opt_outs import OptOutChange, opt_out_in, withdraw_in


def opt_out(engine: Engine, account_id: str, channel: str, note: str, by: str) -> bool:
    """The borrower wants no more messages on `channel`; False when that was already so."""
    with engine.begin() as conn:
        change = opt_out_in(conn, account_id, channel, note, by, clock.now())
        if change is not None:
            append(conn, [_entry(change)])
    return change is not None


def opt_back_in(engine: Engine, account_id: str, channel: str, note: str, by: str) -> bool:
    """The borrower asked for `channel` again; False when they had not opted out of it."""
    with engine.begin() as conn:
        change = withdraw_in(conn, account_id, channel, note, by, clock.now())
        if change is not None:
            append(conn, [_entry(change)])
    return change is not None


def _entry(change: OptOutChange) -> tuple[str, str, str, dict]:
    # The note as its hash: it can name the borrower, and the entry outlives that.
    return (
        "opt-out withdrawn" if change.withdrawn else "opt-out",
        "opt_outs",
        str(change.opt_out_id),
        {
            "account_id": change.account_id,
            "channel": change.channel.value,
            "note_sha256": sha256(change.note.encode()),
            "by": change.by,
        },
    )
