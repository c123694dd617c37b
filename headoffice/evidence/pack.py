"""An account's evidence pack: evidence.json and evidence.pdf made in one pass over its
history, a manifest of their SHA-256, all in one zip; and the check of a pack against the
database it came from."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from fieldcore.audit import GENESIS, Entry, changed_fields, plain_value
from headoffice.evidence.events import (
    Event,
    account_events,
    account_record,
    collector_names,
    count_events,
)
from headoffice.evidence.pack_pdf import PackPdf
from headoffice.evidence.trail import ERASURE, OFFICE
from headoffice.store.tables import audit_entries, audit_heads, settings

FORMAT = "fieldapp evidence pack 1"
FILES = ("evidence.json", "evidence.pdf")


class NoSuchAccount(LookupError):
    """The account is not known to this head office."""


@dataclass(frozen=True)
class Made:
    """What a pack holds: how many events, the trail's head it was made at, its SHA-256."""

    account_id: str
    events: int
    head_seq: int
    head_hash: str
    sha256: str


class _Hashing:
    """A stream that keeps the SHA-256 of what passes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)


def make_pack(
    engine: Engine, account_id: str, out: BinaryIO, progress: Callable[[int], None] | None = None
) -> Made:
    """Write the account's pack to `out` (a zip), reading its history once, in one snapshot.

    The JSON goes straight into the zip as each event is read; the PDF, made from the
    same events, waits in a temporary file (a zip takes one member at a time).
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _make(conn, account_id, out, progress)


