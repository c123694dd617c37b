"""What is due to go out as of a moment: reminders, follow-ups, stage and visit notices, receipts.

Each finder asks the database for what may be due (a few days' margin either side, for
the borrowers' time zones), then judges each in the borrower's own date. A finder that
runs again finds the same keys, which the outbox already has: planning is idempotent.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldcore.arrangements import ArrangementState
from fieldcore.messaging import MessageChannel, MessageReason
from fieldcore.stages import Stage, stage_for
from headoffice.ledger.judging import JudgedInstalment, judged_instalments
from headoffice.messages.outbox import Planned, aware
from headoffice.store.tables import accounts, instalments, notices, payments, visits
from headoffice.work.message_writing import Writer, expiry

# Days either side of head office's own date that a borrower's date can be (UTC-12..+14).
_ZONES = 2
# A stage notice goes to accounts that entered the stage within this many days: a first
# run does not write to a whole portfolio that entered its stages before messages existed.
STAGE_ENTRY_DAYS = 14
# A follow-up or a receipt still goes this many days late (a run missed for a while).
CATCH_UP_DAYS = 2
RECEIPT_DAYS = 7
# Visits planned this far ahead get their notice now.
VISIT_AHEAD_DAYS = 60
# The first day of each stage, in days past due.
_STAGE_STARTS = {Stage.EARLY: 1, Stage.MIDDLE: 31, Stage.LATE: 91}
# A letter is posted a few days after it is printed: a warning's days to pay count from then.
POSTING_DAYS = 3


def plan_due(conn: Connection, writer: Writer) -> list[Planned]:
    """Every message due as of the writer's moment (the outbox drops keys it has)."""
    return (
        _promises(conn, writer)
        + _stage_notices(conn, writer)
        + _visit_notices(conn, writer)
        + _receipts(conn, writer)
    )


def _promises(conn: Connection, writer: Writer) -> list[Planned]:
    """The day before an instalment falls due, a reminder; the day after it was missed, a
    follow-up: for promises (one instalment) and each instalment of a plan alike."""
    today = writer.now.date()
    # The widest rules any policy could have: 14 days either way.
    window = (
        today - timedelta(days=14 + CATCH_UP_DAYS + _ZONES),
        today + timedelta(days=14 + _ZONES),
    )
    judged = judged_instalments(conn, today + timedelta(days=_ZONES), due_between=window)
    # The borrowers read by a query of them, not a list of ids: a hundred thousand due at
    # once are a join for the database, not two hundred round trips.
    writer.load(conn, sa.select(instalments.c.account_id).where(instalments.c.due.between(*window)))
    found = []
    for part in judged:
        borrower = writer.borrowers.get(part.account_id)
        if borrower is None or borrower.closed:
            continue
        local = borrower.today(writer.now)
        rules = borrower.rules
        if _remind(part, local, rules.reminder_days_before):
            reason, template, ends = MessageReason.REMINDER, "reminder", expiry(borrower, part.due)
        elif _follow_up(part, local, rules.broken_days_after):
            last = part.due + timedelta(days=rules.broken_days_after + CATCH_UP_DAYS)
            reason, template, ends = MessageReason.BROKEN, "broken", expiry(borrower, last)
        else:
            continue
        left = part.amount_minor - part.paid_minor
        if left <= 0:
            continue
        values = {"amount": writer.money(borrower, left), "due": writer.day(borrower, part.due)}
        # From the start of the borrower's day: the policy's hours move it to the morning.
        planned = writer.write(
            part.account_id,
            reason,
            part.due.isoformat(),
            template,
            rules.channels,
            values,
            borrower.start_of(local),
            ends,
        )
        if planned is not None:
            found.append(planned)
    return found


def _remind(part: JudgedInstalment, local: date, days_before: int) -> bool:
    # From `days_before` the due day until the day before it; not on the day it was agreed.
    # Judged by what has been paid so far, whatever day the judgement was asked for.
    return (
        part.state is not ArrangementState.REPLACED
        and part.paid_minor < part.amount_minor
        and part.due - timedelta(days=days_before) <= local < part.due
        and part.made_on < local
    )


def _follow_up(part: JudgedInstalment, local: date, days_after: int) -> bool:
    # Not paid in full by its date, and still not paid in full now.
    first = part.due + timedelta(days=days_after)
    return (
        part.state is not ArrangementState.REPLACED
        and part.on_time_minor < part.amount_minor
        and part.paid_minor < part.amount_minor
        and first <= local <= first + timedelta(days=CATCH_UP_DAYS)
    )


