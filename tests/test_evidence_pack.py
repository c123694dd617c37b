"""The account's evidence pack, end to end on the real server: a morning of outcomes synced
from a laptop, the pack made by the command, its PDF read back as a viewer would, its
manifest and hashes checked; then edits made behind head office's back are caught."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pypdf
import sqlalchemy as sa

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import sync_once
from headoffice.store.tables import outcomes, payments
from tests.helpers import cli


def a_morning(laptop) -> None:
    """Cash from DK-1, a promise from CN-1, nobody home at EN-1; synced to head office."""
    sync_once(laptop)
    store = Store(laptop)
    record_outcome(
        store,
        store.visit_for_account("DK-1"),
        {"outcome": "paid", "amount": "150.00", "method": "cash", "note": "paid at the door"},
        locate=lambda now: None,
    )
    record_outcome(
        store,
        store.visit_for_account("CN-1"),
        {"outcome": "promise", "amount": "300", "promise_date": "2026-11-27"},
        locate=lambda now: None,
    )
    record_outcome(
        store, store.visit_for_account("EN-1"), {"outcome": "not_home"}, locate=lambda now: None
    )
    store.close()
    assert sync_once(laptop).refused == 0


def make(db_url: str, account: str, out) -> str:
    done = cli("headoffice", "evidence", account, "--out", str(out), "--db", db_url)
    return done.stdout


def read(out) -> tuple[dict, str, dict[str, bytes]]:
    with zipfile.ZipFile(out) as pack:
        files = {name: pack.read(name) for name in pack.namelist()}
    document = json.loads(files["evidence.json"])
    pdf = pypdf.PdfReader(io.BytesIO(files["evidence.pdf"]))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    return document, text, files


def evidence_verify(db_url: str, out):
    return cli("headoffice", "evidence", "verify", str(out), "--db", db_url, check=False)


def test_a_pack_holds_the_account_its_history_and_proof_and_verifies(laptop, db_url, tmp_path):
    a_morning(laptop)
    out = tmp_path / "DK-1.zip"
    said = make(db_url, "DK-1", out)
    assert "event(s) of account DK-1" in said
    document, text, files = read(out)
    # The manifest is sha256sum's own format, over both files.
    manifest = files["manifest.sha256"].decode().splitlines()
    assert manifest == [
        f"{hashlib.sha256(files[name]).hexdigest()}  {name}"
        for name in ("evidence.json", "evidence.pdf")
    ]
    assert document["account"]["record"]["account_id"] == "DK-1"
    assert (
        document["account"]["import"]["file_sha256"] is None
        or len(document["account"]["import"]["file_sha256"]) == 64
    )
    kinds = [e["kind"] for e in document["events"]]
    assert "outcome" in kinds and "payment" in kinds
    paid = next(e for e in document["events"] if e["kind"] == "outcome")
    assert paid["record"]["outcome"] == "paid" and paid["record"]["amount_minor"] == 15000
    assert paid["record"]["collector"] == "Mette" and len(paid["entries"][0]["hash"]) == 64
    assert [e["at"] for e in document["events"]] == sorted(e["at"] for e in document["events"])
    # The PDF in the borrower's language (DK-1 is Danish), numbered, with the trail's head.
    assert "Side 1 af" in text and "Bevismappe: konto DK-1" in text
    assert document["head"]["hash"] in text.replace("\n", "")
    assert paid["entries"][0]["hash"] in text.replace("\n", "")
    assert evidence_verify(db_url, out).returncode == 0


def test_a_chinese_borrowers_pack_reads_in_chinese(laptop, db_url, tmp_path):
    a_morning(laptop)
    out = tmp_path / "CN-1.zip"
    make(db_url, "CN-1", out)
    _document, text, _files = read(out)
    assert "证据档案：账户 CN-1" in text and "第 1 页 / 共" in text
    assert "审计记录" in text


def test_an_edit_in_sql_is_caught_by_audit_verify_and_by_a_pack_made_after_it(
    laptop, db_url, engine, tmp_path
):
    a_morning(laptop)
    before = tmp_path / "before.zip"
    make(db_url, "DK-1", before)
    with engine.begin() as conn:
        conn.execute(
            sa.update(payments).where(payments.c.account_id == "DK-1").values(amount_minor=1500)
        )
    audit = cli("headoffice", "audit", "verify", "--db", db_url, check=False)
    assert audit.returncode == 1 and "amount_minor" in audit.stderr
    # A pack made before the edit still proves what was kept; one made after shows the
    # edit as a record that no longer hashes as its entry kept it.
    assert evidence_verify(db_url, before).returncode == 0
    after = tmp_path / "after.zip"
    make(db_url, "DK-1", after)
    said = evidence_verify(db_url, after)
    assert said.returncode == 1 and "amount_minor differs from audit entry" in said.stderr


def test_a_pack_edited_after_it_was_made_is_refused(laptop, db_url, tmp_path):
    a_morning(laptop)
    out = tmp_path / "DK-1.zip"
    make(db_url, "DK-1", out)
    _document, _text, files = read(out)
    edited = files["evidence.json"].replace(b'"amount_minor": 15000', b'"amount_minor": 1500')
    assert edited != files["evidence.json"]
    # The JSON changed alone: the manifest says so.
    forged = tmp_path / "forged.zip"
    write(forged, files | {"evidence.json": edited})
    said = evidence_verify(db_url, forged)
    assert said.returncode == 1 and "evidence.json does not match its SHA-256" in said.stderr
    # The manifest rewritten to match: the record no longer hashes as its entry kept it.
    manifest = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {name}\n"
        for name, content in (("evidence.json", edited), ("evidence.pdf", files["evidence.pdf"]))
    )
    write(forged, files | {"evidence.json": edited, "manifest.sha256": manifest.encode()})
    said = evidence_verify(db_url, forged)
    assert said.returncode == 1 and "amount_minor differs from audit entry" in said.stderr


def write(path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as pack:
        for name, content in files.items():
            pack.writestr(name, content)


def test_an_unknown_account_is_a_clear_error_and_leaves_no_file(laptop, db_url, tmp_path):
    out = tmp_path / "x.zip"
    done = cli("headoffice", "evidence", "NO-SUCH", "--out", str(out), "--db", db_url, check=False)
    assert done.returncode == 1 and "no account NO-SUCH" in done.stderr
    assert "Traceback" not in done.stderr and list(tmp_path.glob("*.zip*")) == []
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    said = evidence_verify(db_url, broken)
    assert said.returncode == 1 and "is not a zip file" in said.stderr


def test_every_outcome_of_the_account_is_in_its_pack(laptop, db_url, engine, tmp_path):
    a_morning(laptop)
    out = tmp_path / "EN-1.zip"
    make(db_url, "EN-1", out)
    document, _text, _files = read(out)
    with engine.connect() as conn:
        stored = set(
            conn.execute(sa.select(outcomes.c.id).where(outcomes.c.account_id == "EN-1")).scalars()
        )
    assert {e["id"] for e in document["events"] if e["kind"] == "outcome"} == stored


def test_a_zip_that_is_not_a_pack_is_named_so_not_a_crash(laptop, db_url, tmp_path):
    for name, text in (("not json", b"{"), ("another layout", b'{"events": 3}')):
        body = {"evidence.json": text}
        manifest = f"{hashlib.sha256(text).hexdigest()}  evidence.json\n".encode()
        odd = tmp_path / f"{name}.zip"
        write(odd, body | {"manifest.sha256": manifest})
        said = evidence_verify(db_url, odd)
        assert said.returncode == 1 and "Traceback" not in said.stderr, said.stderr
        assert "evidence.json is not" in said.stderr
