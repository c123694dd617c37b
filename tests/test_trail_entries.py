"""The trail's entries for holds, releases, notices, deposits and arrangements, on the real
server over SQLite and PostgreSQL: each is entered as it is stored, a day of them verifies
intact, an amount edited in SQL is named, and a failure after the entry keeps neither."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.store.tables import audit_entries, deposits, holds
from sync.client import ServerUnreachable
from tests.conftest import DAY
from tests.helpers import cli

GRIEF = "her husband died last week"  # a note that names the borrower's life: hashed only


def headoffice(engine, *args: str, check: bool = True):
    return cli("headoffice", *args, "--db", engine.url.render_as_string(hide_password=False),
               check=check)  # fmt: skip


def entries(engine, after: int = 0) -> list[tuple[str, str | None, str | None, dict]]:
    """The office chain's entries after `after`: (kind, table, id, body)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_entries)
            .where(audit_entries.c.chain == "office", audit_entries.c.seq > after)
            .order_by(audit_entries.c.seq)
        ).all()
    return [(r.kind, r.subject_table, r.subject_id, json.loads(r.body)) for r in rows]


def last_seq(engine) -> int:
    with engine.connect() as conn:
        query = sa.select(sa.func.max(audit_entries.c.seq)).where(audit_entries.c.chain == "office")
        return conn.execute(query).scalar() or 0


def note_sha(note: str) -> str:
    return hashlib.sha256(note.encode()).hexdigest()


def field_work(laptop) -> None:
    """Cash at DK-1 and a plan there; a promise and a hardship request at EN-1; a dispute at
    CN-1; the cash paid in at the bank. Recorded on the laptop, not yet pushed."""
    store = Store(laptop)
    try:
        first = (DAY + timedelta(days=1)).isoformat()
        due = (DAY + timedelta(days=3)).isoformat()
        said = [
            ("DK-1", {"outcome": "paid", "amount": "500.00", "method": "cash"}),
            ("DK-1", {"outcome": "plan", "amount": "900.00", "instalments": "3",
                      "every": "month", "first_date": first}),
            ("EN-1", {"outcome": "promise", "amount": "100", "promise_date": due}),
            ("EN-1", {"outcome": "hardship", "instalment": "50.00", "term_months": "6",
                      "note": "lost her job"}),
            ("CN-1", {"outcome": "dispute", "dispute_reason": "not my loan", "note": ""}),
        ]  # fmt: skip
        for account, raw in said:
            record_outcome(store, store.visit_for_account(account), raw, locate=lambda now: None)
        store.record_deposit({"amount": "400.00", "currency": "DKK", "slip": "NB-1"})
    finally:
        store.close()