def _make(
    conn: Connection, account_id: str, out: BinaryIO, progress: Callable[[int], None] | None
) -> Made:
    account = account_record(conn, account_id)
    if account is None:
        raise NoSuchAccount(f"no account {account_id} at this head office")
    head = conn.execute(
        sa.select(audit_heads.c.seq, audit_heads.c.entry_hash).where(audit_heads.c.chain == OFFICE)
    ).first()
    head_seq, head_hash = (head.seq, head.entry_hash) if head else (0, GENESIS)
    lender = (
        conn.execute(sa.select(settings.c.value).where(settings.c.key == "lender.name")).scalar()
        or "-"
    )
    imported = _import_entry(conn, account.get("imported_seq"))
    names = collector_names(conn)
    count = count_events(conn, account_id)
    hashes: dict[str, str] = {}
    # Deflate at its quickest for the JSON (it still shrinks tenfold); the PDF is stored,
    # its pages compressed already.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as pack:
        with tempfile.TemporaryFile() as pdf_file:
            pdf_out = _Hashing(pdf_file)
            pdf = PackPdf(pdf_out, account, lender, (head_seq, head_hash))
            pdf.account_block(imported["file_sha256"] if imported else None, count)
            info = zipfile.ZipInfo("evidence.json", date_time=_zip_time(pdf.made_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            with pack.open(info, "w") as member:
                json_out = _Hashing(member)
                header = {
                    "format": FORMAT,
                    "made_at": plain_value(pdf.made_at),
                    "lender": lender,
                    "language": pdf.language,
                    "account": {"record": account, "import": imported},
                    "head": {"chain": OFFICE, "seq": head_seq, "hash": head_hash},
                }
                text = json.dumps(header, ensure_ascii=False, indent=1)
                json_out.write(text[:-2].encode() + b',\n "events": [\n')
                written = 0
                for event in account_events(conn, account_id):
                    if event.record.get("collector_id") in names:
                        event.record["collector"] = names[event.record["collector_id"]]
                    line = json.dumps(_event_json(event), ensure_ascii=False)
                    json_out.write((",\n" if written else "").encode() + line.encode())
                    pdf.event(event)
                    written += 1
                    if progress and written % 500 == 0:
                        progress(500)
                json_out.write(b"\n ]\n}\n")
            hashes["evidence.json"] = json_out.digest.hexdigest()
            pdf.close()
            hashes["evidence.pdf"] = pdf_out.digest.hexdigest()
            pdf_file.seek(0)
            info = zipfile.ZipInfo("evidence.pdf", date_time=_zip_time(pdf.made_at))
            info.compress_type = zipfile.ZIP_STORED
            with pack.open(info, "w") as member:
                while chunk := pdf_file.read(1 << 20):
                    member.write(chunk)
        manifest = "".join(f"{hashes[name]}  {name}\n" for name in FILES)
        info = zipfile.ZipInfo("manifest.sha256", date_time=_zip_time(pdf.made_at))
        pack.writestr(info, manifest, compress_type=zipfile.ZIP_DEFLATED)
    return Made(
        account_id, written, head_seq, head_hash, hashlib.sha256(manifest.encode()).hexdigest()
    )


def _zip_time(moment) -> tuple[int, int, int, int, int, int]:
    # The members dated when the pack was made (zip keeps no time zone: UTC, as the JSON).
    return moment.timetuple()[:6]


def _import_entry(conn: Connection, seq: int | None) -> dict | None:
    if seq is None:
        return None
    row = conn.execute(
        sa.select(audit_entries).where(audit_entries.c.chain == OFFICE, audit_entries.c.seq == seq)
    ).first()
    if row is None:
        return None
    return {
        "chain": OFFICE,
        "seq": row.seq,
        "hash": row.entry_hash,
        "file_sha256": json.loads(row.body).get("file_sha256"),
    }


def _event_json(event: Event) -> dict:
    return {
        "at": event.at,
        "kind": event.kind,
        "table": event.table,
        "id": event.id,
        "record": event.record,
        "entries": event.entries,
    }


def verify_pack(engine: Engine, path: str) -> list[str]:
    """Every difference between the pack and the database, first found first; [] if none.

    The manifest must match the files; every entry the pack names must be in the trail
    with that hash, and hash as kept; every record's fields must hash as its entry kept
    them (so a pack says the same as the day it was made, even after an erasure).
    """
    problems: list[str] = []
    try:
        pack = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return [f"{path} is not a zip file: {error}"]
    with pack, engine.connect() as conn:
        names = set(pack.namelist())
        if "manifest.sha256" not in names:
            return [f"{path} has no manifest.sha256"]
        for line in pack.read("manifest.sha256").decode().splitlines():
            digest, _sep, name = line.partition("  ")
            if name not in names:
                problems.append(f"the manifest names {name}, which is not in the pack")
            elif _sha256_of(pack, name) != digest:
                problems.append(f"{name} does not match its SHA-256 in the manifest")
        if problems or "evidence.json" not in names:
            return problems or ["the pack has no evidence.json"]
        try:
            with pack.open("evidence.json") as member:
                return _check_document(conn, json.load(member))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            # Whatever the manifest says of it, a file laid out otherwise is not a pack.
            return [f"evidence.json is not laid out as a pack made here ({error!r})"]


def _check_document(conn: Connection, document: dict) -> list[str]:
    problems: list[str] = []
    if document.get("format") != FORMAT:
        return [f"evidence.json is not {FORMAT!r}"]
    head = document.get("head", {})
    events = document.get("events", [])
    imported = document["account"].get("import")
    named = [e for event in events for e in event["entries"]]
    wanted = [head.get("seq", -1), *(e["seq"] for e in named)]
    if imported:
        wanted.append(imported["seq"])
    kept = _entries_by_seq(conn, wanted)
    at_head = kept.get(head.get("seq", -1))
    if head.get("seq") and (at_head is None or at_head.entry_hash != head.get("hash")):
        problems.append(f"the head it was made at, entry {head.get('seq')}, is not in the trail")
    if imported:
        problems += _check_entry(kept, imported, "the account's import")
    for event in events:
        where = f"{event['table']} {event['id']}"
        found = [p for entry in event["entries"] for p in _check_entry(kept, entry, where)]
        problems += found or _check_record(kept, event, where)
    return problems


def _check_entry(kept: dict, named: dict, where: str) -> list[str]:
    row = kept.get(named["seq"])
    if row is None or row.entry_hash != named["hash"]:
        return [f"{where}: audit entry {named['seq']} is not in the trail with that hash"]
    entry = Entry(
        row.seq, row.kind, str(plain_value(row.at)), row.subject_table, row.subject_id,
        row.body, row.prev_hash,
    )  # fmt: skip
    if entry.hash() != row.entry_hash:
        return [f"{where}: audit entry {row.seq} no longer hashes as it was stored"]
    return []


def _check_record(kept: dict, event: dict, where: str) -> list[str]:
    """The record as the pack holds it against the state its entries, in order, leave: a row
    stored again (an arrangement replaced) is its newest entry; an erasure overlays its
    fields, as the trail's verify reads them."""
    state, last = None, None
    for named in sorted(event["entries"], key=lambda e: e["seq"]):
        row = kept.get(named["seq"])
        body = json.loads(row.body) if row is not None else {}
        if "fields" not in body:
            continue
        state = (state or {}) | body["fields"] if row.kind == ERASURE else body["fields"]
        last = row.seq
    if state is None:
        return []
    stored = {k: v for k, v in event["record"].items() if k in state}
    if changed := changed_fields(stored, state):
        return [f"{where}: {', '.join(changed)} differs from audit entry {last}"]
    return []


def _entries_by_seq(conn: Connection, seqs: list) -> dict:
    # Read a thousand at a time: a pack of 10,000 events names 10,000 entries.
    found = {}
    wanted = sorted({s for s in seqs if isinstance(s, int)})
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        query = sa.select(audit_entries).where(
            audit_entries.c.chain == OFFICE, audit_entries.c.seq.in_(chunk)
        )
        found |= {row.seq: row for row in conn.execute(query)}
    return found


def _sha256_of(pack: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with pack.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
