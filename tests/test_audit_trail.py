"""The audit trail on the real server, on SQLite and PostgreSQL: a day of outcomes, payments and
corrections verifies intact; one edit in SQL, a row added or removed, an entry changed,
removed or reordered, and the verify names it; an anchor proves nothing before it changed."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldcore.audit import GENESIS, Entry, canonical, first_broken_link
from headoffice.store.tables import audit_entries
from headoffice.work.payments import import_payments
from tests.helpers import cli


def audit(engine, *args: str):
    url = engine.url.render_as_string(hide_password=False)
    return cli("headoffice", "audit", *args, "--db", url, check=False)


def a_day(laptop, engine) -> None:
    """Outcomes (one paid in cash), a correction, pushed; then the bank's payment file."""
    sync_once(laptop)
    store = Store(laptop)
    record_outcome(
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
    store.close()
    assert sync_once(laptop).refused == 0
    import_payments(
        engine,
        "account_id,amount,currency,paid_on,reference\nEN-1,40.00,GBP,2026-11-22,BANK-7\n",
    )


def test_a_day_verifies_intact_and_an_amount_edited_in_sql_is_named(laptop, engine):
    a_day(laptop, engine)
    done = audit(engine, "verify")
    assert done.returncode == 0, done.stderr
    # The portfolio's import and the route (the fixture's), two outcomes, the cash payment,
    # the correction, the promise's arrangement of one instalment, and the bank's payment.
    assert kinds(engine) == [
        "portfolio import", "assignment", "outcome", "outcome", "payment", "correction",
        "arrangement", "instalment", "payment",
    ]  # fmt: skip
    # ...and the laptop's own chain, as it pushed it: the two outcomes (the cash one with
    # its receipt's entry) and the correction.
    assert laptop_kinds(engine) == [
        "record_outcome", "receipt", "record_outcome", "correct_contact"
    ]  # fmt: skip
    assert done.stdout.strip() == "audit trail intact: 13 entries"
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE payments SET amount_minor = 1500 WHERE reference = 'BANK-7'"))
    broken = audit(engine, "verify")
    assert broken.returncode == 1
    assert "audit trail broken: payments import:BANK-7: amount_minor differs from what " in (
        broken.stderr
    )


def test_a_row_added_by_hand_or_removed_is_named(laptop, engine):
    a_day(laptop, engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM corrections"))
    assert "corrections " in audit(engine, "verify").stderr
    assert "is gone: audit entry" in audit(engine, "verify").stderr


def test_an_entry_changed_removed_or_moved_breaks_the_chain(laptop, engine):
    a_day(laptop, engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE audit_entries SET kind = 'nothing' WHERE chain = 'office' AND seq = 2")
        )
    said = audit(engine, "verify").stderr
    assert "audit entry 2: its content differs from the hash it was stored with" in said
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_entries WHERE chain = 'office' AND seq = 2"))
    assert "audit entry 3: comes where entry 2 should" in audit(engine, "verify").stderr


def test_an_anchor_proves_what_came_before_it_unchanged(laptop, engine):
    a_day(laptop, engine)
    lodged = audit(engine, "anchor")
    assert lodged.returncode == 0
    anchor = lodged.stdout.split()[0]
    assert anchor.startswith("9:") and len(anchor) == 2 + 64
    import_payments(
        engine, "account_id,amount,currency,paid_on,reference\nDK-1,10.00,DKK,2026-11-22,B-8\n"
    )
    done = audit(engine, "verify", "--anchor", anchor)
    assert done.stdout.strip() == "audit trail intact: 14 entries (from anchor 9)"
    # Someone rewrites the trail from entry 3 on, every hash recomputed: the anchor says so.
    with engine.begin() as conn:
        # Read through the table, so moments come back typed as the verify reads them.
        query = sa.select(audit_entries).where(audit_entries.c.chain == "office")
        query = query.order_by(audit_entries.c.seq)
        rows = conn.execute(query).mappings().all()
        prev = rows[1]["entry_hash"]
        for row in rows[2:]:
            body = json.loads(row["body"])
            if row["seq"] == 3:
                body["forged"] = True
            entry = Entry(
                row["seq"], row["kind"], _at(row["at"]), row["subject_table"],
                row["subject_id"], body, prev,
            )  # fmt: skip
            prev = entry.hash()
            conn.execute(
                sa.text(
                    "UPDATE audit_entries SET body = :body, prev_hash = :prev_hash, "
                    "entry_hash = :hash WHERE chain = 'office' AND seq = :seq"
                ),
                {"body": canonical(body).decode(), "prev_hash": entry.prev_hash,
                 "hash": prev, "seq": row["seq"]},
            )  # fmt: skip
    assert audit(engine, "verify").returncode == 0  # consistent in itself...
    forged = audit(engine, "verify", "--anchor", anchor)
    assert forged.returncode == 1 and "is not the anchor that was lodged" in forged.stderr
    bad = audit(engine, "verify", "--anchor", "five")
    assert bad.returncode == 2 and "SEQ:HASH" in bad.stderr


def kinds(engine) -> list[str]:
    with engine.connect() as conn:
        query = sa.select(audit_entries.c.kind).where(audit_entries.c.chain == "office")
        return list(conn.execute(query.order_by(audit_entries.c.seq)).scalars())


def test_an_import_keeps_its_files_hash_and_supervisors_work_is_entered(
    engine, portfolio_file, tmp_path
):
    url = engine.url.render_as_string(hide_password=False)
    cli("headoffice", "import-portfolio", str(portfolio_file), "--db", url)
    cli("headoffice", "collector", "add", "Lars", "--db", url)
    cli("headoffice", "assign", "--collector", "Lars", "--date", "2026-11-23", "DK-1", "--db", url)
    cli("headoffice", "recall", "--date", "2026-11-23", "DK-1", "--db", url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_entries).order_by(audit_entries.c.seq)).all()
    assert [r.kind for r in rows] == ["portfolio import", "assignment", "recall"]
    imported = json.loads(rows[0].body)
    assert imported["file_sha256"] == hashlib.sha256(portfolio_file.read_bytes()).hexdigest()
    assert imported["new"] == 3
    assert json.loads(rows[2].body) == {"accounts": ["DK-1"], "date": "2026-11-23"}
    assert audit(engine, "verify").stdout.strip() == "audit trail intact: 3 entries"


def laptop_kinds(engine) -> list[str]:
    with engine.connect() as conn:
        query = sa.select(audit_entries.c.kind).where(audit_entries.c.chain.like("device:%"))
        return list(conn.execute(query.order_by(audit_entries.c.seq)).scalars())


def _at(value) -> str:
    from fieldcore.audit import plain_value

    return str(plain_value(value))


# The chain's rules, on any entries: a change of one byte anywhere, or any reordering,
# is found.

bodies = st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=4)


