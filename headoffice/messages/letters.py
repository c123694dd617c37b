"""Letters as PDF files in print batches: one folder per batch, a PDF a letter and a CSV.

A batch is safe against a crash at any moment if the caller keeps this order, which
write_batch() holds by taking the commit as an argument:

1. write the batch's files into `.batch-NNNNN.partial/` and fsync them;
2. commit the batch in the database (its row, its messages PRINTED), via `commit`;
3. rename the folder to `batch-NNNNN/`, which a rename does all at once.

So a folder named `batch-NNNNN/` is always whole and always committed, and what a crash
leaves is a partial folder that finish_batches() settles at the start of the next run by
asking the database: a batch it has was committed with every file already written, and
its folder is renamed; a batch it does not have was never committed, its letters are
still queued and will be printed again, and its folder is removed. A commit that raised
leaves the partial folder for the same reason: the database alone knows whether it took.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO

from fieldcore.i18n import N_, translated
from headoffice.paper.pdf import PAGE_HEIGHT, PAGE_WIDTH, PdfWriter
from headoffice.paper.wrap import wrap

PAGE = N_("Page {page} of")  # the evidence pack's words, translated already
CSV_NAME = "addresses.csv"
COLUMNS = ("file", "name", "address_1", "address_2", "address_3", "language", "key")

MM = 72 / 25.4
LEFT, RIGHT = 25 * MM, PAGE_WIDTH - 20 * MM
# A DL or C5 window envelope (DIN 5008 form B) shows 45 to 90 mm from the top, 20 to
# 110 mm from the left: the return line and the borrower's address go there, nothing else.
WINDOW_TOP, WINDOW_WIDTH = 45 * MM, 80 * MM
LENDER_WIDTH = 80 * MM
DATE_AT, SUBJECT_AT, NEXT_PAGE_AT = 100 * MM, 110 * MM, 25 * MM
BOTTOM, FOOT = PAGE_HEIGHT - 25 * MM, PAGE_HEIGHT - 12 * MM
BODY, SUBJECT, ADDRESS, LENDER, RETURN, SMALL = 10.0, 12.5, 10.0, 8.5, 6.5, 8.0
LEADING = 1.4  # a line's height, as a multiple of its size
PARAGRAPH = 7.0  # the space between paragraphs, in points

_PARTIAL = re.compile(r"\.batch-(\d+)\.partial")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_RETURN_SEPARATOR = " · "
# What a spreadsheet reads as the start of a formula (OWASP, CSV injection); as
# oversight.exports.spreadsheet_safe, which this room may not import.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Letter:
    """One letter as printed: already written, and dated, in the borrower's language."""

    key: str  # the outbox's key for the message
    name: str  # the borrower's name, first line in the envelope's window
    address_lines: tuple[str, ...]  # street, "postal_code city", country
    language: str
    lender_name: str
    lender_lines: tuple[str, ...]  # the lender's address, phone
    dated: str  # the date in the borrower's locale
    subject: str
    text: str  # paragraphs separated by blank lines; a single newline breaks a line


def batch_folder(folder: Path, batch_id: int) -> Path:
    """Where a finished batch lies: `folder/batch-NNNNN/`."""
    return folder / f"batch-{batch_id:05d}"


