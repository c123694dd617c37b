"""Closing accounts and their limitation dates, on the real server, on SQLite and PostgreSQL: a
close by command, by API and by payments clearing the balance; the account leaves the field and
no route takes it again; each claim's limitation date follows its payments into the review queue."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldcore.keeping import Limitation, limitation_on, years_after
from headoffice.oversight.review import review_queue
from headoffice.store.tables import accounts, audit_entries, visits
from headoffice.work import portfolio
from headoffice.work.payments import import_payments
from tests.helpers import cli, three_borrowers, write_portfolio

RULE = Limitation(years=3, warning_days=90)


def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def account(engine, account_id: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.select(accounts).where(accounts.c.account_id == account_id)).one()


def close_entries(engine) -> list[tuple[str, dict]]:
    import json

    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_entries.c.subject_id, audit_entries.c.body)
            .where(audit_entries.c.kind == "close")
            .order_by(audit_entries.c.seq)
        )
        return [(row.subject_id, json.loads(row.body)) for row in rows]


def test_a_closed_account_leaves_the_routes_and_no_route_takes_it_again(laptop, engine, today):
    sync_once(laptop)
    done = cli(
        "headoffice", "close", "DK-1", "--reason", "settled", "--note", "settled for 80%",
        "--by", "Anna", "--db", url(engine),
    )  # fmt: skip
    assert (
        done.stdout.strip() == f"DK-1 closed (settled) on {today}; 1 visit(s) taken off the routes"
    )
    closed = account(engine, "DK-1")
    assert (closed.closed_on, closed.closed_reason, closed.closed_by) == (today, "settled", "Anna")
    with engine.connect() as conn:
        left = conn.execute(sa.select(visits.c.status).where(visits.c.account_id == "DK-1"))
        assert left.scalars().all() == ["recalled"]
    # The laptop drops it at its next sync, as after a recall.
    sync_once(laptop)
    store = Store(laptop)
    assert [stop.account_id for stop in store.route(today)] == ["CN-1", "EN-1"]
    store.close()
    # The close is in the trail (its note as a hash), and the trail holds.
    [(subject, body)] = close_entries(engine)
    assert subject == "DK-1" and body["reason"] == "settled" and body["visits_recalled"] == 1
    assert "settled for 80%" not in str(body)
    assert cli("headoffice", "audit", "verify", "--db", url(engine)).returncode == 0
    # Twice is a clear error; so is a route for it.
    again = cli(
        "headoffice", "close", "DK-1", "--reason", "repaid", "--db", url(engine), check=False
    )
    assert again.returncode == 1
    assert f"DK-1 is already closed: settled on {today} by Anna" in again.stderr
    routed = cli(
        "headoffice", "assign", "--collector", "Mette", "--date", str(today), "DK-1",
        "--db", url(engine), check=False,
    )  # fmt: skip
    assert routed.returncode == 1 and "Traceback" not in routed.stderr
    assert f"closed, so not for a route: DK-1 (on {today})" in routed.stderr
    unknown = cli(
        "headoffice", "close", "XX-9", "--reason", "sold", "--db", url(engine), check=False
    )
    assert unknown.returncode == 1 and "there is no account 'XX-9'" in unknown.stderr


def test_the_supervisor_api_closes_and_says_why_it_cannot(boss, engine, portfolio_file, today):
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    done = boss.post("/supervisor/accounts/CN-1/close", json={"reason": "written_off"})
    assert done.status_code == 200, done.text
    assert done.json() == {
        "account_id": "CN-1",
        "reason": "written_off",
        "closed_on": today.isoformat(),
        "closed_by": "Anna",
        "visits_recalled": 0,
    }
    again = boss.post("/supervisor/accounts/CN-1/close", json={"reason": "written_off"})
    assert again.status_code == 409 and "already closed" in again.json()["detail"]
    assert boss.post("/supervisor/accounts/NO-1/close", json={"reason": "sold"}).status_code == 404
    bad = boss.post("/supervisor/accounts/DK-1/close", json={"reason": "forgiven"})
    assert bad.status_code == 422
    assert account(engine, "DK-1").closed_on is None


def test_payments_that_clear_the_balance_close_the_account_as_repaid(laptop, engine, today):
    sync_once(laptop)
    # EN-1 owes 800.00 GBP: 760.00 from the bank, then 40.00 in cash at the door.
    bank = "account_id,amount,currency,paid_on,reference\nEN-1,760.00,GBP,2026-11-20,BANK-1\n"
    path = laptop.parent / "payments.csv"
    path.write_text(bank, encoding="utf-8")
    loaded = cli("headoffice", "import-payments", str(path), "--db", url(engine))
    assert "closed as repaid" not in loaded.stdout
    assert account(engine, "EN-1").closed_on is None
    store = Store(laptop)
    record_outcome(
        store,
        store.visit_for_account("EN-1"),
        {"outcome": "paid", "amount": "40.00", "method": "cash"},
        locate=lambda now: None,
    )
    store.close()
    assert sync_once(laptop).refused == 0
    closed = account(engine, "EN-1")
    assert (closed.closed_on, closed.closed_reason) == (today, "repaid")
    assert [subject for subject, _body in close_entries(engine)] == ["EN-1"]
    # A payment file that clears an account says so.
    cleared = "account_id,amount,currency,paid_on,reference\nCN-1,10000.00,CNY,2026-11-22,B-2\n"
    path.write_text(cleared, encoding="utf-8")
    said = cli("headoffice", "import-payments", str(path), "--db", url(engine)).stdout
    assert "closed as repaid (balance cleared): CN-1" in said
    assert cli("headoffice", "audit", "verify", "--db", url(engine)).returncode == 0


def load(engine, path) -> None:
    portfolio.import_accounts(engine, portfolio.read_portfolio(path))


def test_a_payment_already_in_core_bankings_figures_is_not_counted_twice(engine, tmp_path):
    rows = three_borrowers(**{"DK-1": {"outstanding": "100.00", "overdue_amount": "100.00"}})
    load(engine, write_portfolio(tmp_path / "p.csv", rows))
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,60.00,DKK,2026-11-20,B-1\n"
    )
    # Core banking's next file has the payment in: 40.00 left. Another 40.00 clears it.
    rows[0] |= {"outstanding": "40.00", "overdue_amount": "40.00"}
    load(engine, write_portfolio(tmp_path / "p.csv", rows))
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,30.00,DKK,2026-11-21,B-2\n"
    )
    assert account(engine, "DK-1").closed_on is None
    summary = import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,10.00,DKK,2026-11-22,B-3\n"
    )
    assert summary.closed == ("DK-1",)


def test_the_limitation_date_follows_payments_and_warns_in_the_review_queue(
    engine, portfolio_file, today, monkeypatch
):
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    fell_due = account(engine, "DK-1").oldest_due_date
    assert account(engine, "DK-1").limitation_on == years_after(fell_due, 3)
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,10.00,DKK,2026-11-20,B-1\n"
    )
    limit = date(2029, 11, 20)
    assert account(engine, "DK-1").limitation_on == limit
    assert limit == limitation_on(fell_due, date(2026, 11, 20), RULE)

    # Not yet within the 90 days' warning; then within it; then resolved with a note.
    def expiring(day: date, account_id: str = "DK-1") -> list:
        found = review_queue(engine, day)
        return [i for i in found if i.kind == "limitation" and i.account_id == account_id]

    assert not expiring(date(2029, 8, 21))
    warned = expiring(date(2029, 8, 22))
    ref = "20291120:DK-1"
    assert [(i.ref, i.account_id, i.facts.expires_on, i.facts.days_left) for i in warned] == [
        (ref, "DK-1", limit, 90)
    ]
    assert warned[0].summary.startswith("the claim expires on 20 Nov 2029, in 90 days (")
    # The accounts with no payment, due 45 days before the pinned day, warn too by then.
    assert {
        i.account_id for i in review_queue(engine, date(2029, 11, 1)) if i.kind == "limitation"
    } == {
        "DK-1",
        "CN-1",
        "EN-1",
    }
    monkeypatch.setenv("HEADOFFICE_TODAY", "2029-09-01")
    done = cli(
        "headoffice", "resolve", "limitation", ref, "--note", "referred to legal in time",
        "--db", url(engine),
    )  # fmt: skip
    assert done.stdout.strip() == f"resolved limitation {ref}"
    assert not expiring(date(2029, 9, 1))
    # A later payment moves the date: a new item, when its warning comes.
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,10.00,DKK,2029-09-01,B-2\n"
    )
    assert account(engine, "DK-1").limitation_on == date(2032, 9, 1)
    # A closed account is no longer a claim to watch.
    cli("headoffice", "close", "CN-1", "--reason", "sold", "--db", url(engine))
    later = review_queue(engine, date(2029, 11, 1))
    assert {i.account_id for i in later if i.kind == "limitation"} == {"EN-1"}
