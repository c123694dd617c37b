"""A PDF written page by page as it is made: one embedded font that draws Latin, Danish and
Chinese, subset at the end to the characters used, and "page N of M" filled in last.

Why not a PDF library: the ones at hand hold the whole document and lay out a line in a
millisecond, and an account's file of 10,000 events must be made in under 2 s and in
constant memory. PDF needs little for text: each page's content is written (compressed)
and forgotten; the font, which must know every character used, is written after the
last page, keeping the glyph numbers of the whole font (fontTools' retain_gids) so the
pages could name glyphs before the subset was made.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

# A4 in points, and the margins every page keeps.
PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89
MARGIN = 42.0
# The objects whose numbers the pages refer to before they are written.
_CATALOG, _PAGES, _FONT, _CID_FONT, _DESCRIPTOR, _FONT_FILE, _TO_UNICODE, _TOTAL = range(1, 9)


@dataclass(frozen=True)
class Face:
    """The font's measures and, for each character it draws, its glyph's number as four hex
    digits (for str.translate, which lays out a line in C) and the glyph's advance."""

    path: str
    number: int
    units: int
    ascent: int
    descent: int
    box: tuple[int, int, int, int]
    glyph_hex: dict[int, str]  # code point -> glyph id as 4 hex digits
    advances: dict[str, int]  # character -> advance width, in font units (an em if none)


class _Glyphs(dict):
    # A character the font does not draw becomes glyph 0 (the empty box).
    def __missing__(self, code: int) -> str:
        return "0000"


class _Advances(dict):
    # ... and takes an em, as the empty box does.
    def __init__(self, widths: dict[str, int], em: int) -> None:
        super().__init__(widths)
        self.em = em

    def __missing__(self, char: str) -> int:
        return self.em


def _numbered(font: TTFont) -> None:
    # Glyphs named by their number: reading the font's own names (its post table) costs
    # a third of a second, and the PDF only ever needs the numbers.
    font.setGlyphOrder([f"g{gid}" for gid in range(font["maxp"].numGlyphs)])


@cache
def shipped_face() -> Face:
    """WenQuanYi Micro Hei, the first face of the collection the package installs."""
    # fontTools is imported where a PDF is made, not with the server: a server that
    # never makes one keeps its heap (and every garbage collection) smaller.
    from fontTools.ttLib import TTFont

    path = str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")
    font = TTFont(path, fontNumber=0, lazy=True)
    _numbered(font)
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    head = font["head"]
    return Face(
        path=path,
        number=0,
        units=head.unitsPerEm,
        ascent=font["hhea"].ascent,
        descent=font["hhea"].descent,
        box=(head.xMin, head.yMin, head.xMax, head.yMax),
        glyph_hex=_Glyphs({code: f"{int(name[1:]):04X}" for code, name in cmap.items()}),
        advances=_Advances(
            {chr(code): metrics[name][0] for code, name in cmap.items()}, head.unitsPerEm
        ),
    )


