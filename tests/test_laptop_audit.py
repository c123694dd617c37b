"""The laptop's own audit chain: each record's entry made with it, `fieldapp audit verify` names
an edit made in the database, a record added by hand, a missing entry; older laptops get
entries for what they recorded before the chain."""

from __future__ import annotations

import itertools
import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldcore.audit import GENESIS, Entry, canonical
from headoffice.evidence.trail import ChainBroken, take_laptop_chain
from headoffice.oversight.exports import outcome_rows
from headoffice.store.tables import audit_entries
from sync.audit_wire import AuditEntryWire
from sync.client import SyncRejected
from tests.conftest import sqlite_only
from tests.helpers import cli, raw_laptop_db

db_url = pytest.fixture(sqlite_only, name="db_url")


def verify(home):
    return cli("fieldapp", "--home", str(home), "audit", "verify", check=False)


def a_morning(laptop) -> str:
    """A cash payment, a promise, a correction and a deposit; the payment's outcome id."""
    sync_once(laptop)
    store = Store(laptop)
    paid = record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "paid", "amount": "150.00", "method": "cash"},
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "promise", "amount": "300", "promise_date": "2026-11-27"},
        locate=lambda now: None,
    )
    store.record_correction("EN-1", "phone", "+44 20 7946 0000")
    store.record_deposit({"amount": "150.00", "currency": "DKK", "slip": "NB-1"})
    store.close()
    return paid.id


def test_a_morning_verifies_and_an_amount_edited_in_the_database_is_named(laptop):
    paid = a_morning(laptop)
    done = verify(laptop)
    assert done.returncode == 0, done.stderr
    # Four records, and the cash payment's receipt as an entry of its own.
    assert done.stdout.strip() == "audit trail intact: 5 entries"
    assert sync_once(laptop).pushed == 4  # sending changes nothing the chain recorded
    assert verify(laptop).returncode == 0
    conn = raw_laptop_db(laptop)
    conn.execute("UPDATE outcomes SET amount_minor = 1500 WHERE id = ?", [paid])
    conn.commit()
    conn.close()
    broken = verify(laptop)
    assert broken.returncode == 1
    assert f"audit trail broken: outcomes {paid}: amount_minor differs from what audit " in (
        broken.stderr
    )


