"""Retention on the real server, on SQLite and PostgreSQL: closed accounts past their policy's
period lose their personal data, the audit trail still verifies (and still catches an edit), a
legal hold keeps an account whole; and what laptops are sent never carries what is new here."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from pydantic import ConfigDict, create_model

from content import CONTENT_DIR
from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from fieldcore.keeping import HEAD_OFFICE_ONLY, Retention, retention_ends
from fieldcore.policy import ContactPolicy
from headoffice.store.tables import accounts, content, corrections, holds, outcomes, resolutions
from headoffice.work import portfolio
from headoffice.work.closing import close_account
from headoffice.work.holds import place_hold
from headoffice.work.publishing import publish
from headoffice.work.retention import list_past_retention
from tests.helpers import HEADER, cli, three_borrowers, write_portfolio

AFTER = {"HEADOFFICE_TODAY": "2031-11-24"}  # five years and a day after the pinned day


def ho(engine, *args: str, env: dict | None = None, check: bool = True):
    url = engine.url.render_as_string(hide_password=False)
    return cli("headoffice", *args, "--db", url, env=env, check=check)


def a_file(laptop, engine) -> None:
    """Outcomes with notes and a dispute's words, a correction, a hold; then all three closed,
    EN-1 under a legal hold."""
    sync_once(laptop)
    store = Store(laptop)
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "paid", "amount": "150.00", "method": "cash", "note": "Søren paid at the door"},
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "dispute", "dispute_reason": "王小明 says it was repaid", "note": "upset"},
        locate=lambda now: None,
    )
    store.record_correction("DK-1", "phone", "+45 99 88 77 66")
    store.close()
    assert sync_once(laptop).refused == 0
    ho(
        engine,
        "resolve",
        "dispute",
        _outcome_id(engine, "CN-1"),
        "--accept",
        "--note",
        "王小明 was right",
    )
    place_hold(engine, "EN-1", "legal_hold", "Mitchell v. Lender, case 26-1234", "Anna")
    for account_id in ("DK-1", "CN-1", "EN-1"):
        close_account(engine, account_id, "written_off", f"closed: {account_id}'s file", "Anna")


def _outcome_id(engine, account_id: str) -> str:
    with engine.connect() as conn:
        query = sa.select(outcomes.c.id).where(outcomes.c.account_id == account_id)
        return conn.execute(query).scalar_one()


def snapshot(engine, account_id: str) -> dict:
    with engine.connect() as conn:
        return {
            "account": dict(
                conn.execute(sa.select(accounts).where(accounts.c.account_id == account_id))
                .one()
                ._mapping
            ),
            "outcomes": [
                dict(r._mapping)
                for r in conn.execute(
                    sa.select(outcomes).where(outcomes.c.account_id == account_id)
                )
            ],
            "corrections": [
                dict(r._mapping)
                for r in conn.execute(
                    sa.select(corrections).where(corrections.c.account_id == account_id)
                )
            ],
            "holds": [
                dict(r._mapping)
                for r in conn.execute(sa.select(holds).where(holds.c.account_id == account_id))
            ],
        }


def test_retention_erases_personal_data_and_the_trail_still_proves_everything(
    laptop, engine, tmp_path
):
    a_file(laptop, engine)
    assert ho(engine, "retention", "--dry-run").stdout.startswith("no closed account is past")
    kept = snapshot(engine, "EN-1")
    before = ho(engine, "evidence", "DK-1", "--out", str(tmp_path / "before.zip"))
    assert before.returncode == 0
    listed = ho(engine, "retention", "--dry-run", env=AFTER).stdout
    assert "DK-1             default  2026-11-23 2026-11-23    2031-11-23" in listed
    assert "EN-1" in listed and "(legal hold: kept)" in listed
    assert "2 account(s) to erase; run with --apply" in listed
    assert snapshot(engine, "DK-1")["account"]["borrower_name"] == "Søren Ærø"  # a dry run

    done = ho(engine, "retention", "--apply", env=AFTER)
    assert "personal data erased from 2 account(s)" in done.stdout
    verified = ho(engine, "audit", "verify", check=False)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("audit trail intact: ")
    # A pack made before the erasure still proves what was kept; one made after it holds
    # the erased row, proved by the erasure's entry.
    assert ho(engine, "evidence", "verify", str(tmp_path / "before.zip")).returncode == 0
    ho(engine, "evidence", "DK-1", "--out", str(tmp_path / "after.zip"))
    after = ho(engine, "evidence", "verify", str(tmp_path / "after.zip"), check=False)
    assert after.returncode == 0, after.stderr

    for account_id in ("DK-1", "CN-1"):
        gone = snapshot(engine, account_id)
        person = gone["account"]
        assert (person["borrower_name"], person["address"], person["phone"]) == ("", "", None)
        assert person["city"] is None and person["closed_note"] is None
        assert person["erased_on"] == date(2031, 11, 24)
        # The figures stay: what was owed, in what, since when, how it closed.
        assert person["outstanding_minor"] > 0 and person["currency"] in ("DKK", "CNY")
        assert person["oldest_due_date"] == date(2026, 10, 9)
        assert person["closed_reason"] == "written_off"
        for outcome in gone["outcomes"]:
            assert outcome["note"] == ""
            assert "dispute_reason" not in json.loads(outcome["details"] or "{}")
        assert all(h["note"] == "" for h in gone["holds"])
    assert snapshot(engine, "DK-1")["outcomes"][0]["amount_minor"] == 15000
    assert [c["value"] for c in snapshot(engine, "DK-1")["corrections"]] == [""]
    with engine.connect() as conn:
        notes = conn.execute(sa.select(resolutions.c.note)).scalars().all()
        words = " ".join(
            str(value) for row in conn.execute(sa.select(accounts)).all() for value in tuple(row)
        )
    assert notes == [""]
    assert "Søren" not in words and "王小明" not in words
    # The legal hold kept EN-1 exactly as it was.
    assert snapshot(engine, "EN-1") == kept

    # A second run has nothing left to do, and says so.
    again = ho(engine, "retention", "--apply", env=AFTER).stdout
    assert "EN-1" in again and "DK-1" not in again
    assert "personal data erased from 0 account(s)" in again

    # An erased row edited afterwards is still caught.
    with engine.begin() as conn:
        conn.execute(
            outcomes.update().where(outcomes.c.account_id == "DK-1").values(note="put back")
        )
    broken = ho(engine, "audit", "verify", check=False)
    assert broken.returncode == 1
    assert "note differs from what audit entry" in broken.stderr


def test_an_erasure_does_not_launder_an_edit_made_before_it(laptop, engine):
    a_file(laptop, engine)
    with engine.begin() as conn:
        conn.execute(
            outcomes.update().where(outcomes.c.account_id == "DK-1").values(note="forged note")
        )
    ho(engine, "retention", "--apply", env=AFTER)
    broken = ho(engine, "audit", "verify", check=False)
    assert broken.returncode == 1
    assert "erases note other than what was recorded" in broken.stderr


def test_us_accounts_keep_three_years_after_the_last_activity(engine, tmp_path):
    rows = three_borrowers(**{"EN-1": {"country": "US", "timezone": "America/Chicago"}})
    path = write_portfolio(tmp_path / "p.csv", rows, [*HEADER, "country"])
    portfolio.import_accounts(engine, portfolio.read_portfolio(path))
    close_account(engine, "EN-1", "sold", "", "Anna")
    close_account(engine, "DK-1", "sold", "", "Anna")
    found = {item.account_id: item for item in list_past_retention(engine, date(2029, 11, 23))}
    assert list(found) == ["EN-1"]
    assert (found["EN-1"].jurisdiction, found["EN-1"].ended_on) == ("us", date(2029, 11, 23))
    rule = Retention(years=3, after="last_activity")
    assert retention_ends(date(2026, 11, 23), date(2027, 2, 1), rule) == date(2030, 2, 1)


def test_laptops_are_sent_neither_legal_holds_nor_the_policies_head_office_keys(
    laptop, engine, today
):
    publish(engine, CONTENT_DIR)
    place_hold(engine, "DK-1", "legal_hold", "keep for the court", "Anna")
    place_hold(engine, "CN-1", "cease", "letter of 20 Nov", "Anna")
    sync_once(laptop)
    store = Store(laptop)
    states = store.contact_states(["DK-1", "CN-1"])
    bodies = store.db.execute("SELECT key, body FROM content WHERE kind = 'policy'").fetchall()
    store.close()
    assert states["DK-1"]["holds"] == []
    assert [h["reason"] for h in states["CN-1"]["holds"]] == ["cease"]
    # A laptop of the previous protocol: the policy model without the new keys, and, as
    # every wire model, refusing keys it does not know.
    before = {
        name: (field.annotation, field)
        for name, field in ContactPolicy.model_fields.items()
        if name not in HEAD_OFFICE_ONLY
    }
    Earlier = create_model("Earlier", __config__=ConfigDict(extra="forbid"), **before)
    assert len(bodies) == 4
    for _key, body in bodies:
        Earlier.model_validate_json(body)
        ContactPolicy.model_validate_json(body)
    # Head office keeps them, and the earlier model would have refused them.
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(content.c.body).where(content.c.key == "policy/dk")
        ).scalar_one()
    assert ContactPolicy.model_validate_json(stored).limitation.years == 3
    try:
        Earlier.model_validate_json(stored)
    except ValueError:
        pass
    else:
        raise AssertionError("the earlier model should refuse the head-office keys")
