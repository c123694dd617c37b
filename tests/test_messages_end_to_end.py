"""Messages end to end: promises recorded on a laptop and synced to the real server, then
`headoffice messages run` sending through a real SMTP server (aiosmtpd) and a local SMS
gateway: reminded once across two runs and a kill -9, held accounts get nothing, quiet
hours in Shanghai, Danish words for a Danish borrower, a receipt with the laptop's number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.syncing import enroll_laptop, sync_once
from headoffice.store.tables import audit_entries, messages
from headoffice.work import portfolio, roster
from headoffice.work.settings import set_setting
from tests.conftest import DAY
from tests.helpers import HEADER, account_row, cli, three_borrowers, write_portfolio

DUE = DAY + timedelta(days=3)  # promised on DAY (Monday 23 Nov) for Thursday
# The payment reaches head office on DAY at this moment's time of day: the runs act on the
# days after, so the tests pass at any hour.
EVE = DUE - timedelta(days=2)  # Tuesday: 16:30 UTC is already Wednesday in Shanghai
EARLY = DUE - timedelta(days=1)  # Wednesday, the day before the promise falls due
SENDER = "collections@nordbank.example"
COLUMNS = [*HEADER, "email"]


def borrowers() -> list[dict]:
    rows = three_borrowers(
        **{
            "DK-1": {"email": "soren@example.dk"},
            "EN-1": {"email": "sally@example.co.uk"},
            "CN-1": {"phone": "+86 138 0000 0001"},
        }
    )
    # Held for a dispute after promising: nothing may reach them.
    return [*rows, account_row("HO-1", email="held@example.dk", language="da")]


def on_laptop(home, *args: str) -> None:
    done = CliRunner().invoke(fieldapp, ["--home", str(home), *args])
    assert done.exit_code == 0, done.output


def run_messages(db_url: str, now: str, *channels: str) -> str:
    out = cli("headoffice", "messages", "run", "--db", db_url, "--now", now, *channels).stdout
    return out


def test_reminders_notices_and_receipts_go_out_once_each(
    tmp_path,
    engine,
    server,
    db_url,
    mail_server,
    sms_gateway,
    monkeypatch,
):
    portfolio.import_accounts(
        engine, portfolio.read_portfolio(write_portfolio(tmp_path / "p.csv", borrowers(), COLUMNS))
    )
    set_setting(engine, "lender.name", "Nordbank")
    set_setting(engine, "lender.phone", "+45 70 12 34 56")
    token = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", DAY, ["DK-1", "CN-1", "EN-1", "HO-1"])
    home = tmp_path / "laptop"
    enroll_laptop(home, server.url, token, "test laptop")
    sync_once(home)
    for account, amount in (("DK-1", "400.00"), ("CN-1", "300.00"), ("HO-1", "200.00")):
        on_laptop(home, "record", account, "--outcome", "promise", "--amount", amount,
                  "--promise-date", DUE.isoformat())  # fmt: skip
    on_laptop(home, "record", "EN-1", "--outcome", "paid", "--amount", "25.00",
              "--method", "cash")  # fmt: skip
    assert sync_once(home).refused == 0
    cli("headoffice", "hold", "HO-1", "--reason", "dispute", "--db", db_url)
    mail = mail_server(starttls=True)
    monkeypatch.setenv("HEADOFFICE_SMTP_CA_FILE", str(mail.ca_file))
    channels = ("--smtp-url", mail.url(), "--smtp-from", SENDER, "--sms-url", sms_gateway.url)

    # 16:30 UTC on Tuesday is 00:30 on Wednesday in Shanghai: the reminder is written, and
    # waits for 08:00 there; Copenhagen is still on Tuesday. The receipt goes at once.
    said = run_messages(db_url, f"{EVE}T16:30:00+00:00", *channels)
    assert "reminder by sms" in said and "receipt by email" in said
    assert not sms_gateway.delivered
    [receipt] = mail.received
    assert receipt.rcpt_tos == ["sally@example.co.uk"] and receipt.tls
    text = receipt.message.get_content()
    number = _receipt_number(engine)
    assert number in text and number in receipt.message["Subject"]
    assert "£25.00" in text and "Nordbank" in text and "STOP" in text

    # 00:05 UTC is 08:05 in Shanghai: the text goes; the gateway is slow and the run is
    # killed (-9) while it waits. The next run sends it again with the same key.
    sms_gateway.slow("+86 138 0000 0001", 3.0)
    killed = _start_run(db_url, f"{EARLY}T00:05:00+00:00", channels)
    _wait_for(lambda: sms_gateway.requests)
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    with engine.connect() as conn:
        state = conn.execute(
            sa.select(messages.c.state).where(messages.c.key.startswith("reminder:CN-1"))
        ).scalar_one()
    assert state == "sending"
    said = run_messages(db_url, f"{EARLY}T00:10:00+00:00", *channels)
    assert "left sending by a run that stopped" in said
    # Tuesday morning in Copenhagen and London: the Danish reminder, once.
    run_messages(db_url, f"{EARLY}T09:00:00+00:00", *channels)
    run_messages(db_url, f"{EARLY}T09:30:00+00:00", *channels)

    [text_message] = sms_gateway.delivered
    assert text_message.number == "+86 138 0000 0001"
    assert "还款" in text_message.body["text"] and "【Nordbank】" in text_message.body["text"]
    keys = [r.headers["idempotency-key"] for r in sms_gateway.requests]
    assert len(keys) == 2 and len(set(keys)) == 1  # sent twice, taken once
    to = sorted(address for r in mail.received for address in r.rcpt_tos)
    assert to == ["sally@example.co.uk", "soren@example.dk"]  # nothing for the held one
    danish = next(r for r in mail.received if r.rcpt_tos == ["soren@example.dk"]).message
    assert "forfalder" in danish["Subject"] and "400,00" in danish.get_content()
    assert danish["Content-Language"] == "da"
    with engine.connect() as conn:
        states = dict(
            conn.execute(
                sa.select(messages.c.key, messages.c.state).where(messages.c.channel != "letter")
            ).all()
        )
        entries = conn.execute(
            sa.select(sa.func.count()).where(audit_entries.c.kind == "message sent")
        ).scalar_one()
    assert not [key for key in states if key.startswith(("reminder:HO-1", "receipt:HO-1"))]
    assert sorted(states.values()) == ["sent", "sent", "sent"]
    assert entries == 3
    assert cli("headoffice", "audit", "verify", "--db", db_url).returncode == 0
    listed = cli("headoffice", "messages", "list", "--account", "DK-1", "--db", db_url).stdout
    assert "reminder:DK-1" in listed and "sent" in listed


def _receipt_number(engine) -> str:
    with engine.connect() as conn:
        ref = conn.execute(
            sa.select(messages.c.ref).where(messages.c.reason == "receipt")
        ).scalar_one()
    return ref


def _start_run(db_url: str, now: str, channels: tuple[str, ...]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "headoffice",
            "messages",
            "run",
            "--db",
            db_url,
            "--now",
            now,
            *channels,
        ],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)


def test_a_run_without_the_lenders_name_refuses_and_changes_nothing(engine, db_url, tmp_path):
    portfolio.import_accounts(
        engine, portfolio.read_portfolio(write_portfolio(tmp_path / "p.csv", borrowers(), COLUMNS))
    )
    said = cli("headoffice", "messages", "run", "--db", db_url, check=False)
    assert said.returncode == 1
    assert "lender.name" in said.stderr and "headoffice settings set" in said.stderr
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar_one() == 0
