"""Letters printed in batches into the print folder, and counted as sent once posted.

A batch is made in three steps, in this order: its letters are written into a folder
named `.partial`; the batch and its letters' new state are committed; the folder is
renamed to its final name. A run killed before the commit leaves a `.partial` folder the
database does not know (removed by the next run, which prints those letters again); one
killed after it leaves a `.partial` folder the database knows (renamed by the next run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.i18n import format_day_written
from fieldcore.messaging import MessageChannel, MessageState
from headoffice.compliance.stopped import contact_stopped
from headoffice.evidence.trail import append
from headoffice.messages import outbox
from headoffice.messages.letters import Letter, batch_folder, finish_batches, write_batch
from headoffice.store.tables import accounts, letter_batches, messages, settings
from headoffice.work.sending import became_sent

# Letters per batch: a print run a post room handles in one go.
BATCH_SIZE = 500
# A collection warning's days to pay count from posting; the letter assumes this many
# days between printing and posting (headoffice.work.reminders.POSTING_DAYS).
POSTING_DAYS = 3


class LettersRefused(ValueError):
    """Nothing changed; `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Batch:
    """A print batch: where its files are and how many letters it holds."""

    batch_id: int
    folder: Path
    letters: int
    made_at: datetime
    posted_on: date | None = None


def print_due(engine: Engine, now: datetime, folder: Path) -> list[Batch]:
    """Print every letter due at `now` into batches under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        known = set(conn.execute(sa.select(letter_batches.c.id)).scalars())
    finish_batches(folder, known)
    made: list[Batch] = []
    while True:
        batch = _one_batch(engine, now, folder)
        if batch is None:
            return made
        made.append(batch)


def _one_batch(engine: Engine, now: datetime, folder: Path) -> Batch | None:
    with engine.connect() as conn:
        trans = conn.begin()
        rows = conn.execute(
            sa.select(messages, accounts.c.borrower_name)
            .join(accounts, accounts.c.account_id == messages.c.account_id)
            .where(
                messages.c.state == MessageState.QUEUED.value,
                messages.c.channel == MessageChannel.LETTER.value,
                messages.c.next_try_at <= now,
            )
            .order_by(messages.c.next_try_at, messages.c.key)
            .limit(BATCH_SIZE)
        ).all()
        if not rows:
            trans.rollback()
            return None
        kept = _printable(conn, rows, now)
        if not kept:
            trans.commit()
            return Batch(0, folder, 0, now)
        lender = dict(conn.execute(sa.select(settings.c.key, settings.c.value)).all())
        batch_id = conn.execute(
            letter_batches.insert().values(folder="", letters=len(kept), made_at=now)
        ).inserted_primary_key[0]
        final = batch_folder(folder, batch_id)
        conn.execute(
            letter_batches.update().where(letter_batches.c.id == batch_id).values(folder=str(final))
        )
        conn.execute(
            messages.update()
            .where(messages.c.key.in_([row.key for row in kept]))
            .values(state=MessageState.PRINTED.value, batch_id=batch_id, attempts=1)
        )
        printed = {"letters": [row.key for row in kept]}
        append(conn, [("letters printed", "letter_batches", str(batch_id), printed)])
        # The files first, then the commit, then the folder's final name (module docstring).
        letters = [_letter(row, lender, now) for row in kept]
        write_batch(folder, batch_id, letters, now, commit=trans.commit)
    return Batch(batch_id, final, len(kept), now)


def _printable(conn: sa.Connection, rows: list[sa.Row], now: datetime) -> list[sa.Row]:
    """The letters that may still go; the others settled (expired, or withheld by a hold)."""
    stopped = contact_stopped(conn, {row.account_id for row in rows})
    kept = []
    for row in rows:
        expires = outbox.aware(row.expires_at)
        if expires is not None and now >= expires:
            outbox.settle(conn, row.key, MessageState.EXPIRED, last_error="not printed in time")
        elif row.account_id in stopped:
            held = ", ".join(stopped[row.account_id])
            outbox.settle(
                conn, row.key, MessageState.WITHHELD, last_error=f"account on hold ({held})"
            )
        else:
            kept.append(row)
    return kept


def _letter(row: sa.Row, lender: dict[str, str], now: datetime) -> Letter:
    lines = tuple(v for v in (lender.get("lender.address"), lender.get("lender.phone")) if v)
    return Letter(
        key=row.key,
        name=row.borrower_name,
        address_lines=tuple(row.to_address.split("\n")),
        language=row.language,
        lender_name=lender.get("lender.name", ""),
        lender_lines=lines,
        dated=format_day_written(now.date(), row.language),
        subject=row.subject,
        text=row.body,
    )


def mark_posted(engine: Engine, batch_id: int, posted_on: date, by: str, today: date) -> Batch:
    """Count the batch's letters as sent on `posted_on`: their notices are recorded then."""
    with engine.begin() as conn:
        batch = conn.execute(
            sa.select(letter_batches).where(letter_batches.c.id == batch_id).with_for_update()
        ).first()
        if batch is None:
            raise LettersRefused(f"there is no print batch {batch_id}", 404)
        if batch.posted_on is not None:
            raise LettersRefused(
                f"batch {batch_id} was marked posted on {batch.posted_on} by {batch.posted_by}", 409
            )
        made = outbox.aware(batch.made_at)
        if posted_on > today:
            raise LettersRefused(f"{posted_on} is in the future (today is {today})")
        if posted_on < made.date():
            raise LettersRefused(
                f"batch {batch_id} was printed on {made.date()}, after {posted_on}"
            )
        rows = conn.execute(
            sa.select(messages).where(
                messages.c.batch_id == batch_id, messages.c.state == MessageState.PRINTED.value
            )
        ).all()
        moment = datetime.combine(posted_on, made.timetz()) if posted_on != made.date() else made
        conn.execute(
            messages.update()
            .where(messages.c.batch_id == batch_id, messages.c.state == MessageState.PRINTED.value)
            .values(state=MessageState.SENT.value, sent_at=moment)
        )
        conn.execute(
            letter_batches.update()
            .where(letter_batches.c.id == batch_id)
            .values(posted_on=posted_on, posted_by=by, posted_at=datetime.now(made.tzinfo))
        )
        if rows:
            became_sent(conn, rows, moment, on=posted_on)
        append(
            conn,
            [
                (
                    "letters posted",
                    "letter_batches",
                    str(batch_id),
                    {"on": posted_on.isoformat(), "by": by},
                )
            ],
        )
    return Batch(batch_id, Path(batch.folder), len(rows), made, posted_on)


def every_batch(engine: Engine) -> list[Batch]:
    """Every print batch, the newest first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(letter_batches).order_by(letter_batches.c.id.desc())).all()
    return [
        Batch(r.id, Path(r.folder), r.letters, outbox.aware(r.made_at), r.posted_on) for r in rows
    ]
