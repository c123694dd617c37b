"""A head-office demo team: collectors, a regional portfolio and two weeks of their work."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.accounts import Account
from fieldcore.contact import HoldReason
from fieldcore.stages import days_past_due, stage_for
from headoffice.evidence.trail import record_unrecorded
from headoffice.store import tables
from headoffice.work import portfolio, roster
from headoffice.work.arrangements import record_promise
from headoffice.work.holds import hold_from_field, record_notices
from headoffice.work.payments import field_payment

# The outcomes a conversation came before, and the shipped libraries' version then.
_TALKED = ("promise", "paid", "refused", "dispute", "hardship")
_SCRIPT_VERSION = 3

TEAM = (("Lars Berg", "da"), ("Wei Chen", "zh"), ("Fiona Grant", "en"))
DEMO_SUPERVISOR = "Head Office Demo"

# Invented streets in invented postal districts, with coordinates around two cities.
_FIRST = ("Ida", "Emil", "Freja", "Oskar", "Alma", "Noah", "Clara", "Victor", "Ella", "Magnus")
_LAST = ("Holm", "Dahl", "Lund", "Krogh", "Bech", "Vang", "Friis", "Storm", "Kjær", "Bruun")
_AREAS = (
    ("Zealand", "København", "2100", 55.70, 12.57),
    ("Zealand", "Frederiksberg", "2000", 55.68, 12.53),
    ("Zealand", "Valby", "2500", 55.66, 12.51),
    ("Jutland", "Aarhus", "8000", 56.16, 10.20),
    ("Jutland", "Aarhus N", "8200", 56.18, 10.19),
    ("Jutland", "Viby J", "8260", 56.13, 10.16),
)
_DAYS_PAST_DUE = (6, 18, 29, 41, 57, 73, 86, 99, 125, 160)
# Outcome codes and how often they come back from the field.
_CODES = (
    ("not_home", 30),
    ("promise", 22),
    ("paid", 14),
    ("refused", 9),
    ("callback", 8),
    ("third_party", 6),
    ("dispute", 4),
    ("hardship", 4),
    ("moved", 3),
)


def team_accounts(today: date, count: int = 60) -> list[Account]:
    """Regional accounts with coordinates, spread over every stage."""
    rng = random.Random(7)
    found = []
    for n in range(count):
        region, city, postal, lat, lon = _AREAS[n % len(_AREAS)]
        installment = rng.randrange(800, 4000) * 100
        dpd = _DAYS_PAST_DUE[n % len(_DAYS_PAST_DUE)]
        found.append(
            Account(
                account_id=f"T-{2001 + n}",
                borrower_name=f"{_FIRST[n % 10]} {_LAST[(n // 10 + n) % 10]}",
                address=f"{rng.choice(('Skovvej', 'Søgade', 'Engvej', 'Bakkevej'))} {n + 3}",
                city=city,
                postal_code=postal,
                region=region,
                lat=round(lat + rng.uniform(-0.03, 0.03), 5),
                lon=round(lon + rng.uniform(-0.05, 0.05), 5),
                phone=f"+45 40 {10 + n:02d} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                language="da",
                timezone="Europe/Copenhagen",
                country="DK",
                currency="DKK",
                outstanding_minor=installment * 20,
                overdue_minor=installment * max(1, dpd // 30 + 1),
                installment_minor=installment,
                oldest_due_date=today - timedelta(days=dpd),
            )
        )
    return found


def seed_team(engine: Engine, today: date) -> str:
    """Add the team, their last two weeks of visits and today's routes; return a supervisor token.

    Deterministic for a given day, so that the console's screenshots hold still.
    """
    from headoffice.work.supervisors import add_supervisor

    accounts = team_accounts(today)
    portfolio.import_accounts(engine, accounts)
    # Danish home visits need a written notice first: the post room sent them a month ago.
    ids = [a.account_id for a in accounts]
    record_notices(engine, ids, "visit_notice", today - timedelta(days=30), "post room", today)
    for name, language in TEAM:
        roster.add_collector(engine, name, language, "Europe/Copenhagen")
    rng = random.Random(11)
    codes = [code for code, weight in _CODES for _ in range(weight)]
    for back in range(13, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() == 6:  # nobody knocks on doors on Sundays
            continue
        picked = rng.sample(accounts, 24)
        for index, (name, _language) in enumerate(TEAM):
            route = [a.account_id for a in picked[index * 8 : index * 8 + 8]]
            roster.assign(engine, name, day, route)
        if back > 0:
            _work_the_day(engine, day, rng, codes, {a.account_id: a for a in accounts})
    record_unrecorded(engine)  # the two weeks seeded above, in the audit trail
    return add_supervisor(engine, DEMO_SUPERVISOR)


def _work_the_day(
    engine: Engine, day: date, rng: random.Random, codes: list[str], by_id: dict[str, Account]
) -> None:
    with engine.begin() as conn:
        routes = conn.execute(
            sa.select(
                tables.visits.c.visit_id, tables.visits.c.account_id, tables.visits.c.collector_id
            )
            .where(tables.visits.c.visit_date == day, tables.visits.c.status == "assigned")
            .order_by(tables.visits.c.collector_id, tables.visits.c.sequence)
        ).all()
        for order, visit in enumerate(routes):
            account = by_id.get(visit.account_id)
            if account is None or rng.random() < 0.1:  # a few stops stay undone
                continue
            code = rng.choice(codes)
            moment = datetime.combine(day, time(9, 0), UTC) + timedelta(minutes=order * 25)
            amount = promise_date = method = None
            details: dict = {}
            if code == "promise":
                amount = account.installment_minor
                promise_date = day + timedelta(days=rng.randrange(2, 10))
            elif code == "paid":
                amount = account.installment_minor // rng.choice((1, 2))
                method = rng.choice(("cash", "transfer", "card"))
            elif code == "dispute":
                details = {"dispute_reason": rng.choice(_DISPUTES)}
            elif code == "hardship":
                # Not drawn from rng either: a statement taken at the door, for the review.
                details = {
                    "instalment_minor": amount or 50000,
                    "term_months": 6,
                    "statement": {
                        "currency": account.currency,
                        "household_size": 2 + order % 3,
                        "income_wages": 1_900_000 + 10_000 * (order % 7),
                        "housing": 850_000,
                        "utilities": 150_000,
                        "food": 450_000 + 50_000 * (order % 3),
                        "travel": 120_000,
                        "priority_debts": 100_000,
                    },
                }
            elif code == "moved":
                # Not drawn from rng: the rest of the demo stays as it was.
                details = {"new_address": f"{order + 2} Harbour Road"}
            if code in _TALKED:
                # The call script the collector read at the door, and how far up its
                # ladder they went: for the numbers of what works. Not drawn from rng.
                # A current account reads the early script, as build_script gives it.
                stage = stage_for(max(1, days_past_due(account.oldest_due_date, day))).value
                details |= {
                    "script_id": f"{stage}.visit.short_for_now.{account.language or 'da'}",
                    "script_version": _SCRIPT_VERSION,
                    "script_step": 1 + order % 4,
                }
            row = {
                "id": f"team-{visit.visit_id}",
                "visit_id": visit.visit_id,
                "account_id": visit.account_id,
                "collector_id": visit.collector_id,
                "device_id": "team-demo",
                "outcome": code,
                "amount_minor": amount,
                "currency": account.currency if amount else None,
                "promise_date": promise_date,
                "method": method,
                "note": "",
                # One demo laptop books every receipt: numbered by day and stop.
                "receipt_no": f"DEMO-{day:%m%d}-{order:04d}" if code == "paid" else None,
                "recorded_at": moment,
                "received_at": moment + timedelta(hours=8),
                "needs_review": False,
                "details": json.dumps(details),
            }
            conn.execute(tables.outcomes.insert().values(**row))
            if code == "promise":
                record_promise(conn, row, row["received_at"])
            if code == "dispute":
                # As a push does: the dispute holds the account until head office releases it.
                hold_from_field(
                    conn,
                    HoldReason.DISPUTE,
                    [(visit.account_id, details["dispute_reason"], "team demo")],
                )
            if code == "paid":
                conn.execute(
                    tables.payments.insert().values(**field_payment(row, row["received_at"]))
                )
            elif code == "promise" and rng.random() < 0.6:
                # Most promises are kept, by transfer before the date.
                conn.execute(
                    tables.payments.insert().values(
                        id=f"import:BANK-{visit.visit_id}",
                        account_id=account.account_id,
                        amount_minor=amount,
                        currency=account.currency,
                        paid_on=promise_date - timedelta(days=1),
                        source="import",
                        reference=f"BANK-{visit.visit_id}",
                        received_at=moment,
                    )
                )


_DISPUTES = (
    "says the last instalment was paid at the branch",
    "the amount does not match the contract",
    "says the loan was settled by the guarantor",
)
