"""The numbers that say what works, on a small portfolio worked out by hand.

Core banking's file arrives on 1 October, 15 October and 10 November 2026 (head office's
clock pinned to each day); head office's today is then 20 November.

    A1  oldest due 10 Sep, 1,000.00 overdue; never paid up            Mette's, a kept promise
    A2  oldest due 25 Sep; the 15 Oct file has it current (cured)     Jens's, not home
    A3  oldest due 1 Jul; written off on 20 Oct
    A4  oldest due 15 Aug; the 10 Nov file moves it to 1 Nov (early)  Mette's, a broken promise
    A5  oldest due 28 Sep; repaid on 25 Oct                           Jens's, cash at the door

Roll rates (stage on the 1st, fate at the month's end: the next 1st, or today):

    Sep  A3 middle (62 days) -> late; A4 early (17 days) -> middle: both rolled
    Oct  early A1 -> middle (rolled), A2 -> current (cured), A5 repaid (cured);
         middle A4 -> middle (stayed); late A3 written off (closed)
    Nov  middle A1 stayed (71 days on the 20th), A4 improved (early, 19 days)

Recovery in October: Mette was sent to A1 on 5 and 12 Oct and to A4 on 5 Oct, Jens to A2 on
6 Oct. The bank paid A1 200.00 on 20 Oct, A4 100.00 on 3 Oct (before its visit: not
recovered) and A2 500.00 on 14 Oct. Mette: 2 accounts, none cured, 200.00 of 1,800.00;
Jens: 1 cured, 500.00 of 500.00. By stage at assignment: A1 (25 days) and A2 (11) early,
A4 (51) middle.

Promises in October: Mette took A1's 200.00 by 20 Oct (kept) and A4's 300.00 by 10 Oct
(broken: its 100.00 came before the promise). First visits: A1 (5 Oct, paid 15 days
later), A4 (5 Oct, never paid), A2 (6 Oct, paid 8 days later) and A5 (7 Oct, cash at the
door that day).

Scripts: dk-early version 1, step 2 for A1 (kept: won); version 2, step 1 for A4 (broken),
step 0 for A2 (not home) and step 3 for A5 (paid: won). Early accounts: version 1 won 1 of
1, version 2 won 1 of 2 (A2, A5): a difference of -0.5, its 95% interval
-0.5 +/- 1.96 * sqrt(0/1 + 0.25/2).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from headoffice.oversight.views import ViewError, view
from headoffice.store import tables
from headoffice.work import portfolio, roster
from headoffice.work.arrangements import agreement_rows
from headoffice.work.closing import close_account
from headoffice.work.payments import field_payment, import_payments
from headoffice.work.supervisors import add_supervisor
from tests.console_office import console_for, drive, settle, table_rows, text
from tests.helpers import HEADER, account_row, cli

TODAY = date(2026, 11, 20)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
FIRST = {
    "A1": ("2026-09-10", "1000.00"),
    "A2": ("2026-09-25", "500.00"),
    "A3": ("2026-07-01", "2000.00"),
    "A4": ("2026-08-15", "800.00"),
    "A5": ("2026-09-28", "300.00"),
}


def _import(engine, monkeypatch, day: str, figures: dict[str, tuple[str, str]]) -> None:
    monkeypatch.setenv("HEADOFFICE_TODAY", day)
    rows = [
        account_row(a, oldest_due_date=due, overdue_amount=overdue, outstanding="9000.00")
        for a, (due, overdue) in figures.items()
    ]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    portfolio.import_accounts(engine, portfolio.parse_portfolio(text.getvalue()))


def _outcome(conn, n: int, account: str, collector: int, at: str, code: str, **extra) -> None:
    script = extra.pop("script")
    row = {
        "id": f"o{n}",
        "visit_id": f"v-{account}",
        "account_id": account,
        "collector_id": collector,
        "device_id": "laptop",
        "outcome": code,
        "amount_minor": extra.get("amount_minor"),
        "currency": "DKK" if "amount_minor" in extra else None,
        "promise_date": extra.get("promise_date"),
        "note": "",
        "recorded_at": datetime.fromisoformat(at).replace(tzinfo=UTC),
        "received_at": datetime.fromisoformat(at).replace(tzinfo=UTC),
        "needs_review": False,
        "details": json.dumps(
            dict(zip(("script_id", "script_version", "script_step"), script, strict=True))
        ),
    }
    conn.execute(tables.outcomes.insert().values(**row))
    if code == "paid":
        conn.execute(tables.payments.insert().values(**field_payment(row, row["received_at"])))
    for table, values in agreement_rows(row, row["received_at"]):
        conn.execute(table.insert().values(**values))


@pytest.fixture
def book(engine, monkeypatch):
    """The portfolio above, as head office holds it on TODAY."""
    _import(engine, monkeypatch, "2026-10-01", FIRST)
    _import(engine, monkeypatch, "2026-10-15", FIRST | {"A2": ("2026-11-25", "0.00")})
    monkeypatch.setenv("HEADOFFICE_TODAY", "2026-10-20")
    close_account(engine, "A3", "written_off", "no assets", "Ida")
    monkeypatch.setenv("HEADOFFICE_TODAY", "2026-10-25")
    close_account(engine, "A5", "repaid", "paid in full", "Ida")
    latest = FIRST | {"A2": ("2026-11-25", "0.00"), "A4": ("2026-11-01", "300.00")}
    _import(engine, monkeypatch, "2026-11-10", latest)
    monkeypatch.setenv("HEADOFFICE_TODAY", TODAY.isoformat())
    roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.add_collector(engine, "Jens", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", date(2026, 10, 5), ["A1", "A4"])
    roster.assign(engine, "Mette", date(2026, 10, 12), ["A1"])
    roster.assign(engine, "Jens", date(2026, 10, 6), ["A2"])
    import_payments(
        engine,
        "account_id,amount,currency,paid_on,reference\n"
        "A1,200.00,DKK,2026-10-20,B-1\nA4,100.00,DKK,2026-10-03,B-2\n"
        "A2,500.00,DKK,2026-10-14,B-3\n",
    )
    with engine.begin() as conn:
        ids = dict(
            conn.execute(
                sa.select(tables.collectors.c.name, tables.collectors.c.collector_id)
            ).all()
        )
        m, j = ids["Mette"], ids["Jens"]
        _outcome(
            conn,
            1,
            "A1",
            m,
            "2026-10-05T09:00",
            "promise",
            amount_minor=20000,
            promise_date=date(2026, 10, 20),
            script=("dk-early", 1, 2),
        )
        _outcome(
            conn,
            2,
            "A4",
            m,
            "2026-10-05T11:00",
            "promise",
            amount_minor=30000,
            promise_date=date(2026, 10, 10),
            script=("dk-early", 2, 1),
        )
        _outcome(conn, 3, "A2", j, "2026-10-06T10:00", "not_home", script=("dk-early", 2, 0))
        _outcome(
            conn,
            4,
            "A5",
            j,
            "2026-10-07T10:00",
            "paid",
            amount_minor=30000,
            script=("dk-early", 2, 3),
        )
    return engine


def _rows(found) -> list[dict]:
    return [row.model_dump() for row in found.rows]


def test_roll_rates_month_by_month(book):
    found = view(book, "rolls", None, date(2026, 9, 1), TODAY, TODAY)
    fates = {
        (r["month"], r["stage"]): (
            r["accounts"],
            r["cured"],
            r["improved"],
            r["stayed"],
            r["rolled"],
            r["closed"],
        )
        for r in _rows(found)
    }
    assert fates == {
        ("2026-09", "early"): (1, 0, 0, 0, 1, 0),
        ("2026-09", "middle"): (1, 0, 0, 0, 1, 0),
        ("2026-09", "late"): (0, 0, 0, 0, 0, 0),
        ("2026-10", "early"): (3, 2, 0, 0, 1, 0),
        ("2026-10", "middle"): (1, 0, 0, 1, 0, 0),
        ("2026-10", "late"): (1, 0, 0, 0, 0, 1),
        ("2026-11", "early"): (0, 0, 0, 0, 0, 0),
        ("2026-11", "middle"): (2, 0, 1, 1, 0, 0),
        ("2026-11", "late"): (0, 0, 0, 0, 0, 0),
    }
    october_early = next(r for r in found.rows if (r.month, r.stage) == ("2026-10", "early"))
    assert (october_early.cure_rate, october_early.roll_rate) == (0.6667, 0.3333)
    assert [r.complete for r in found.rows if r.stage == "early"] == [True, True, False]


def test_recovery_by_collector_and_by_stage(book):
    by_collector = view(book, "recovery", "collector", *OCTOBER, TODAY)
    assert [
        (r.key, r.accounts, r.cured, r.overdue_minor, r.recovered_minor, r.recovery_rate)
        for r in by_collector.rows
    ] == [("Jens", 1, 1, 50000, 50000, 1.0), ("Mette", 2, 0, 180000, 20000, 0.1111)]
    by_stage = view(book, "recovery", "stage", *OCTOBER, TODAY)
    assert [
        (r.key, r.accounts, r.cured, r.overdue_minor, r.recovered_minor) for r in by_stage.rows
    ] == [
        ("early", 2, 1, 150000, 70000),
        ("middle", 1, 0, 80000, 0),
    ]


def test_promises_and_the_days_to_a_first_payment(book):
    found = view(book, "promises", None, *OCTOBER, TODAY)
    rows = {r.key: r for r in found.rows}
    mette, jens = rows["Mette"], rows["Jens"]
    assert (mette.taken, mette.kept, mette.broken, mette.promised_minor, mette.kept_minor) == (
        2,
        1,
        1,
        50000,
        20000,
    )
    assert mette.kept_rate == 0.5
    assert (mette.first_visits, mette.paid_after_first_visit, mette.days_to_first_payment) == (
        2,
        1,
        15.0,
    )
    # A2 paid 8 days after its first visit, A5 at the door the same day: the median, 4.
    assert (jens.taken, jens.first_visits, jens.paid_after_first_visit) == (0, 2, 2)
    assert jens.days_to_first_payment == 4.0


def test_collector_efficiency(book):
    rows = {r.collector: r for r in view(book, "collectors", None, *OCTOBER, TODAY).rows}
    mette, jens = rows["Mette"], rows["Jens"]
    assert (mette.days_worked, mette.visits, mette.visits_per_day, mette.contacts) == (1, 2, 2.0, 2)
    assert (mette.promises_kept, mette.promises_kept_per_visit) == (1, 0.5)
    # The bank's 200.00 on A1 follows Mette's visit; A4's 100.00 came before any visit.
    assert (mette.collected, mette.money_per_visit) == ({"DKK": 20000}, {"DKK": 10000})
    assert (jens.days_worked, jens.visits, jens.contacts, jens.contact_rate) == (2, 2, 1, 0.5)
    assert (jens.collected, jens.money_per_visit) == ({"DKK": 80000}, {"DKK": 40000})
    assert rows["unassigned"].collected == {"DKK": 10000}


def test_scripts_by_step_and_two_versions_compared(book):
    found = view(book, "scripts", None, *OCTOBER, TODAY)
    assert [(r.version, r.step, r.outcomes, r.promises, r.paid, r.won) for r in found.rows] == [
        (1, 2, 1, 1, 0, 1),
        (2, 0, 1, 0, 0, 0),
        (2, 1, 1, 1, 0, 0),
        (2, 3, 1, 0, 1, 1),
    ]
    [early] = [c for c in found.comparisons if c.stage == "early"]
    spread = 1.959964 * math.sqrt(0 / 1 + 0.25 / 2)
    assert (early.champion, early.challenger) == (1, 2)
    assert (early.champion_outcomes, early.challenger_outcomes) == (1, 2)
    assert (early.champion_rate, early.challenger_rate, early.difference) == (1.0, 0.5, -0.5)
    assert (early.low, early.high) == (round(-0.5 - spread, 4), round(-0.5 + spread, 4))


def test_a_view_asked_wrongly_says_what_to_ask(book):
    with pytest.raises(ViewError, match="takes by stage, product, region, collector"):
        view(book, "recovery", "day", *OCTOBER, TODAY)
    with pytest.raises(ViewError, match="takes no --by"):
        view(book, "rolls", "stage", *OCTOBER, TODAY)


def test_the_command_shows_each_view_as_a_table_csv_and_json(book, db_url):
    table = cli("headoffice", "numbers", "--view", "rolls", "--db", db_url).stdout
    header, *lines = table.splitlines()
    assert header.split() == [
        "month",
        "complete",
        "stage",
        "accounts",
        "cured",
        "improved",
        "stayed",
        "rolled",
        "closed",
        "cure_rate",
        "roll_rate",
    ]
    # Six months to TODAY's: June to November, three overdue stages each.
    assert len(lines) == 18 and lines[-2].split()[:4] == ["2026-11", "so", "far", "middle"]
    csv_text = cli(
        "headoffice",
        "numbers",
        "--view",
        "recovery",
        "--by",
        "collector",
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-31",
        "--format",
        "csv",
        "--db",
        db_url,
    ).stdout
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(r["key"], r["overdue"], r["recovered"]) for r in rows] == [
        ("Jens", "500.00", "500.00"),
        ("Mette", "1800.00", "200.00"),
    ]
    collectors = cli(
        "headoffice",
        "numbers",
        "--view",
        "collectors",
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-31",
        "--format",
        "json",
        "--db",
        db_url,
    ).stdout
    document = json.loads(collectors)
    assert document["view"] == "collectors" and document["by"] is None
    assert {r["collector"]: r["money_per_visit"] for r in document["rows"]}["Jens"] == {
        "DKK": 40000
    }
    refused = cli(
        "headoffice", "numbers", "--view", "rolls", "--by", "region", "--db", db_url, check=False
    )
    assert refused.returncode == 1
    assert "the rolls view takes no --by, not 'region'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_api_serves_each_view(book, boss):
    answer = boss.get(
        "/supervisor/numbers/scripts", params={"since": "2026-10-01", "until": "2026-10-31"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [c["challenger"] for c in body["comparisons"]] == [2]
    assert len(body["rows"]) == 4
    promises = boss.get(
        "/supervisor/numbers/promises",
        params={"by": "stage", "since": "2026-10-01", "until": "2026-10-31"},
    ).json()
    assert {(r["key"], r["taken"]) for r in promises["rows"]} == {("early", 1), ("middle", 1)}
    wrong = boss.get("/supervisor/numbers/rolls", params={"by": "collector"})
    assert wrong.status_code == 409
    assert wrong.json()["field"] == "by"


@pytest.mark.usefixtures("own_settings")
def test_the_console_steps_through_the_views(book, server, engine):
    async def steps(app, pilot):
        await pilot.press("3")
        await settle(pilot)
        seen = {}
        for _view in ("rolls", "recovery", "promises", "collectors"):
            await pilot.press("v")
            await settle(pilot)
            seen[text(app, "#numbers-title").split(" from ")[0]] = table_rows(app, "#numbers-table")
        return seen

    token = add_supervisor(engine, "Bo")
    seen = drive(console_for((server, token, engine)), steps)
    assert list(seen) == ["Roll rates", "Cure and recovery", "Promises", "Collector efficiency"]
    october = [r for r in seen["Roll rates"] if r[0] == "2026-10"]
    # Month, stage, accounts, cured, improved, stayed, rolled, closed unpaid, the rates.
    assert october[0] == ["2026-10", "early", "3", "2", "0", "0", "1", "0", "67%", "33%"]
    # Month, collector, promises, kept, partly kept, broken, open, amount kept, kept rate.
    [mette] = [r for r in seen["Promises"] if r[1] == "Mette"]
    assert mette[:9] == ["2026-10", "Mette", "2", "1", "0", "1", "0", "DKK\xa0200.00", "50%"]
    # Collectors count the 14 days to today, when nobody worked.
    assert seen["Collector efficiency"] == []
