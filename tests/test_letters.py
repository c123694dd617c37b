"""Letters in print batches: each a PDF a viewer reads back in its language, with its font
embedded, addresses in a CSV Excel opens, and a folder that is whole or not there at all."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from headoffice.messages.letters import Letter, batch_folder, finish_batches, write_batch

MADE_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
LENDER = ("Nordlys Finans A/S", ("Strandvejen 12, 2900 Hellerup", "+45 70 20 30 40"))
LETTERS = (
    Letter(
        key="visit_notice:EN-1:2026-11-27",
        name="Alice Brown",
        address_lines=("14 Mill Lane", "LS1 4AB Leeds", "United Kingdom"),
        language="en",
        lender_name=LENDER[0],
        lender_lines=LENDER[1],
        dated="23 November 2026",
        subject="Notice of a visit",
        text="Dear Alice Brown,\n\nA collector will visit you on 27 November.\n\nKind regards,"
        "\nNordlys Finans",
    ),
    Letter(
        key="visit_notice:DK-1:2026-11-27",
        name="Søren Ærø Åberg",
        address_lines=("Østergade 7, 2. tv.", "8000 Aarhus C", "Danmark"),
        language="da",
        lender_name=LENDER[0],
        lender_lines=LENDER[1],
        dated="23. november 2026",
        subject="Varsel om besøg",
        text="Kære Søren Ærø Åberg,\n\nVi besøger dig på Østergade den 27. november.",
    ),
    Letter(
        key="visit_notice:CN-1:2026-11-27",
        name="王小明",
        address_lines=("人民路 88 号", "200001 上海", "中国"),
        language="zh",
        lender_name=LENDER[0],
        lender_lines=LENDER[1],
        dated="2026年11月23日",
        subject="上门拜访通知",
        text="尊敬的王小明：\n\n我们的催收员将于十一月二十七日上门拜访。",
    ),
)


def no_commit() -> None:
    """Nothing to commit: these tests have no database."""


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_a_batch_of_three_letters_reads_back_in_each_language(tmp_path):
    committed = []
    final = write_batch(tmp_path, 7, LETTERS, MADE_AT, commit=lambda: committed.append(True))
    assert final == batch_folder(tmp_path, 7) == tmp_path / "batch-00007"
    assert committed == [True]
    names = sorted(p.name for p in final.iterdir())
    assert names == [
        "0001-visit_notice_EN-1_2026-11-27.pdf",
        "0002-visit_notice_DK-1_2026-11-27.pdf",
        "0003-visit_notice_CN-1_2026-11-27.pdf",
        "addresses.csv",
    ]
    for name, letter in zip(names, LETTERS, strict=False):
        (text,) = text_of(final / name)  # one page each
        flat = text.replace(" ", "").replace("\n", "")
        for part in (letter.name, *letter.address_lines, letter.subject, letter.dated):
            assert part.replace(" ", "") in flat, (name, part)
        for word in letter.text.replace("\n", " ").split(" "):
            assert word in flat, (name, word)
        assert "Nordlys Finans A/S" in text and "+45 70 20 30 40" in text
        assert "Page" not in text and "Side" not in text  # no numbering on a single page


def test_the_font_is_embedded_and_the_pdf_is_dated_in_utc(tmp_path):
    final = write_batch(tmp_path, 1, LETTERS[2:], MADE_AT, commit=no_commit)
    reader = pypdf.PdfReader(next(final.glob("*.pdf")))
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"]
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    embedded = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    assert embedded is not None and len(embedded.get_object().get_data()) > 1000
    assert "/ToUnicode" in font
    # Made at 09:30 UTC whatever zone the machine is in (the tests run in Kiritimati too).
    assert reader.metadata["/CreationDate"] == "D:20261123093000Z"
    assert reader.metadata.title == LETTERS[2].subject


def test_the_window_shows_the_address_where_the_envelope_does(tmp_path):
    final = write_batch(tmp_path, 1, LETTERS[:1], MADE_AT, commit=no_commit)
    page = pypdf.PdfReader(next(final.glob("*.pdf"))).pages[0]
    placed: dict[str, tuple[float, float]] = {}

    def seen(text, cm, tm, font, size):
        if text.strip():
            placed[text.strip()] = (tm[4], float(page.mediabox.height) - tm[5])

    page.extract_text(visitor_text=seen)
    mm = 72 / 25.4
    x, from_top = placed["Alice Brown"]
    # DL/C5 window: 20 to 110 mm from the left, 45 to 90 mm from the top.
    assert 20 * mm <= x <= 40 * mm and 45 * mm <= from_top <= 90 * mm
    x, from_top = placed["United Kingdom"]
    assert 45 * mm <= from_top <= 90 * mm
    x, from_top = placed["Nordlys Finans A/S"]
    assert x > float(page.mediabox.width) / 2 and from_top < 45 * mm


def test_a_long_letter_runs_over_two_pages_numbered(tmp_path):
    paragraph = " ".join(["Your account is overdue and we ask you to call us."] * 8)
    long = Letter(**{**vars(LETTERS[1]), "text": "\n\n".join([paragraph] * 9) + "\n\nSLUT"})
    final = write_batch(tmp_path, 2, [long], MADE_AT, commit=no_commit)
    pages = text_of(next(final.glob("*.pdf")))
    assert len(pages) == 2
    assert "Side 1 af 2" in pages[0] and "Side 2 af 2" in pages[1]
    assert "SLUT" in pages[1] and "Søren Ærø Åberg" in pages[0]


def test_a_chinese_letter_wraps_where_it_has_no_spaces(tmp_path):
    text = "我们的催收员将于十一月二十七日上门拜访。" * 30
    long = Letter(**{**vars(LETTERS[2]), "text": text})
    final = write_batch(tmp_path, 3, [long], MADE_AT, commit=no_commit)
    (page,) = text_of(next(final.glob("*.pdf")))
    assert text in page.replace("\n", "").replace(" ", "")


def test_addresses_csv_opens_with_its_bom_and_one_row_a_letter(tmp_path):
    odd = Letter(**{**vars(LETTERS[0]), "key": "reminder:X/1:2026-12-01", "name": "=HYPERLINK()"})
    final = write_batch(tmp_path, 4, [*LETTERS, odd], MADE_AT, commit=no_commit)
    raw = (final / "addresses.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (final / "addresses.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "file",
        "name",
        "address_1",
        "address_2",
        "address_3",
        "language",
        "key",
    ]
    assert rows[1] == {
        "file": "0002-visit_notice_DK-1_2026-11-27.pdf",
        "name": "Søren Ærø Åberg",
        "address_1": "Østergade 7, 2. tv.",
        "address_2": "8000 Aarhus C",
        "address_3": "Danmark",
        "language": "da",
        "key": "visit_notice:DK-1:2026-11-27",
    }
    assert rows[2]["name"] == "王小明" and rows[2]["address_2"] == "200001 上海"
    # Every file named is there; a name that is a formula is shown, never run.
    assert all((final / row["file"]).is_file() for row in rows)
    assert rows[3]["file"] == "0004-reminder_X_1_2026-12-01.pdf"
    assert rows[3]["name"] == "'=HYPERLINK()"


def test_the_folder_is_partial_until_the_commit_and_final_after(tmp_path):
    seen = []

    def commit() -> None:
        # The files are all written before the commit, and the folder not yet final.
        partial = tmp_path / ".batch-00005.partial"
        seen.append(sorted(p.name for p in partial.iterdir()))
        assert not batch_folder(tmp_path, 5).exists()

    final = write_batch(tmp_path, 5, LETTERS, MADE_AT, commit=commit)
    assert len(seen[0]) == 4 and final.is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["batch-00005"]


def test_a_commit_that_fails_leaves_the_partial_for_the_next_run_to_settle(tmp_path):
    def commit() -> None:
        raise ConnectionError("the database went away")

    with pytest.raises(ConnectionError):
        write_batch(tmp_path, 6, LETTERS, MADE_AT, commit=commit)
    assert [p.name for p in tmp_path.iterdir()] == [".batch-00006.partial"]
    # The database, asked on the next run, says whether it took.
    finish_batches(tmp_path, known={6})
    assert [p.name for p in tmp_path.iterdir()] == ["batch-00006"]
    assert len(list(batch_folder(tmp_path, 6).iterdir())) == 4


def test_finish_batches_renames_the_known_and_removes_the_unknown(tmp_path):
    def dies() -> None:
        raise SystemExit("killed between the files and the commit")

    for batch_id in (8, 9):
        with pytest.raises(SystemExit):
            write_batch(tmp_path, batch_id, LETTERS[:1], MADE_AT, commit=dies)
    (tmp_path / "batch-00003").mkdir()  # finished before: left alone
    (tmp_path / "notes.txt").write_text("the supervisor's own file")
    finish_batches(tmp_path, known={3: "row", 8: "row"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch-00003", "batch-00008", "notes.txt"]
    assert (batch_folder(tmp_path, 8) / "addresses.csv").is_file()
    finish_batches(tmp_path / "missing", known=set())  # no folder yet: nothing to do


def test_an_existing_final_folder_is_returned_untouched(tmp_path):
    final = write_batch(tmp_path, 10, LETTERS[:1], MADE_AT, commit=no_commit)
    before = {p.name: p.read_bytes() for p in final.iterdir()}
    committed = []
    again = write_batch(tmp_path, 10, LETTERS, MADE_AT, commit=lambda: committed.append(True))
    assert again == final and committed == [True]
    assert {p.name: p.read_bytes() for p in final.iterdir()} == before


def test_a_stale_partial_of_the_same_id_is_written_anew(tmp_path):
    stale = tmp_path / ".batch-00011.partial"
    stale.mkdir()
    (stale / "0001-old.pdf").write_bytes(b"half a letter")
    final = write_batch(tmp_path, 11, LETTERS[:1], MADE_AT, commit=no_commit)
    assert sorted(p.name for p in final.iterdir()) == [
        "0001-visit_notice_EN-1_2026-11-27.pdf",
        "addresses.csv",
    ]


def test_a_naive_moment_is_refused(tmp_path):
    with pytest.raises(ValueError, match="aware"):
        write_batch(tmp_path, 12, LETTERS, datetime(2026, 11, 23), commit=no_commit)
    assert not tmp_path.joinpath(".batch-00012.partial").exists()


def test_the_letters_of_a_batch_share_one_font_subset(tmp_path):
    # One subset for the batch, not one a letter: a quarter of a second each otherwise.
    long = Letter(**{**vars(LETTERS[1]), "text": "\n\n".join(["Betal venligst nu."] * 60)})
    final = write_batch(tmp_path, 13, [*LETTERS, long], MADE_AT, commit=no_commit)
    programs = set()
    for path in sorted(final.glob("*.pdf")):
        font = pypdf.PdfReader(path).pages[0]["/Resources"]["/Font"]["/F1"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        programs.add(descriptor["/FontFile2"].get_object().get_data())
    assert len(programs) == 1
