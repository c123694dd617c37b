"""Referring an account to court or an agency: off every route, its pack kept and checkable,
an entry in the trail; by the command and by the supervisor API, on both databases."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.store import Store
from fieldapp.store.opening import VisitNotFound
from fieldapp.syncing import sync_once
from headoffice.store.tables import audit_entries, holds, visits
from sync.protocol import HoldWire, PullResponse
from sync.server import before_evidence
from tests.helpers import cli


def test_a_referred_account_leaves_the_route_and_its_pack_is_kept(laptop, db_url, engine):
    sync_once(laptop)
    said = cli(
        "headoffice", "refer", "DK-1", "--to", "legal", "--note", "promises broken", "--db", db_url
    )
    assert "DK-1 referred to legal (referral 1)" in said.stdout
    with engine.connect() as conn:
        states = conn.execute(sa.select(visits.c.status).where(visits.c.account_id == "DK-1"))
        assert set(states.scalars()) == {"recalled"}
        in_force = holds.c.released_at.is_(None)
        held = conn.execute(
            sa.select(holds.c.reason).where(holds.c.account_id == "DK-1", in_force)
        ).scalars()
        assert list(held) == ["referred"]
        entry = conn.execute(
            sa.select(audit_entries.c.body).where(audit_entries.c.kind == "referral")
        ).scalar_one()
    assert json.loads(entry)["destination"] == "legal"
    # The laptop drops the account at its next sync.
    sync_once(laptop)
    with pytest.raises(VisitNotFound):
        Store(laptop).visit_for_account("DK-1")
    listed = cli("headoffice", "referrals", "--db", db_url).stdout
    assert "DK-1" in listed and "legal" in listed and "referred" in listed
    assert (
        cli("headoffice", "evidence", "verify", "--referral", "1", "--db", db_url).returncode == 0
    )
    assert cli("headoffice", "audit", "verify", "--db", db_url).returncode == 0


def test_a_referred_account_cannot_be_assigned_or_referred_twice_until_withdrawn(
    laptop, db_url, today
):
    cli("headoffice", "refer", "DK-1", "--to", "agency", "--db", db_url)
    again = cli("headoffice", "refer", "DK-1", "--to", "legal", "--db", db_url, check=False)
    assert again.returncode == 1 and "referred already" in again.stderr
    day = today.isoformat()
    assign = ["headoffice", "assign", "--collector", "Mette", "--date", day, "DK-1", "--db", db_url]
    refused = cli(*assign, check=False)
    assert refused.returncode == 1 and "not for the field: DK-1" in refused.stderr
    cli("headoffice", "refer", "DK-1", "--withdraw", "--note", "settled", "--db", db_url)
    assert cli(*assign).returncode == 0
    listed = cli("headoffice", "referrals", "--state", "withdrawn", "--db", db_url).stdout
    assert "DK-1" in listed


def test_refusals_are_clear_and_change_nothing(laptop, db_url, engine):
    for args, said in (
        (["NO-SUCH", "--to", "legal"], "no account NO-SUCH"),
        (["DK-1"], "give --to legal|agency"),
        (["DK-1", "--withdraw"], "DK-1 has no open referral"),
    ):
        done = cli("headoffice", "refer", *args, "--db", db_url, check=False)
        assert done.returncode in (1, 2) and said in done.stderr and "Traceback" not in done.stderr
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(holds)).scalar_one() == 0


def test_the_supervisor_api_refers_lists_and_hands_over_the_pack(laptop, boss):
    sync_once(laptop)
    made = boss.post("/supervisor/accounts/CN-1/referral", json={"destination": "legal"})
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "referred" and len(made.json()["pack_sha256"]) == 64
    twice = boss.post("/supervisor/accounts/CN-1/referral", json={"destination": "agency"})
    assert twice.status_code == 409 and "referred already" in twice.json()["detail"]
    assert [r["account_id"] for r in boss.get("/supervisor/referrals").json()] == ["CN-1"]
    pack = boss.get("/supervisor/accounts/CN-1/evidence")
    assert pack.status_code == 200 and pack.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(pack.content)) as files:
        assert sorted(files.namelist()) == ["evidence.json", "evidence.pdf", "manifest.sha256"]
    missing = boss.get("/supervisor/accounts/NO-SUCH/evidence")
    assert missing.status_code == 404 and "no account NO-SUCH" in missing.json()["detail"]
    back = boss.post("/supervisor/accounts/CN-1/referral/withdraw", json={"note": "paid"})
    assert back.status_code == 200 and back.json()[0]["state"] == "withdrawn"
    assert httpx.get(f"{boss.base_url}/supervisor/referrals").status_code == 401


def test_an_older_laptop_never_sees_a_hold_it_could_not_read():
    page = PullResponse(
        cursor="1",
        more=False,
        visits=[],
        contact=[
            {
                "account_id": "DK-1",
                "holds": [
                    HoldWire(reason="referred", since="2026-11-23", note=""),
                    HoldWire(reason="cease", since="2026-11-23", note=""),
                ],
            }
        ],
    )
    older = before_evidence(page)
    assert [h["reason"] for h in older["contact"][0]["holds"]] == ["cease"]
