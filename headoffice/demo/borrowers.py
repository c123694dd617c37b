"""Demo portfolio: borrowers in English, Danish and Chinese at every stage of delinquency."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from content import CONTENT_DIR
from fieldcore.accounts import Account
from headoffice.evidence.trail import record_unrecorded
from headoffice.store import tables
from headoffice.work import portfolio, roster
from headoffice.work.arrangements import record_promise
from headoffice.work.holds import place_hold, record_notices
from headoffice.work.payments import field_payment
from headoffice.work.publishing import publish
from headoffice.work.settings import set_setting

# (name, address, city, postal code, phone) per language; invented people and places.
_PEOPLE = {
    "da": [
        ("Søren Ærøskøbing", "Østergade 12, 2. th.", "København K", "1100", "+45 21 43 65 87"),
        ("Mette Kjærgaard", "Åboulevarden 41", "Aarhus C", "8000", "+45 22 19 84 30"),
        ("Jørgen Løvstrøm", "Nørregade 7", "Odense C", "5000", "+45 23 55 10 92"),
        ("Birthe Hansen", "Vesterbrogade 118, st.", "København V", "1620", "+45 24 71 28 46"),
        ("Anders Bækgård", "Søndergade 3", "Vejle", "7100", "+45 25 38 94 01"),
        ("Karen Østergaard", "Kongensgade 66", "Esbjerg", "6700", "+45 26 60 47 13"),
        ("Niels Frølund", "Algade 19", "Roskilde", "4000", "+45 27 82 35 64"),
        ("Lise Mølgaard", "Bredgade 24, 1.", "Herning", "7400", "+45 28 14 76 59"),
        ("Thomas Skovbjærg", "Jernbanegade 5", "Aalborg", "9000", "+45 29 47 03 28"),
        ("Hanne Dalsgård", "Torvegade 88", "Svendborg", "5700", "+45 30 91 62 75"),
        ("Rasmus Krøyer", "Strandvejen 201", "Hellerup", "2900", "+45 31 25 88 40"),
        ("Pia Nørgaard", "Havnegade 2", "Fredericia", "7000", "+45 32 73 19 06"),
    ],
    "zh": [
        ("王小明", "朝阳区建国路88号3单元502", "北京", "100022", "+86 138 0013 8000"),
        ("李秀英", "浦东新区世纪大道100号", "上海", "200120", "+86 139 1234 5678"),
        ("张伟", "天河区体育西路191号", "广州", "510620", "+86 137 2468 1357"),
        ("刘芳", "南山区科技园南路15号", "深圳", "518057", "+86 136 9876 5432"),
        ("陈静", "武侯区人民南路四段27号", "成都", "610041", "+86 135 1122 3344"),
        ("杨洋", "西湖区文三路259号", "杭州", "310012", "+86 134 5566 7788"),
        ("赵磊", "鼓楼区中山路321号", "南京", "210008", "+86 133 9900 1122"),
        ("黄丽", "江汉区解放大道690号", "武汉", "430022", "+86 132 3344 5566"),
        ("周强", "雁塔区小寨东路126号", "西安", "710061", "+86 131 7788 9900"),
        ("吴敏", "思明区湖滨南路57号", "厦门", "361004", "+86 130 2233 4455"),
        ("徐军", "和平区南京路189号", "天津", "300041", "+86 150 6677 8899"),
        ("孙燕", "市南区香港中路12号", "青岛", "266071", "+86 151 4455 6677"),
    ],
    "en": [
        ("Margaret O'Brien", "14 Mill Lane", "Leeds", "LS1 4AB", "+44 7700 900101"),
        ("David Okafor", "3 Station Road, Flat 2", "Manchester", "M1 2CD", "+44 7700 900102"),
        ("Sarah [Sally] Mitchell", "27 Church Street", "Bristol", "BS1 5EF", "+44 7700 900103"),
        ("James Whitfield", "9 Park Avenue", "Birmingham", "B2 6GH", "+44 7700 900104"),
        ("Priya Sharma", "61 High Street", "Leicester", "LE1 7IJ", "+44 7700 900105"),
        ("Thomas Hughes", "5 Victoria Terrace", "Cardiff", "CF10 8KL", "+44 7700 900106"),
        ("Emily Clarke", "112 London Road", "Sheffield", "S2 9MN", "+44 7700 900107"),
        ("Robert MacLeod", "8 Queen Street", "Glasgow", "G1 3OP", "+44 7700 900108"),
        ("Aisha Rahman", "44 Green Lane", "Bradford", "BD1 4QR", "+44 7700 900109"),
        ("William Turner", "2 The Crescent", "York", "YO1 5ST", "+44 7700 900110"),
        ("Chloe Evans", "19 Castle Street", "Swansea", "SA1 6UV", "+44 7700 900111"),
        ("George Patel", "73 King's Road", "Nottingham", "NG1 7WX", "+44 7700 900112"),
    ],
}
_LOCALE = {
    "da": ("DKK", "Europe/Copenhagen"),
    "zh": ("CNY", "Asia/Shanghai"),
    "en": ("GBP", "Europe/London"),
}
# Days past due cycled through so every stage shows up in every language.
_DAYS_PAST_DUE = (4, 12, 27, 35, 48, 62, 77, 88, 95, 130, 181, 240)
_SECURITY = ("unsecured", "guarantor", "unsecured", "pledge", "mortgage", "guarantor")
_PRODUCTS = ("personal loan", "car loan", "small business loan", "consumer credit")

DEMO_COLLECTOR = "Demo Collector"


# Where each language's borrowers live: Denmark and China have policies of their own;
# the British borrowers get the default, the strictest of all.
_COUNTRY = {"da": "DK", "zh": "CN", "en": "GB"}


def demo_accounts(today: date) -> list[Account]:
    """36 invented accounts, 12 per language, spread over every stage."""
    found = []
    for language, people in _PEOPLE.items():
        currency, zone = _LOCALE[language]
        for index, (name, address, city, postcode, phone) in enumerate(people):
            dpd = _DAYS_PAST_DUE[index]
            installment = (1200 + 350 * index) * 100
            months_behind = max(1, dpd // 30 + 1)
            security = _SECURITY[index % len(_SECURITY)]
            found.append(
                Account(
                    account_id=f"{language.upper()}-{1001 + index}",
                    borrower_name=name,
                    address=address,
                    city=city,
                    postal_code=postcode,
                    phone=phone,
                    language=language,
                    timezone=zone,
                    country=_COUNTRY[language],
                    currency=currency,
                    outstanding_minor=installment * (24 - index),
                    overdue_minor=installment * months_behind,
                    principal_minor=installment * 30,
                    installment_minor=installment,
                    oldest_due_date=today - timedelta(days=dpd),
                    product=_PRODUCTS[index % len(_PRODUCTS)],
                    security=security,
                    guarantor_name=people[(index + 3) % len(people)][0]
                    if security == "guarantor"
                    else None,
                    guarantor_phone=people[(index + 3) % len(people)][4]
                    if security == "guarantor"
                    else None,
                    spouse_name=people[(index + 5) % len(people)][0] if index % 3 == 0 else None,
                )
            )
    return found


# An invented lender, as a supervisor sets it with `headoffice settings set`.
DEMO_LENDER = {
    "lender.name": "Nordlys Bank A/S",
    "lender.address": "Havnegade 1, 1058 København K",
    "lender.phone": "+45 70 12 34 56",
}


def seed_demo(engine: Engine, today: date) -> str:
    """Load the demo portfolio and lender, add the demo collector and route; return their token."""
    accounts = demo_accounts(today)
    portfolio.import_accounts(engine, accounts)
    _earlier_visits(engine, accounts, today)
    publish(engine, CONTENT_DIR)
    for key, value in DEMO_LENDER.items():
        set_setting(engine, key, value)
    token = roster.add_collector(engine, DEMO_COLLECTOR, "en", "Europe/Copenhagen")
    roster.assign(engine, DEMO_COLLECTOR, today, [a.account_id for a in accounts])
    _contact_on_record(engine, accounts, today)
    record_unrecorded(engine)  # the history seeded above, in the audit trail as a push puts it
    return token


def _contact_on_record(engine: Engine, accounts: list[Account], today: date) -> None:
    """The visit notices the Danish law asks for, sent ten days ago (the last borrower's
    only yesterday: not yet a day to knock), and one borrower on hold: bereaved, head
    office asked collectors to wait."""
    danish = [a.account_id for a in accounts if a.country == "DK"]
    sent = today - timedelta(days=10)
    record_notices(engine, danish[:-1], "visit_notice", sent, "post room", today)
    record_notices(
        engine, danish[-1:], "visit_notice", today - timedelta(days=1), "post room", today
    )
    place_hold(engine, "ZH-1012", "vulnerable", "bereavement in the family", "Head Office Demo")


def _earlier_visits(engine: Engine, accounts: list[Account], today: date) -> None:
    """A colleague's visits two weeks ago: promises kept and broken, a refusal, nobody home."""
    roster.add_collector(engine, "Anna Holm", "da", "Europe/Copenhagen")
    earlier = today - timedelta(days=14)
    picked = accounts[1::4]
    roster.assign(engine, "Anna Holm", earlier, [a.account_id for a in picked])
    stories = [
        ("promise", "paid"),  # a promise, kept
        ("promise", None),  # a promise, broken
        ("refused", None),
        ("not_home", None),
    ]
    with engine.begin() as conn:
        collector_id = conn.execute(
            sa.select(tables.collectors.c.collector_id).where(
                tables.collectors.c.name == "Anna Holm"
            )
        ).scalar_one()
        visit_of = dict(
            conn.execute(
                sa.select(tables.visits.c.account_id, tables.visits.c.visit_id).where(
                    tables.visits.c.collector_id == collector_id
                )
            ).all()
        )
        for index, account in enumerate(picked):
            first, then = stories[index % len(stories)]
            when = datetime.combine(earlier, time(10, 30), UTC) + timedelta(minutes=index * 20)
            promised = account.installment_minor or 100_00
            rows = [(first, when)] + ([(then, when + timedelta(days=5))] if then else [])
            for number, (code, moment) in enumerate(rows):
                row = dict(
                    id=f"demo-{account.account_id}-{number}",
                    visit_id=visit_of[account.account_id],
                    account_id=account.account_id,
                    collector_id=collector_id,
                    device_id="demo",
                    outcome=code,
                    amount_minor=promised if code in ("promise", "paid") else None,
                    currency=account.currency if code in ("promise", "paid") else None,
                    promise_date=earlier + timedelta(days=7) if code == "promise" else None,
                    method="transfer" if code == "paid" else None,
                    note="",
                    recorded_at=moment,
                    received_at=moment,
                    needs_review=False,
                    details="{}",
                )
                conn.execute(tables.outcomes.insert().values(**row))
                if code == "promise":
                    record_promise(conn, row, moment)
                if code == "paid":
                    conn.execute(tables.payments.insert().values(**field_payment(row, moment)))
