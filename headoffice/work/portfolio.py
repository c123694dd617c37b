"""Import the overdue portfolio exported from core banking: all rows or none, upsert by account."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fieldcore.accounts import (
    AMOUNT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Account,
    parse_row,
)
from fieldcore.errors import FieldErrors
from fieldcore.money import MoneyError, check_plain_amount
from headoffice.clock import today
from headoffice.compliance.limitation import refresh_limitation
from headoffice.evidence.trail import append
from headoffice.ledger.history import record_history
from headoffice.store.db import chunks
from headoffice.store.tables import accounts, reserve_changes

KNOWN_COLUMNS = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
_ACCOUNT_FIELDS = tuple(Account.model_fields)


class ImportRefused(Exception):
    """The file was refused whole; `problems` says where, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the file")


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    new: int
    updated: int
    unchanged: int


def read_portfolio(path: Path, progress: Callable[[int], None] | None = None) -> list[Account]:
    """Read and check every row; raise ImportRefused listing each bad row as `line N`.

    `progress` hears how many more lines were read, now and then.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_rows(csv.reader(handle), progress)
    except FileNotFoundError:
        raise ImportRefused([f"{path}: no such file"]) from None
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"]
        ) from None
    except csv.Error as error:
        raise ImportRefused([f"{path}: not a readable CSV file ({error})"]) from None


def parse_portfolio(text: str) -> list[Account]:
    """Check every row of a portfolio sent as text (the supervisor API); as read_portfolio."""
    try:
        return _read_rows(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as error:
        raise ImportRefused([f"not a readable CSV file ({error})"]) from None


def _read_rows(
    reader: Iterable[list[str]], progress: Callable[[int], None] | None = None
) -> list[Account]:
    rows = iter(reader)
    header = [name.strip() for name in next(rows, [])]
    problems = _header_problems(header)
    if problems:
        raise ImportRefused(problems)
    found: list[Account] = []
    first_line_of: dict[str, int] = {}
    line = 1
    for cells in rows:
        line += 1
        if progress and line % 1000 == 0:
            progress(1000)
        if not any(cell.strip() for cell in cells):
            continue  # blank lines at the end of exports are common and harmless
        if len(cells) != len(header):
            problems.append(f"line {line}: has {len(cells)} fields, the header has {len(header)}")
            continue
        row = dict(zip(header, cells, strict=True))
        errors: dict[str, str] = {}
        try:
            account = parse_row(row)
        except FieldErrors as error:
            errors = error.errors
        # Amounts as written, before the row's stripping: only plain decimals.
        errors |= _amount_forms(row)
        if errors:
            problems.extend(f"line {line}, column {col}: {why}" for col, why in errors.items())
            continue
        if account.account_id in first_line_of:
            problems.append(
                f"line {line}, column account_id: {account.account_id!r} "
                f"is already on line {first_line_of[account.account_id]}"
            )
            continue
        first_line_of[account.account_id] = line
        found.append(account)
    if problems:
        raise ImportRefused(problems)
    return found


def _amount_forms(row: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in AMOUNT_COLUMNS:
        cell = row.get(column, "")
        if cell.strip():  # blank is "not given" or "required", as parse_row says
            try:
                check_plain_amount(cell)
            except MoneyError as error:
                found[column] = str(error)
    return found


def _header_problems(header: list[str]) -> list[str]:
    if not any(header):
        return ["line 1: the file is empty; expected a header row"]
    problems = [f"line 1: missing column {name}" for name in REQUIRED_COLUMNS if name not in header]
    problems += [
        f"line 1: unknown column {name!r} (known: {', '.join(sorted(KNOWN_COLUMNS))})"
        for name in header
        if name not in KNOWN_COLUMNS
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(f"line 1: column {name} appears twice")
        seen.add(name)
    return problems


def import_accounts(
    engine: Engine,
    incoming: list[Account],
    progress: Callable[[int], None] | None = None,
    file_sha256: str | None = None,
) -> ImportSummary:
    """Upsert accounts in one transaction; rows that did not change keep their version.

    The import is an entry of the audit trail, with the SHA-256 of the file it came from.
    """
    new = updated = unchanged = 0
    now = datetime.now(UTC)
    with engine.begin() as conn:
        existing: dict[str, dict] = {}
        for chunk in chunks(a.account_id for a in incoming):
            for row in conn.execute(sa.select(accounts).where(accounts.c.account_id.in_(chunk))):
                existing[row.account_id] = {f: getattr(row, f) for f in _ACCOUNT_FIELDS}
        inserts: list[dict] = []
        changes: list[dict] = []
        for account in incoming:
            values = account.model_dump()
            before = existing.get(account.account_id)
            if before is None:
                inserts.append(values)
            elif before != values:
                changes.append(values)
            else:
                unchanged += 1
        new, updated = len(inserts), len(changes)
        body = {"file_sha256": file_sha256, "new": new, "updated": updated, "unchanged": unchanged}
        # The entry first, in the same transaction: each account written keeps its number,
        # so an evidence pack can name the file the account came from.
        entry = append(conn, [("portfolio import", None, None, body)])
        if inserts or changes:
            first = reserve_changes(conn, len(inserts) + len(changes))
            for offset, values in enumerate(inserts + changes):
                values["seq"] = first + offset
                values["updated_at"] = now
                values["imported_seq"] = entry.seq
        for batch in chunks(inserts):
            conn.execute(accounts.insert(), batch)
            if progress:
                progress(len(batch))
        if changes:
            stmt = (
                accounts.update()
                .where(accounts.c.account_id == sa.bindparam("key"))
                .values(
                    {
                        f: sa.bindparam(f"v_{f}")
                        for f in (*_ACCOUNT_FIELDS[1:], "seq", "updated_at", "imported_seq")
                    }
                )
            )
            conn.execute(
                stmt,
                [{"key": v["account_id"]} | {f"v_{k}": x for k, x in v.items()} for v in changes],
            )
            if progress:
                progress(len(changes))
        written = [v["account_id"] for v in inserts + changes]
        # A new day the oldest amount fell due moves the day its claim expires.
        refresh_limitation(conn, written)
        # The figures as they stood before are kept: roll rates ask for past stages.
        record_history(conn, today(), written)
    return ImportSummary(new=new, updated=updated, unchanged=unchanged)
