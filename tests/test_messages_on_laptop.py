"""The messages head office sent a borrower by itself reach the laptop at its next sync, newest
first and only those sent; the visit shows them in the collector's time and words; an older
laptop's pull leaves them out; a recalled borrower's and a wiped laptop's leave with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldapp.tui.visit import VisitScreen
from fieldcore.messaging import MessageChannel, MessageReason, SentMessage, message_key
from headoffice.cli import main as headoffice
from headoffice.compliance.holds import contact_states
from headoffice.compliance.sent_messages import summary
from headoffice.store.message_tables import messages
from headoffice.store.tables import touch_accounts
from headoffice.work import roster
from sync.account_state import MAX_MESSAGES_DOWN
from sync.protocol import MESSAGES_PROTOCOL
from tests.conftest import DAY
from tests.helpers import raw_laptop_db
from tests.sqlcipher_pages import with_the_key
from tests.test_every_word_translated import raw_codes
from tests.ui import drive, text_of
from tests.visible import screen_text

# Saturday evening before the pinned Monday: 18:30 in Copenhagen, the collector's zone.
EVENING = datetime(2026, 11, 21, 17, 30, tzinfo=UTC)
REMINDER = (
    "Dear Søren Ærø, your instalment of 250.00 kr. falls due tomorrow. MARKER-MSG pay at "
    "your bank or to your collector."
)
RECEIPT = "Receipt R-7 [bold]for 100.00 kr.[/bold]"  # borrower-facing text, with brackets
LETTER = "We will visit you at home on 24 November 2026"


def row(account_id: str, reason: MessageReason, ref: str, **changes: object) -> dict:
    """An outbox row as the sender leaves it once the channel took it."""
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return {
        "key": message_key(reason, account_id, ref),
        "account_id": account_id,
        "reason": reason.value,
        "ref": ref,
        "channel": "sms",
        "language": "da",
        "templates": "messages/da@1",
        "to_address": "+45 12 34 56 78",
        "subject": "",
        "body": "",
        "due_at": now,
        "state": "sent",
        "attempts": 1,
        "next_try_at": now,
        "sent_at": EVENING,
        "created_at": now,
    } | changes


def put(engine, *rows: dict) -> None:
    """Rows straight into head office's outbox; their accounts go down again."""
    with engine.begin() as conn:
        conn.execute(messages.insert(), list(rows))
        touch_accounts(conn, {r["account_id"] for r in rows})


def a_day_of_messages(engine) -> None:
    put(
        engine,
        row("DK-1", MessageReason.REMINDER, "2026-11-22", body=REMINDER),
        row("DK-1", MessageReason.RECEIPT, "R-7", channel="email", subject=RECEIPT,
            body="Thank you.", sent_at=EVENING - timedelta(days=2)),
        # Waiting for its moment: never on the laptop.
        row("DK-1", MessageReason.BROKEN, "2026-11-20", body="QUEUED-MSG", state="queued",
            sent_at=None),
        row("DK-1", MessageReason.STAGE_NOTICE, "late", body="FAILED-MSG", state="failed",
            sent_at=None),
        row("CN-1", MessageReason.VISIT_NOTICE, "2026-11-24", channel="letter", body=LETTER,
            sent_at=EVENING - timedelta(days=3)),
    )  # fmt: skip


def on_laptop(home, account_id: str) -> list[SentMessage]:
    store = Store(home)
    try:
        return store.messages_for_account(account_id)
    finally:
        store.close()


def test_sent_messages_reach_the_laptop_newest_first_and_no_other(laptop, engine):
    sync_once(laptop)
    assert on_laptop(laptop, "DK-1") == []
    a_day_of_messages(engine)
    sync_once(laptop)
    said = "Dear Søren Ærø, your instalment of 250.00 kr. falls due tomorrow. MARKER-MSG…"
    assert on_laptop(laptop, "DK-1") == [
        SentMessage(MessageReason.REMINDER, MessageChannel.SMS, EVENING, said),
        SentMessage(
            MessageReason.RECEIPT, MessageChannel.EMAIL, EVENING - timedelta(days=2), RECEIPT
        ),
    ]
    assert [m.channel for m in on_laptop(laptop, "CN-1")] == [MessageChannel.LETTER]
    assert on_laptop(laptop, "EN-1") == []
    # What head office has now replaces what the laptop had: the queued one went out.
    with engine.begin() as conn:
        conn.execute(
            messages.update()
            .where(messages.c.body == "QUEUED-MSG")
            .values(state="sent", sent_at=EVENING + timedelta(hours=1))
        )
        touch_accounts(conn, ["DK-1"])
    sync_once(laptop)
    shown = on_laptop(laptop, "DK-1")
    assert [(m.reason, m.summary) for m in shown] == [
        (MessageReason.BROKEN, "QUEUED-MSG"),
        (MessageReason.REMINDER, said),
        (MessageReason.RECEIPT, RECEIPT),
    ]
    assert all(m.sent_at.tzinfo is not None for m in shown)


