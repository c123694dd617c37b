"""Messages that go out by themselves: two `headoffice serve --messages` processes on one
database send each notice once; a gateway answering 503 is tried again after its backoff
and the text is delivered once, under one idempotency key."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa

from headoffice.store.tables import messages
from headoffice.work import portfolio
from headoffice.work.settings import set_setting
from tests.conftest import DAY
from tests.helpers import HEADER, LiveServer, account_row, cli, write_portfolio

SENDER = "collections@nordbank.example"
# Five days overdue on DAY: entered the early stage, whose shipped policies send a reminder.
ENTERED_EARLY = (DAY - timedelta(days=5)).isoformat()


def entered_early(engine, tmp_path, rows: list[dict]) -> None:
    path = write_portfolio(tmp_path / "p.csv", rows, [*HEADER, "email", "country"])
    portfolio.import_accounts(engine, portfolio.read_portfolio(path))
    set_setting(engine, "lender.name", "Nordbank")
    set_setting(engine, "lender.phone", "+45 70 12 34 56")


def sent_states(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(messages.c.state).order_by(messages.c.key)).scalars())


def test_two_servers_sending_messages_send_each_one_once(
    db_url, engine, tmp_path, mail_server, monkeypatch
):
    rows = [
        account_row(
            f"DK-{n}", country="DK", email=f"dk{n}@example.dk", oldest_due_date=ENTERED_EARLY
        )
        for n in (1, 2, 3)
    ]
    entered_early(engine, tmp_path, rows)
    mail = mail_server()
    # 10:00 in Copenhagen on DAY, and on from there: inside the window for the whole test.
    monkeypatch.setenv("HEADOFFICE_TODAY", f"{DAY}T09:00:00+00:00")
    options = ("--messages", "--messages-every", "1")
    options += ("--smtp-url", mail.url(), "--smtp-from", SENDER)
    servers = [LiveServer(db_url, tmp_path / f"serve{n}.log", options=options) for n in (1, 2)]
    try:
        for server in servers:
            server.start()
        deadline = time.monotonic() + 30
        while len(mail.received) < 3:
            assert time.monotonic() < deadline, [s.log.read_text() for s in servers]
            time.sleep(0.05)
        time.sleep(2.5)  # a few more turns of both loops: nothing goes twice
    finally:
        for server in servers:
            server.stop()
    logs = [server.log.read_text() for server in servers]
    assert sorted(to for r in mail.received for to in r.rcpt_tos) == [
        "dk1@example.dk",
        "dk2@example.dk",
        "dk3@example.dk",
    ]
    assert all("sending messages every 1 s by e-mail" in log for log in logs)
    assert sum(log.count("messages: sent") for log in logs) >= 1
    assert "Traceback" not in "".join(logs)
    assert sent_states(engine) == ["sent", "sent", "sent"]


def test_a_gateway_that_answers_503_is_tried_again_after_the_backoff(
    db_url, engine, tmp_path, sms_gateway
):
    number = "+86 138 0000 0001"
    rows = [
        account_row(
            "CN-1",
            country="CN",
            phone=number,
            language="zh",
            timezone="Asia/Shanghai",
            currency="CNY",
            oldest_due_date=ENTERED_EARLY,
        )
    ]
    entered_early(engine, tmp_path, rows)
    sms_gateway.fail_first(number, 1, status=503)

    def run(at: str) -> str:
        return cli(
            "headoffice", "messages", "run", "--db", db_url, "--sms-url", sms_gateway.url,
            "--now", f"{DAY}T{at}+00:00",
        ).stdout  # fmt: skip

    # 02:00 UTC is 10:00 in Shanghai. The gateway is not taking messages just now.
    assert "1 to try again later" in run("02:00:00")
    assert len(sms_gateway.requests) == 1 and not sms_gateway.delivered
    # Half a minute on, the backoff has not run out: nothing is tried.
    assert "sent" not in run("02:00:30")
    assert len(sms_gateway.requests) == 1
    # Past the first backoff (a minute): tried again and delivered; a later run sends nothing.
    assert "sent 1 by sms" in run("02:01:30")
    assert "sent" not in run("02:10:00")
    [delivered] = sms_gateway.delivered
    assert delivered.number == number
    keys = {r.headers["idempotency-key"] for r in sms_gateway.requests}
    assert len(sms_gateway.requests) == 2 and len(keys) == 1
    assert sent_states(engine) == ["sent"]