def chain_of(bodies_list: list[dict]) -> list[tuple[Entry, str]]:
    prev, found = GENESIS, []
    for seq, body in enumerate(bodies_list, start=1):
        entry = Entry(
            seq, "outcome", "2026-11-23T10:00:00.000000Z", "outcomes", str(seq), body, prev
        )
        prev = entry.hash()
        found.append((entry, prev))
    return found


@given(st.lists(bodies, min_size=1, max_size=6), st.data())
def test_any_single_byte_changed_in_an_entry_is_found(all_bodies, data):
    chain = chain_of(all_bodies)
    assert first_broken_link(chain) is None
    index = data.draw(st.integers(0, len(chain) - 1))
    entry, stored = chain[index]
    raw = bytearray(canonical(entry.content()))
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] = (raw[at] + data.draw(st.integers(1, 255))) % 256
    try:
        changed = json.loads(raw.decode("utf-8"))
        forged = Entry(
            changed["seq"], changed["kind"], changed["at"], *changed["subject"],
            changed["body"], changed["prev"],
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return  # no longer an entry at all: nothing could read it as one
    if forged.content() == entry.content():
        return  # the byte changed only the spelling, not the entry (e.g. inside a number)
    chain[index] = (forged, stored)
    assert first_broken_link(chain) is not None


@given(st.lists(bodies, min_size=2, max_size=6), st.data())
def test_any_reordering_is_found(all_bodies, data):
    chain = chain_of(all_bodies)
    order = data.draw(st.permutations(range(len(chain))))
    if list(order) == list(range(len(chain))):
        return
    assert first_broken_link([chain[i] for i in order]) is not None


@pytest.mark.parametrize("value", [1.5, float("nan")])
def test_only_json_that_reads_back_the_same_is_canonical(value):
    if value != value:
        with pytest.raises(ValueError):
            canonical({"x": value})
    else:
        assert canonical({"b": 1, "a": [value, "ø"]}) == '{"a":[1.5,"ø"],"b":1}'.encode()
