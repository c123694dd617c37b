"""The rules messages obey, run by run: visit notices printed, posted and recorded; opt-outs;
a hold placed after queuing; a permanent failure in the review queue; a dry run; the lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldcore.messaging import MessageChannel
from headoffice.messages import run_lock
from headoffice.messages.outgoing import Answer, Delivery, Outgoing
from headoffice.oversight.review import review_queue
from headoffice.store.tables import messages, notices
from headoffice.work import portfolio, roster
from headoffice.work.assignment import Selection, assign
from headoffice.work.holds import place_hold, record_notices
from headoffice.work.letters_run import mark_posted
from headoffice.work.messages_run import run_messages
from headoffice.work.opting_out import opt_out
from headoffice.work.settings import set_setting
from tests.conftest import DAY
from tests.helpers import HEADER, account_row, cli, write_portfolio

MORNING = datetime(2026, 11, 24, 9, tzinfo=UTC)


class Refusing:
    """A channel that refuses every message for good, as a gateway does a dead number."""

    def __init__(self) -> None:
        self.seen: list[Outgoing] = []

    def send(self, message: Outgoing) -> Delivery:
        self.seen.append(message)
        return Delivery(Answer.FAILED, "400 the number does not exist")

    def close(self) -> None:
        pass


@pytest.fixture
def office(engine, tmp_path):
    rows = [
        account_row("DK-1", country="DK", email="dk1@example.dk"),
        account_row("DK-2", country="DK"),
    ]
    path = write_portfolio(tmp_path / "p.csv", rows, [*HEADER, "email", "country"])
    portfolio.import_accounts(engine, portfolio.read_portfolio(path))
    set_setting(engine, "lender.name", "Nordbank")
    set_setting(engine, "lender.phone", "+45 70 12 34 56")
    roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", DAY + timedelta(days=10), ["DK-1", "DK-2"])
    return engine


def visit_notices(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                sa.select(notices.c.account_id).where(notices.c.kind == "visit_notice")
            ).scalars()
        )


def test_a_planned_danish_visit_gets_a_letter_that_counts_once_posted(office, tmp_path):
    letters = tmp_path / "print"
    report = run_messages(office, MORNING, {}, letters)
    assert report.queued[("visit_notice", "letter")] == 2
    [batch] = report.batches
    pdfs = sorted(p.name for p in batch.folder.glob("*.pdf"))
    assert len(pdfs) == 2 and (batch.folder / "addresses.csv").exists()
    assert visit_notices(office) == []  # printed is not sent
    # A second run plans nothing again and prints nothing again.
    again = run_messages(office, MORNING + timedelta(hours=1), {}, letters)
    assert not again.queued and not again.batches
    mark_posted(
        office, batch.batch_id, DAY + timedelta(days=1), "post room", DAY + timedelta(days=1)
    )
    assert visit_notices(office) == ["DK-1", "DK-2"]
    with office.connect() as conn:
        states = set(conn.execute(sa.select(messages.c.state)).scalars())
    assert states == {"sent"}


def test_opted_out_of_letters_is_refused_and_a_hold_withholds_a_queued_message(office):
    from headoffice.messages.opt_outs import OptOutError

    with pytest.raises(OptOutError, match="written notice"):
        opt_out(office, "DK-1", "letter", "", "head office")
    assert opt_out(office, "DK-1", "email", "replied STOP", "head office")
    assert not opt_out(office, "DK-1", "email", "again", "head office")
    run_messages(office, MORNING, {})  # letters queued, no print folder given
    place_hold(office, "DK-2", "cease", "wrote to stop", "head office")
    report = run_messages(office, MORNING, {}, None)
    assert report.letters_waiting == 2  # still queued: letters are checked when printed


def test_a_permanent_failure_becomes_a_review_item(office, engine):
    with engine.begin() as conn:
        conn.execute(
            messages.insert().values(
                key="receipt:DK-1:K-1",
                account_id="DK-1",
                reason="receipt",
                ref="K-1",
                channel="sms",
                language="da",
                templates="messages/da v1",
                to_address="+45 20 30 40 50",
                subject="",
                body="Kvittering K-1",
                due_at=MORNING,
                state="queued",
                attempts=0,
                next_try_at=MORNING,
                created_at=MORNING,
            )
        )
    channel = Refusing()
    report = run_messages(office, MORNING, {MessageChannel.SMS: channel})
    assert [m.key for m in channel.seen] == ["receipt:DK-1:K-1"]
    assert report.sent.failed == 1
    [item] = [i for i in review_queue(engine, DAY) if i.kind == "message"]
    assert item.ref == "receipt:DK-1:K-1" and "does not exist" in item.summary


def test_a_dry_run_changes_nothing_and_a_busy_lock_refuses(office):
    report = run_messages(office, MORNING, {}, dry_run=True)
    assert report.queued[("visit_notice", "letter")] == 2
    with office.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar_one() == 0
    holder = run_lock.take(office)
    with pytest.raises(run_lock.RunBusy, match="another messages run"):
        run_messages(office, MORNING, {})
    run_lock.let_go(office, holder)
    assert run_messages(office, MORNING, {}).queued


def test_a_visit_assigned_before_its_notice_can_arrive_warns_the_supervisor(office, db_url):
    # DK-1 had its notice three weeks ago; DK-2 has none yet, and Denmark asks for 3 days.
    record_notices(office, ["DK-1"], "visit_notice", DAY - timedelta(days=21), "post room", DAY)
    soon = DAY + timedelta(days=1)
    said = cli(
        "headoffice", "assign", "--collector", "Mette", "--date", soon.isoformat(),
        "DK-1", "DK-2", "--db", db_url,
    ).stdout  # fmt: skip
    assert "assigned 2 visit(s)" in said
    assert "warning: 1 visit(s) come before their written notice" in said
    assert f"DK-2: from {DAY + timedelta(days=3)}" in said and "DK-1:" not in said
    # A notice sent yesterday: the first day counts from it.
    record_notices(office, ["DK-2"], "visit_notice", DAY - timedelta(days=1), "post room", DAY)
    done = assign(office, "Mette", soon, Selection(("DK-2",)), DAY)
    assert done.notice_too_soon == {"DK-2": DAY + timedelta(days=2)}
    # Far enough ahead, nothing to warn about.
    later = assign(office, "Mette", DAY + timedelta(days=3), Selection(("DK-1", "DK-2")), DAY)
    assert later.notice_too_soon == {}