def test_a_pull_carries_the_newest_twenty_set_by_set(engine):
    many = [
        row("DK-1", MessageReason.REMINDER, f"2026-10-{day:02}", body=f"number {day}",
            sent_at=datetime(2026, 10, day, 9, 0, tzinfo=UTC))
        for day in range(1, 26)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(messages.insert(), many)
        states = contact_states(conn, ["DK-1", "EN-1"])
    found = states["DK-1"].messages
    assert len(found) == MAX_MESSAGES_DOWN
    assert [m.summary for m in found] == [f"number {day}" for day in range(25, 5, -1)]
    assert found[0].sent_at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert found[0].sent_at.tzinfo is not None
    assert states["EN-1"].messages == []


def test_a_summary_is_the_subject_or_the_first_words():
    assert summary("Your receipt", "Thank you for paying") == "Your receipt"
    assert summary("  ", "  Thank you\n\nfor   paying ") == "Thank you for paying"
    long = summary("", "word " * 40)
    assert len(long) <= 80 and long.endswith("word…")
    assert summary("", "x" * 100) == "x" * 79 + "…"
    assert len(summary("s" * 400, "")) == 300


def test_a_laptop_on_protocol_6_gets_no_messages_key(laptop, server, engine):
    sync_once(laptop)
    a_day_of_messages(engine)
    store = Store(laptop)
    token = store.setting("device_token")
    store.close()
    pages = {}
    for protocol in (MESSAGES_PROTOCOL - 1, MESSAGES_PROTOCOL):
        answer = httpx.post(
            f"{server.url}/sync/pull",
            json={"protocol": protocol, "cursor": "", "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        pages[protocol] = answer.json()["contact"]
    assert pages[MESSAGES_PROTOCOL - 1] and all(
        "messages" not in c for c in pages[MESSAGES_PROTOCOL - 1]
    )
    told = {c["account_id"]: c["messages"] for c in pages[MESSAGES_PROTOCOL]}
    assert [m["reason"] for m in told["DK-1"]] == ["reminder", "receipt"]


def visit_of(laptop, account_id: str, language: str) -> tuple[str, str]:
    """The visit screen of the account: its messages card and the whole screen, as text."""
    store = Store(laptop)
    visit = store.visit_for_account(account_id)
    store.close()

    async def steps(app, pilot):
        app.push_screen(VisitScreen(visit))
        await pilot.pause()
        await pilot.pause()
        return text_of(app, "#messages"), screen_text(app)

    return drive(laptop, steps, size=(160, 80), language=language)


def test_the_visit_shows_what_head_office_sent_in_the_collectors_time(laptop, engine):
    sync_once(laptop)
    a_day_of_messages(engine)
    sync_once(laptop)
    card, _screen = visit_of(laptop, "DK-1", "en")
    assert "Messages head office sent" in card
    assert "2026-11-21 18:30" in card  # Copenhagen, whatever the machine's zone
    assert "SMS: reminder" in card and "E-mail: receipt" in card
    assert "MARKER-MSG" in card
    assert RECEIPT in card  # its brackets as written, not read as markup
    assert "QUEUED-MSG" not in card and "FAILED-MSG" not in card
    card, _screen = visit_of(laptop, "CN-1", "en")
    assert "Letter: visit notice" in card and "2026-11-18 18:30" in card
    for language, words in (("da", "SMS: påmindelse"), ("zh", "短信：还款提醒")):
        card, screen = visit_of(laptop, "DK-1", language)
        assert words in card
        assert raw_codes([("visit", screen)], language) == []
    # An account without messages shows no card for them.
    card, _screen = visit_of(laptop, "EN-1", "en")
    assert "Messages head office sent" not in _screen


def test_a_recalled_borrower_leaves_with_their_messages(laptop, engine):
    sync_once(laptop)
    a_day_of_messages(engine)
    sync_once(laptop)
    assert on_laptop(laptop, "DK-1")
    roster.recall(engine, DAY, ["DK-1"])
    assert sync_once(laptop).visits_removed == 1
    assert on_laptop(laptop, "DK-1") == []
    assert on_laptop(laptop, "CN-1")  # the others stay
    left = [name for name, data in with_the_key(laptop).items() if b"MARKER-MSG" in data]
    assert left == []


def test_a_wiped_laptop_keeps_no_message(laptop, engine, db_url):
    sync_once(laptop)
    a_day_of_messages(engine)
    sync_once(laptop)
    revoked = CliRunner().invoke(
        headoffice, ["collector", "revoke", "Mette", "--wipe", "--db", db_url]
    )
    assert revoked.exit_code == 0, revoked.output
    done = CliRunner().invoke(fieldapp, ["--home", str(laptop), "sync"])
    assert done.exit_code == 1 and "ordered it wiped" in " ".join(done.output.split())
    assert sorted(p.name for p in laptop.iterdir()) == []


def test_a_laptop_from_before_messages_downloads_its_scope_again(laptop, engine):
    sync_once(laptop)
    a_day_of_messages(engine)
    # As a laptop of protocol 6 left it: no table, and a cursor past the messages' change.
    sync_once(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm011_messages'")
    conn.execute("DROP TABLE messages")
    conn.commit()
    conn.close()
    store = Store(laptop)
    try:
        assert store.setting("cursor") == "" and store.setting("rebuilding") == "1"
        assert store.messages_for_account("DK-1") == []
    finally:
        store.close()
    sync_once(laptop)
    assert len(on_laptop(laptop, "DK-1")) == 2
    assert len(on_laptop(laptop, "CN-1")) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar() == 5