def write_batch(
    folder: Path,
    batch_id: int,
    letters: Sequence[Letter],
    made_at: datetime,
    *,
    commit: Callable[[], object],
) -> Path:
    """Write the batch's letters and addresses.csv, call `commit`, then publish the folder.

    `commit` commits the caller's transaction that holds the batch (its row, its letters
    marked printed): it is called once the files are on disk and before the folder takes
    its final name (see the module's docstring). If that folder exists already, it is
    left untouched: the batch was written and committed before; `commit` is still
    called, so a return always means committed. Returns the final folder.
    """
    if made_at.tzinfo is None:
        raise ValueError("made_at must be an aware datetime")
    final = batch_folder(folder, batch_id)
    if final.exists():
        commit()
        return final
    folder.mkdir(parents=True, exist_ok=True)
    partial = _partial_folder(folder, batch_id)
    if partial.exists():  # a run that died before its commit, whose id came round again
        shutil.rmtree(partial)
    partial.mkdir()
    try:
        rows, alphabet = [], _alphabet(letters)
        for n, letter in enumerate(letters, start=1):
            name = f"{n:04d}-{_UNSAFE.sub('_', letter.key)}.pdf"
            with (partial / name).open("wb") as out:
                _draw(out, letter, made_at.astimezone(UTC), alphabet)
                _flushed(out)
            rows.append(_row(name, letter))
        # Excel reads a CSV as the machine's code page unless it starts with a BOM.
        with (partial / CSV_NAME).open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            _flushed(out)
        _fsync_folder(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # nothing was committed: nothing to keep
        raise
    commit()
    return _publish(partial, final)


def finish_batches(folder: Path, known: Container[int]) -> None:
    """Settle what a crash left: a partial folder of a batch in `known` (the batches the
    database has) takes its final name; any other partial folder is removed."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        found = _PARTIAL.fullmatch(path.name)
        if found is None or not path.is_dir():
            continue
        batch_id = int(found.group(1))
        final = batch_folder(folder, batch_id)
        if batch_id in known and not final.exists():
            _publish(path, final)
        else:
            # Uncommitted (its letters are still queued), or published already.
            shutil.rmtree(path)
            _fsync_folder(folder)


def _partial_folder(folder: Path, batch_id: int) -> Path:
    return folder / f".batch-{batch_id:05d}.partial"


def _publish(partial: Path, final: Path) -> Path:
    partial.rename(final)
    _fsync_folder(final.parent)  # the rename itself is on disk only once its folder is
    return final


def _flushed(out: IO) -> None:
    out.flush()
    os.fsync(out.fileno())


def _fsync_folder(path: Path) -> None:
    # A file's name lives in its folder: fsync the folder so the name survives a power cut.
    # Windows cannot open a folder to fsync it (nor needs to).
    if os.name != "posix":
        return
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _row(file: str, letter: Letter) -> list[str]:
    lines = list(letter.address_lines)
    # Three columns whatever the address: a longer one keeps its rest in the last.
    address = [*lines[:2], ", ".join(lines[2:])]
    address += [""] * (3 - len(address))
    cells = [letter.name, *address, letter.language, letter.key]
    return [file, *map(_spreadsheet_safe, cells)]


def _spreadsheet_safe(value: str) -> str:
    # A name from core banking may start with "="; the print shop opens this in Excel.
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _alphabet(letters: Sequence[Letter]) -> str:
    """Every character the batch's letters draw, so that they all embed one font subset.

    Made once, the subset costs a quarter of a second; made for each letter, a batch of
    a thousand would take minutes. A character left out here is still drawn right, in
    a subset of its letter's own.
    """
    used = set(_RETURN_SEPARATOR)
    for letter in letters:
        used.update(letter.name, letter.lender_name, letter.dated)
        used.update(letter.subject, letter.text, translated(PAGE, letter.language))
        for line in (*letter.address_lines, *letter.lender_lines):
            used.update(line)
    used -= {"\n", "\r", "\t"}  # never drawn: lines are broken there, tabs become spaces
    return "".join(sorted(used))


def _draw(out: BinaryIO, letter: Letter, made_at: datetime, alphabet: str) -> None:
    """One letter on A4: the first page's head, then the subject and text over pages."""
    pdf = PdfWriter(out, letter.subject, made_at, alphabet)
    pages = _pages(pdf, letter)
    for number, lines in enumerate(pages, start=1):
        if number == 1:
            _head(pdf, letter)
        else:
            pdf.end_page()
        for y, size, text in lines:
            pdf.text(LEFT, y, size, text)
        if len(pages) > 1:
            foot = f"{translated(PAGE, letter.language).format(page=number)} {len(pages)}"
            pdf.text(RIGHT - pdf.width(foot, SMALL), FOOT, SMALL, foot, grey=True)
    pdf.close()


def _head(pdf: PdfWriter, letter: Letter) -> None:
    """The lender at the top right, the borrower in the window, the date."""
    y = 20 * MM
    for size, line in [(11.0, letter.lender_name)] + [(LENDER, s) for s in letter.lender_lines]:
        for part in wrap(pdf, line, LENDER_WIDTH, size):
            pdf.text(RIGHT - pdf.width(part, size), y, size, part)
            y += size * LEADING
    # The return line, small, above the address: the post office reads where to send it back.
    back = _RETURN_SEPARATOR.join(p for p in (letter.lender_name, *letter.lender_lines[:1]) if p)
    pdf.text(LEFT, WINDOW_TOP + 9, RETURN, wrap(pdf, back, WINDOW_WIDTH, RETURN)[0], grey=True)
    y = WINDOW_TOP + 24
    for line in (letter.name, *letter.address_lines):
        for part in wrap(pdf, line, WINDOW_WIDTH, ADDRESS):
            pdf.text(LEFT, y, ADDRESS, part)
            y += ADDRESS * 1.3
    pdf.text(RIGHT - pdf.width(letter.dated, BODY), DATE_AT, BODY, letter.dated)


def _pages(pdf: PdfWriter, letter: Letter) -> list[list[tuple[float, float, str]]]:
    """The subject and the text laid out in lines, (y, size, text) on each page."""
    width = RIGHT - LEFT
    pages: list[list[tuple[float, float, str]]] = [[]]
    y = SUBJECT_AT

    def put(size: float, text: str) -> None:
        nonlocal y
        if y > BOTTOM:
            pages.append([])
            y = NEXT_PAGE_AT
        pages[-1].append((y, size, text))
        y += size * LEADING

    for part in wrap(pdf, letter.subject, width, SUBJECT):
        put(SUBJECT, part)
    for paragraph in re.split(r"\n[ \t]*\n", letter.text.replace("\r\n", "\n").strip()):
        y += PARAGRAPH  # lost when the paragraph starts a page, as it should be
        for line in paragraph.split("\n"):
            for part in wrap(pdf, line.replace("\t", " ").rstrip(), width, BODY):
                put(BODY, part)
    return pages