def _stage_notices(conn: Connection, writer: Writer) -> list[Planned]:
    """A notice for each account that entered a stage whose policy asks for one."""
    today = writer.now.date()
    entered = []
    for stage, first_day in _STAGE_STARTS.items():
        # Accounts whose first day of `stage` fell within the last STAGE_ENTRY_DAYS.
        newest = today - timedelta(days=first_day - _ZONES)
        oldest = today - timedelta(days=first_day + STAGE_ENTRY_DAYS + _ZONES)
        entered += [
            (stage, account_id)
            for account_id in conn.execute(
                sa.select(accounts.c.account_id).where(
                    accounts.c.oldest_due_date.between(oldest, newest),
                    accounts.c.closed_on.is_(None),
                    accounts.c.erased_on.is_(None),
                )
            ).scalars()
        ]
    writer.load(conn, {account_id for _stage, account_id in entered})
    found = []
    for stage, account_id in entered:
        borrower = writer.borrowers.get(account_id)
        if borrower is None:
            continue
        local = borrower.today(writer.now)
        if stage_for((local - borrower.oldest_due_date).days) is not stage:
            continue
        started = borrower.oldest_due_date + timedelta(days=_STAGE_STARTS[stage])
        if not started <= local <= started + timedelta(days=STAGE_ENTRY_DAYS):
            continue
        for notice in borrower.rules.stage_notices:
            if notice.stage != stage.value:
                continue
            values = {"amount": writer.money(borrower, borrower.overdue_minor)}
            template = "stage_reminder"
            if notice.kind == "collection_warning":
                template = "collection_warning"
                pay_by = local + timedelta(days=notice.days_to_pay + POSTING_DAYS)
                values["pay_by"] = writer.day(borrower, pay_by)
            planned = writer.write(
                account_id,
                MessageReason.STAGE_NOTICE,
                f"{stage.value}:{started.isoformat()}:{notice.kind}",
                template,
                notice.channels,
                values,
                borrower.start_of(local),
                expiry(borrower, started + timedelta(days=STAGE_ENTRY_DAYS)),
            )
            if planned is not None:
                found.append(planned)
    return found


def _visit_notices(conn: Connection, writer: Writer) -> list[Planned]:
    """A written notice for each planned home visit whose policy asks for one and that no
    notice sent early enough covers (fieldcore.contact's rule, the laptop's)."""
    today = writer.now.date()
    rows = conn.execute(
        sa.select(visits.c.account_id, visits.c.visit_date).where(
            visits.c.status == "assigned",
            visits.c.visit_date.between(
                today - timedelta(days=_ZONES), today + timedelta(days=VISIT_AHEAD_DAYS)
            ),
        )
    ).all()
    writer.load(conn, {row.account_id for row in rows})
    sent: dict[str, list[date]] = {}
    wanted = [r.account_id for r in rows if r.account_id in writer.borrowers]
    for start in range(0, len(wanted), 500):
        for notice in conn.execute(
            sa.select(notices.c.account_id, notices.c.sent_on).where(
                notices.c.account_id.in_(wanted[start : start + 500]),
                notices.c.kind == "visit_notice",
            )
        ):
            sent.setdefault(notice.account_id, []).append(notice.sent_on)
    found = []
    for row in sorted(set(rows)):
        borrower = writer.borrowers.get(row.account_id)
        if borrower is None or borrower.closed or borrower.policy.visit_notice is None:
            continue
        local = borrower.today(writer.now)
        days = borrower.policy.visit_notice.days_before
        if row.visit_date < local or any(
            day + timedelta(days=days) <= row.visit_date for day in sent.get(row.account_id, [])
        ):
            continue
        planned = writer.write(
            row.account_id,
            MessageReason.VISIT_NOTICE,
            row.visit_date.isoformat(),
            "visit_notice",
            borrower.rules.visit_notice_channels,
            {"visit_date": writer.day(borrower, row.visit_date)},
            borrower.start_of(local),
            expiry(borrower, row.visit_date - timedelta(days=1)),
        )
        if planned is not None:
            found.append(planned)
    return found


def _receipts(conn: Connection, writer: Writer) -> list[Planned]:
    """A receipt for each payment taken in the field that reached head office lately."""
    since = writer.now - timedelta(days=RECEIPT_DAYS)
    rows = conn.execute(
        sa.select(payments).where(
            payments.c.source == "field",
            payments.c.reference.is_not(None),
            payments.c.received_at >= since,
        )
    ).all()
    writer.load(conn, {row.account_id for row in rows})
    found = []
    for row in rows:
        borrower = writer.borrowers.get(row.account_id)
        if borrower is None:
            continue
        # Known to head office, so due now at the latest (a clock ahead of --now's moment).
        received = min(aware(row.received_at), writer.now)
        values = {
            "receipt": row.reference,
            "amount": writer.money(borrower, row.amount_minor),
            "paid_on": writer.day(borrower, row.paid_on),
            "balance": writer.money(borrower, borrower.balance_minor),
        }
        channels = [c for c in borrower.rules.channels if c is not MessageChannel.LETTER]
        planned = writer.write(
            row.account_id,
            MessageReason.RECEIPT,
            row.reference,
            "receipt",
            # A receipt by e-mail first: it is kept; a text is the fallback.
            sorted(channels, key=lambda c: c is not MessageChannel.EMAIL),
            values,
            received,
            aware(row.received_at) + timedelta(days=RECEIPT_DAYS),
        )
        if planned is not None:
            found.append(planned)
    return found
