"""The audit trail's rules, the same on the laptop and at head office: canonical JSON, each
entry's hash over its place in the chain, and each audited row kept as its fields' hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

# The previous hash of a chain's first entry.
GENESIS = "0" * 64


_PLAIN = frozenset((str, int, float, bool, type(None)))


def plain_value(value: object) -> object:
    """A stored value as JSON has it, the same whichever database read it back.

    Moments are UTC with microseconds (SQLite hands them back naive, PostgreSQL aware),
    days are ISO dates, and whole Decimals are integers.
    """
    if type(value) in _PLAIN:
        return value  # most fields: nothing to do, and the answer comes first
    if isinstance(value, datetime):
        utc = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        # isoformat, not strftime: the same text ("%Y-%m-%dT%H:%M:%S.%fZ"), in a third of
        # the time (an evidence pack writes a hundred thousand of them).
        return utc.isoformat(timespec="microseconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def canonical(value: object) -> bytes:
    """RFC 8785 style: sorted keys, no whitespace, UTF-8 as it is (not \\u escapes)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def field_hashes(row: Mapping[str, object]) -> dict[str, str]:
    """Each field of a row as the SHA-256 of its canonical JSON.

    Hashes, not values: a verify names the field that changed, and an erasure of
    personal data after retention keeps the entry (and the chain) as it was.
    """
    return {name: sha256(_canonical_value(plain_value(value))) for name, value in row.items()}


_ENCODE_STRING = json.JSONEncoder(ensure_ascii=False).encode


def _canonical_value(value: object) -> bytes:
    # canonical() for one value, quicker for the scalars that most fields are (a push of
    # 1,000 outcomes hashes 20,000 fields): the same bytes, without json.dumps's set-up.
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if type(value) is int:
        return str(value).encode()
    if type(value) is str:
        return _ENCODE_STRING(value).encode("utf-8")
    return canonical(value)


@dataclass(frozen=True)
class Entry:
    """One link of a chain: what happened, to what, and the hash that binds it to the last."""

    seq: int
    kind: str
    at: str  # UTC, as plain_value writes it
    subject_table: str | None
    subject_id: str | None
    # An object, or its canonical JSON text as stored and sent: hashed as that text is,
    # so what is kept is what was hashed, byte for byte.
    body: dict | str
    prev_hash: str

    def body_text(self) -> str:
        return self.body if isinstance(self.body, str) else canonical(self.body).decode()

    def fields(self) -> dict[str, str]:
        """The field hashes an entry for a stored row keeps."""
        body = json.loads(self.body) if isinstance(self.body, str) else self.body
        return body["fields"]

    def content(self) -> dict:
        body = json.loads(self.body) if isinstance(self.body, str) else self.body
        return {
            "seq": self.seq,
            "kind": self.kind,
            "at": self.at,
            "subject": [self.subject_table, self.subject_id],
            "body": body,
            "prev": self.prev_hash,
        }

    def hash(self) -> str:
        """The SHA-256 of the entry's canonical JSON, its previous entry's hash within.

        The same bytes as canonical(self.content()) for a canonical body, put together
        by hand: a push of 1,000 outcomes hashes 2,000 entries.
        """
        text = b"".join(
            (
                b'{"at":', _canonical_value(self.at),
                b',"body":', self.body_text().encode("utf-8"),
                b',"kind":', _canonical_value(self.kind),
                b',"prev":', _canonical_value(self.prev_hash),
                b',"seq":', _canonical_value(self.seq),
                b',"subject":[', _canonical_value(self.subject_table),
                b",", _canonical_value(self.subject_id), b"]}",
            )
        )  # fmt: skip
        return sha256(text)


def chained(
    items: Iterable[tuple[str, str | None, str | None, dict]], seq: int, prev: str, at: str
) -> Iterator[tuple[Entry, str]]:
    """(kind, subject table, subject id, body) as entries after (seq, prev), each with its
    hash, the one before's inside it: how the laptop and head office both append."""
    for kind, table, subject, body in items:
        seq += 1
        entry = Entry(seq, kind, at, table, subject, canonical(body).decode(), prev)
        prev = entry.hash()
        yield entry, prev


@dataclass(frozen=True)
class Broken:
    """The first place a chain or a row no longer matches what was recorded."""

    where: str  # "audit entry 17", "outcomes OUT-1"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def first_broken_link(
    entries: Iterable[tuple[Entry, str]], prev: str = GENESIS, start: int = 1
) -> Broken | None:
    """Walk (entry, stored hash) pairs in order: each must follow the last and hash as kept.

    From the chain's start, or from an anchor: the entry `start` must follow `prev`.
    """
    expected_prev, expected_seq = prev, start
    for entry, stored in entries:
        where = f"audit entry {entry.seq}"
        if entry.seq != expected_seq:
            return Broken(where, f"comes where entry {expected_seq} should (one is missing)")
        if entry.prev_hash != expected_prev:
            return Broken(where, "does not name the entry before it (the chain was cut)")
        if entry.hash() != stored:
            return Broken(where, "its content differs from the hash it was stored with")
        expected_prev, expected_seq = stored, entry.seq + 1
    return None


def changed_fields(row: Mapping[str, object], recorded: Mapping[str, str]) -> list[str]:
    """The fields of a stored row that differ from the hashes its audit entry kept."""
    now = field_hashes(row)
    names = sorted(set(now) | set(recorded))
    return [name for name in names if now.get(name) != recorded.get(name)]