class CountingOut:
    """The stream the PDF goes to, counting bytes: the cross-reference table needs offsets."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.at = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.at += len(data)


class PdfWriter:
    """Pages of lines of text, each line at a place and a size, written as they come."""

    def __init__(self, out: BinaryIO, title: str, made_at: datetime, alphabet: str = "") -> None:
        self.face = shipped_face()
        self.out = CountingOut(out)
        self.title = title
        self.made_at = made_at
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.next_object = _TOTAL + 1
        # The total is drawn last. An alphabet puts more characters in the font than are
        # drawn: PDFs made with the same one (a batch of letters) share one subset.
        self.used: set[str] = set("0123456789") | set(alphabet)
        self.lines: list[bytes] = []
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def width(self, text: str, size: float) -> float:
        """How wide `text` is at `size` points."""
        return sum(map(self.face.advances.__getitem__, text)) * size / self.face.units

    def widths(self, text: str, size: float) -> list[float]:
        """Each character's width at `size` points, in order (for breaking lines)."""
        scale = size / self.face.units
        return [units * scale for units in map(self.face.advances.__getitem__, text)]

    def text(self, x: float, y: float, size: float, text: str, grey: bool = False) -> None:
        """One line of text on the page being made, its baseline at (x, y) from the top left."""
        self.used.update(text)
        shown = text.translate(self.face.glyph_hex)
        colour = b"0.4 g " if grey else b"0 g "
        self.lines.append(
            colour + f"BT /F1 {size:g} Tf {x:.2f} {PAGE_HEIGHT - y:.2f} Td <{shown}> Tj ET".encode()
        )

    def total_pages_at(self, x: float, y: float, size: float) -> None:
        """Where the number of pages goes, drawn once it is known."""
        self.lines.append(
            f"q {size / 10:g} 0 0 {size / 10:g} {x:.2f} {PAGE_HEIGHT - y:.2f} cm /Tot Do Q".encode()
        )

    def end_page(self) -> None:
        """Write the page made so far, and start the next from nothing."""
        content = self._object()
        self._stream(content, b"\n".join(self.lines), {})
        page = self._object()
        self._write_object(
            page,
            f"<< /Type /Page /Parent {_PAGES} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 {_FONT} 0 R >> /XObject << /Tot {_TOTAL} 0 R >> >> "
            f"/Contents {content} 0 R >>".encode(),
        )
        self.pages.append(page)
        self.lines = []

    def close(self) -> None:
        """The font, the page count, the catalog and the cross-reference table."""
        if self.lines or not self.pages:
            self.end_page()
        self._font()
        total = str(len(self.pages))
        shown = total.translate(self.face.glyph_hex)
        self._stream(
            _TOTAL,
            f"BT /F1 10 Tf 0 0 Td <{shown}> Tj ET".encode(),
            {
                "Type": "/XObject",
                "Subtype": "/Form",
                "BBox": "[0 -3 60 12]",
                "Resources": f"<< /Font << /F1 {_FONT} 0 R >> >>",
            },
        )
        kids = " ".join(f"{p} 0 R" for p in self.pages)
        self._write_object(
            _PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self.pages)} >>".encode()
        )
        self._write_object(_CATALOG, f"<< /Type /Catalog /Pages {_PAGES} 0 R >>".encode())
        info = self._object()
        stamp = self.made_at.strftime("D:%Y%m%d%H%M%SZ")
        self._write_object(
            info,
            f"<< /Title {_text_string(self.title)} /Producer (fieldapp head office) "
            f"/CreationDate ({stamp}) >>".encode(),
        )
        start = self.out.at
        count = self.next_object
        rows = [b"xref\n", f"0 {count}\n".encode(), b"0000000000 65535 f \n"]
        rows += [f"{self.offsets[n]:010d} 00000 n \n".encode() for n in range(1, count)]
        self.out.write(b"".join(rows))
        self.out.write(
            f"trailer\n<< /Size {count} /Root {_CATALOG} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n".encode()
        )

    def _font(self) -> None:
        face = self.face
        # The pages name glyphs by their number in the whole font (their CID); the subset
        # numbers them anew, and the CIDToGIDMap takes each old number to its new one.
        cids = sorted({int(face.glyph_hex[ord(c)], 16) for c in self.used} | {0})
        by_cid = {int(face.glyph_hex[ord(c)], 16): c for c in self.used}
        program, renumbered = _subset(face.path, face.number, tuple(cids))
        self._stream(_FONT_FILE, program, {})
        to_gid = bytearray(2 * (cids[-1] + 1))
        for cid, gid in renumbered.items():
            to_gid[2 * cid : 2 * cid + 2] = gid.to_bytes(2, "big")
        cid_map = self._object()
        self._stream(cid_map, bytes(to_gid), {})
        name = "/FAPPAA+WenQuanYiMicroHei"
        scale = 1000 / face.units
        self._write_object(
            _DESCRIPTOR,
            f"<< /Type /FontDescriptor /FontName {name} /Flags 4 "
            f"/FontBBox [{' '.join(str(round(v * scale)) for v in face.box)}] /ItalicAngle 0 "
            f"/Ascent {round(face.ascent * scale)} /Descent {round(face.descent * scale)} "
            f"/CapHeight {round(face.ascent * scale)} /StemV 80 "
            f"/FontFile2 {_FONT_FILE} 0 R >>".encode(),
        )
        widths = " ".join(
            f"{cid} [{round(face.advances.get(by_cid.get(cid, ''), face.units) * scale)}]"
            for cid in cids
        )
        self._write_object(
            _CID_FONT,
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {name} "
            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {_DESCRIPTOR} 0 R /DW 1000 /W [{widths}] "
            f"/CIDToGIDMap {cid_map} 0 R >>".encode(),
        )
        self._stream(_TO_UNICODE, _to_unicode(by_cid), {})
        self._write_object(
            _FONT,
            f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H "
            f"/DescendantFonts [{_CID_FONT} 0 R] /ToUnicode {_TO_UNICODE} 0 R >>".encode(),
        )

    def _object(self) -> int:
        number = self.next_object
        self.next_object += 1
        return number

    def _write_object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.out.at
        self.out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    def _stream(self, number: int, data: bytes, entries: dict[str, str]) -> None:
        packed = zlib.compress(data, 1)  # quickest: a page's text shrinks fourfold even so
        extra = "".join(f" /{k} {v}" for k, v in entries.items())
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n".encode()
        self._write_object(number, head + packed + b"\nendstream")


@lru_cache(maxsize=1)
def _subset(path: str, number: int, cids: tuple[int, ...]) -> tuple[bytes, dict[int, int]]:
    """The font program with only these glyphs, and each one's new number.

    Subsetting reads the whole font again (a quarter of a second); the last subset is
    kept for the next PDF that asks for the same glyphs, as each letter of a batch does.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.notdef_outline = True
    options.glyph_names = False
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [1, 2, 3, 4, 5, 6]
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "post"]
    font = TTFont(path, fontNumber=number, lazy=True)
    _numbered(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=[f"g{cid}" for cid in cids])
    subsetter.subset(font)
    renumbered = {int(name[1:]): gid for gid, name in enumerate(font.getGlyphOrder())}
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue(), renumbered


def _to_unicode(by_cid: dict[int, str]) -> bytes:
    # What lets a viewer (or pdftotext) copy the text out: each glyph's character.
    pairs = sorted(by_cid.items())
    blocks = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        rows = "\n".join(f"<{cid:04X}> <{char.encode('utf-16-be').hex()}>" for cid, char in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{rows}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()


def _text_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