def test_a_record_added_by_hand_or_an_entry_removed_is_named(laptop):
    a_morning(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("DELETE FROM audit_log WHERE seq = 2")
    conn.commit()
    assert "audit entry 3: comes where entry 2 should" in verify(laptop).stderr
    conn.execute("DELETE FROM audit_log")
    conn.commit()
    conn.close()
    assert "has no audit entry: it was not recorded here" in verify(laptop).stderr


def test_what_an_older_laptop_recorded_gets_its_entries_at_the_update(laptop):
    a_morning(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("DROP TABLE audit_log")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_audit_log'")
    conn.commit()
    conn.close()
    Store(laptop).close()  # the update's first opening
    done = verify(laptop)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "audit trail intact: 4 entries"


def held_at_head_office(engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        query = sa.select(audit_entries.c.seq, audit_entries.c.entry_hash).where(
            audit_entries.c.chain.like("device:%")
        )
        return [tuple(row) for row in conn.execute(query.order_by(audit_entries.c.seq))]


def on_the_laptop(home) -> list[tuple[int, str]]:
    conn = raw_laptop_db(home)
    try:
        return [
            tuple(r) for r in conn.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq")
        ]
    finally:
        conn.close()


def test_the_chain_travels_with_the_push_and_head_office_keeps_it_as_received(
    laptop, engine, db_url
):
    a_morning(laptop)
    assert sync_once(laptop).pushed == 4
    assert held_at_head_office(engine) == on_the_laptop(laptop) and len(on_the_laptop(laptop)) == 5
    said = cli("headoffice", "audit", "verify", "--db", db_url)
    assert said.stdout.startswith("audit trail intact:")
    # A retried push sends entries head office holds already: the same ones, so taken.
    Store(laptop).set_settings(audit_sent_seq="0")
    assert sync_once(laptop).refused == 0
    assert len(held_at_head_office(engine)) == 5


def test_an_edited_or_replayed_chain_is_refused_and_nothing_is_applied(laptop, engine):
    a_morning(laptop)
    conn = raw_laptop_db(laptop)
    conn.execute("UPDATE audit_log SET kind = 'nothing' WHERE seq = 2")
    conn.commit()
    conn.close()
    with pytest.raises(SyncRejected) as refused:
        sync_once(laptop)
    assert refused.value.status == 409 and refused.value.code == "audit_chain"
    assert "the laptop's audit entry 2 does not hash as it says" in str(refused.value)
    assert list(outcome_rows(engine)) == [] and held_at_head_office(engine) == []
    assert Store(laptop).pending_count() == 4  # kept, to be sent once the chain is right


def test_a_laptop_replaying_an_old_chain_is_refused(laptop, engine):
    a_morning(laptop)
    sync_once(laptop)
    # The first entry rewritten and every hash after it recomputed: a chain consistent in
    # itself, but not the one head office holds.
    conn = raw_laptop_db(laptop)
    rows = conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, kind, at, table, subject, body, _prev, _hash in rows:
        changed = json.loads(body) | ({"forged": True} if seq == 1 else {})
        entry = Entry(seq, kind, at, table, subject, changed, prev)
        prev = entry.hash()
        conn.execute(
            "UPDATE audit_log SET body = ?, prev_hash = ?, entry_hash = ? WHERE seq = ?",
            [canonical(changed).decode(), entry.prev_hash, prev, seq],
        )
    conn.commit()
    conn.close()
    Store(laptop).set_settings(audit_sent_seq="0")
    with pytest.raises(SyncRejected) as refused:
        sync_once(laptop)
    assert "the laptop's audit entry 1 differs from the one head office holds" in str(refused.value)


def laptop_entries(count: int, forged: int | None = None) -> list[AuditEntryWire]:
    """A consistent chain of `count` entries; `forged`, the one whose body was rewritten
    (every hash after it recomputed, so it is consistent in itself)."""
    prev, found = GENESIS, []
    for seq in range(1, count + 1):
        body = canonical({"fields": {"id": f"h{seq}"}, "forged": seq == forged}).decode()
        at = "2026-11-23T10:00:00.000000Z"
        entry = Entry(seq, "outcome", at, "outcomes", f"OUT-{seq}", body, prev)
        prev = entry.hash()
        found.append(
            AuditEntryWire(
                seq=seq, kind="outcome", at=at, subject_table="outcomes",
                subject_id=f"OUT-{seq}", body=body, prev_hash=entry.prev_hash, entry_hash=prev,
            )
        )  # fmt: skip
    return found


def take(engine, entries, device: str = "LAPTOP") -> str | None:
    try:
        with engine.begin() as conn:
            take_laptop_chain(conn, device, entries)
    except ChainBroken as broken:
        return str(broken)
    return None


LAPTOPS = itertools.count()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(2, 8), st.data())
def test_any_replay_or_reordering_of_a_held_chain_is_refused_and_a_true_retry_taken(
    engine, held, data
):
    device = f"LAPTOP-{next(LAPTOPS)}"  # a chain of its own for each example
    chain = laptop_entries(held + 4)
    assert take(engine, chain[:held], device) is None
    start = data.draw(st.integers(0, held - 1))
    # A retry repeats what is held, then goes on: taken.
    assert take(engine, chain[start : held + 1], device) is None
    # The same numbers with another history (one body rewritten, every hash after it
    # recomputed): refused at the first held entry it touches.
    forged = laptop_entries(held + 4, forged=data.draw(st.integers(1, held + 1)))
    assert "differs from the one head office holds" in (take(engine, forged[start:], device) or "")
    # Two of the entries still to send swapped: refused.
    rest = chain[held + 1 :]
    i, j = data.draw(st.permutations(range(len(rest))))[:2]
    rest[i], rest[j] = rest[j], rest[i]
    assert take(engine, rest, device) is not None
    with engine.connect() as conn:
        kept = conn.execute(
            sa.select(sa.func.count()).select_from(audit_entries)
            .where(audit_entries.c.chain == f"device:{device}")
        ).scalar_one()  # fmt: skip
    assert kept == held + 1  # nothing refused was kept


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"body": "not json"}, "has a body that is not a JSON object"),
        ({"body": "[1, 2]"}, "has a body that is not a JSON object"),
        ({"at": "2026-13-45T10:00:00.000000Z"}, "has a moment that is not a date and time"),
    ],
)
def test_an_entry_hashed_right_over_nonsense_is_refused_not_a_crash(engine, change, said):
    good = laptop_entries(1)[0]
    fields = good.model_dump() | change
    entry = Entry(
        1, fields["kind"], fields["at"], fields["subject_table"], fields["subject_id"],
        fields["body"], GENESIS,
    )  # fmt: skip
    odd = AuditEntryWire(**fields | {"entry_hash": entry.hash()})
    assert said in (take(engine, [odd]) or "")


def test_what_happened_at_the_door_is_an_entry_of_its_own_and_travels(laptop, engine, db_url):
    sync_once(laptop)
    store = Store(laptop)
    visit = store.visit_for_account("DK-1")
    record_outcome(
        store,
        visit,
        {"outcome": "promise", "amount": "100", "promise_date": "2026-11-27"},
        script=("early-da", 3, 2),
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "paid", "amount": "50", "method": "cash"},
        locate=lambda now: None,
    )
    store.skip(store.visit_for_account("EN-1"))
    store.close()
    conn = raw_laptop_db(laptop)
    kinds = [k for (k,) in conn.execute("SELECT kind FROM audit_log ORDER BY seq")]
    conn.close()
    assert "script step reached" in kinds and "receipt" in kinds and kinds[-1] == "stop skipped"
    assert verify(laptop).returncode == 0
    sync_once(laptop)
    assert [seq for seq, _hash in held_at_head_office(engine)] == list(range(1, len(kinds) + 1))
    assert cli("headoffice", "audit", "verify", "--db", db_url).returncode == 0