def test_a_day_of_holds_notices_deposits_and_arrangements_is_entered_and_verifies(
    laptop, engine, boss
):
    sync_once(laptop)
    field_work(laptop)
    before = last_seq(engine)
    assert sync_once(laptop).refused == 0
    pushed = entries(engine, before)
    assert [kind for kind, *_ in pushed] == [
        *["outcome"] * 5, "payment", "deposit", "arrangement", "arrangement",
        *["instalment"] * 4, "hold placed",
    ]  # fmt: skip
    # The dispute told at the door held CN-1 at once, in the collector's name.
    held = pushed[-1]
    with engine.connect() as conn:
        cn_hold = conn.execute(sa.select(holds.c.id).where(holds.c.account_id == "CN-1")).scalar()
    assert held[1:3] == ("holds", str(cn_hold)) and held[3] == {
        "account_id": "CN-1", "reason": "dispute", "note_sha256": note_sha("not my loan"),
        "by": "Mette",
    }  # fmt: skip
    deposit = next(e for e in pushed if e[0] == "deposit")
    assert deposit[1] == "deposits" and set(deposit[3]["fields"]) >= {"amount_minor", "slip"}
    plan_parts = [e[2] for e in pushed if e[0] == "instalment"]
    assert sorted(p.rpartition("#")[2] for p in plan_parts) == ["1", "1", "2", "3"]

    # At head office: a hold and its release (CLI), a notice each way, a hold by API.
    before = last_seq(engine)
    headoffice(engine, "hold", "EN-1", "--reason", "vulnerable", "--note", GRIEF)
    headoffice(engine, "release", "EN-1", "--reason", "vulnerable", "--note", "family: call")
    headoffice(engine, "notice", "record", "DK-1", "--kind", "visit_notice",
               "--sent-on", "2026-11-20")  # fmt: skip
    placed = boss.post("/supervisor/accounts/DK-1/holds", json={"reason": "cease", "note": "a"})
    assert placed.status_code == 201, placed.text
    sent = boss.post("/supervisor/accounts/CN-1/notices",
                     json={"kind": "visit_notice", "sent_on": "2026-11-21"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    office = entries(engine, before)
    assert [(kind, table) for kind, table, _id, _body in office] == [
        ("hold placed", "holds"), ("hold released", "holds"), ("notice", "notices"),
        ("hold placed", "holds"), ("notice", "notices"),
    ]  # fmt: skip
    placed_entry, released_entry, notice_entry = office[0], office[1], office[2]
    assert placed_entry[3] == {"account_id": "EN-1", "reason": "vulnerable",
                               "note_sha256": note_sha(GRIEF), "by": "head office"}  # fmt: skip
    with engine.connect() as conn:
        hold_id = conn.execute(
            sa.select(holds.c.id).where(
                holds.c.account_id == "EN-1", holds.c.reason == "vulnerable"
            )
        ).scalar_one()
    assert placed_entry[2] == released_entry[2] == str(hold_id)  # the same hold, lifted
    assert released_entry[3]["note_sha256"] == note_sha("family: call")
    assert notice_entry[3] == {"account_id": "DK-1", "kind": "visit_notice",
                               "sent_on": "2026-11-20", "by": "head office"}  # fmt: skip
    assert office[3][3]["by"] == "Anna" and office[4][3]["by"] == "Anna"
    with engine.connect() as conn:
        text = " ".join(conn.execute(sa.select(audit_entries.c.body)).scalars())
    assert GRIEF not in text and "not my loan" not in text  # personal words never kept

    # Review: the dispute settled lifts its hold; the hardship accepted makes a plan that
    # takes over from EN-1's promise.
    before = last_seq(engine)
    items = {i["kind"]: i for i in boss.get("/supervisor/review").json()}
    done = boss.post(f"/supervisor/review/dispute/{items['dispute']['ref']}",
                     json={"note": "statement sent"})  # fmt: skip
    assert done.status_code == 200, done.text
    headoffice(engine, "resolve", "hardship", items["hardship"]["ref"], "--accept",
               "--first-date", "2026-12-15", "--note", "payslips seen")  # fmt: skip
    decided = entries(engine, before)
    assert [kind for kind, *_ in decided] == [
        "review resolution", "hold released", "review resolution", "arrangement",
        *["instalment"] * 6, "arrangement replaced", "instalment replaced",
    ]  # fmt: skip
    assert decided[1][3] == {"account_id": "CN-1", "reason": "dispute",
                             "note_sha256": note_sha("statement sent"), "by": "Anna"}  # fmt: skip

    verified = headoffice(engine, "audit", "verify")
    assert verified.stdout.startswith("audit trail intact: "), verified.stderr


def test_an_amount_of_a_deposit_or_an_arrangement_edited_in_sql_is_named(laptop, engine):
    sync_once(laptop)
    field_work(laptop)
    assert sync_once(laptop).refused == 0
    with engine.connect() as conn:
        slip = conn.execute(sa.select(deposits.c.id)).scalar_one()
        plan = conn.execute(sa.text("SELECT id FROM arrangements WHERE kind = 'plan'")).scalar()
    # (table, column, a new value, which row, how the verify names it)
    edits = [
        ("deposits", "amount_minor", 4000, f"id = '{slip}'", f"deposits {slip}"),
        ("arrangements", "total_minor", 9000, f"id = '{plan}'", f"arrangements {plan}"),
        ("instalments", "amount_minor", 3000, f"arrangement_id = '{plan}' AND number = 2",
         f"instalments {plan}#2"),
        # EN-1's promise, made to look replaced: payments would count toward it no more.
        ("arrangements", "replaced_on", DAY, "kind = 'promise'", "arrangements "),
    ]  # fmt: skip
    for table, column, value, where, named in edits:
        with engine.begin() as conn:
            was = conn.execute(sa.text(f"SELECT {column} FROM {table} WHERE {where}")).scalar()
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE {where}"), {"v": value})
        broken = headoffice(engine, "audit", "verify", check=False)
        assert broken.returncode == 1, (table, broken.stdout)
        assert f"audit trail broken: {named}" in broken.stderr, broken.stderr
        assert f": {column} differs from what audit entry " in broken.stderr, broken.stderr
        with engine.begin() as conn:  # put back as it was: the trail holds again
            conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE {where}"), {"v": was})
        assert headoffice(engine, "audit", "verify").returncode == 0


def refuse(engine, table: str, event: str) -> None:
    """A trigger that fails every `event` (INSERT, UPDATE) on `table`: a fault after the
    entries were written, as a crash or a refused write would be."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(sa.text(
                f"CREATE TRIGGER refuse BEFORE {event} ON {table} "
                "BEGIN INSERT INTO refused_by_the_test VALUES (1); END"
            ))  # fmt: skip
            return
        conn.execute(sa.text(
            "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
        ))  # fmt: skip
        conn.execute(sa.text(
            f"CREATE TRIGGER refuse BEFORE {event} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse()"
        ))  # fmt: skip


def allow(engine, table: str) -> None:
    with engine.begin() as conn:
        on = "" if engine.dialect.name == "sqlite" else f" ON {table}"
        conn.execute(sa.text(f"DROP TRIGGER refuse{on}"))


def count(engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_failure_after_the_entry_keeps_neither_the_row_nor_the_entry(laptop, engine):
    sync_once(laptop)
    before = last_seq(engine)
    unknown = headoffice(engine, "hold", "XX-9", "--reason", "cease", check=False)
    assert unknown.returncode == 1 and "no account 'XX-9'" in unknown.stderr
    # The entries are written, then the chain's head cannot move: all of it rolls back.
    refuse(engine, "audit_heads", "UPDATE")
    failed = headoffice(engine, "hold", "EN-1", "--reason", "cease", "--note", GRIEF, check=False)
    assert failed.returncode != 0
    failed = headoffice(engine, "notice", "record", "DK-1", "--kind", "visit_notice",
                        "--sent-on", "2026-11-20", check=False)  # fmt: skip
    assert failed.returncode != 0
    allow(engine, "audit_heads")
    assert (count(engine, holds), last_seq(engine)) == (0, before)
    assert entries(engine, before) == []

    # A push whose last write fails, after its deposits, arrangements and hold were
    # entered: none of them is kept, and the laptop keeps them to send again.
    field_work(laptop)
    refuse(engine, "applied_mutations", "INSERT")
    try:
        sync_once(laptop)
    except ServerUnreachable:
        pass
    else:
        raise AssertionError("the push should have failed")
    allow(engine, "applied_mutations")
    assert (count(engine, holds), count(engine, deposits), last_seq(engine)) == (0, 0, before)
    assert sync_once(laptop).refused == 0
    assert count(engine, holds) == 1 and count(engine, deposits) == 1
    assert headoffice(engine, "audit", "verify").returncode == 0
