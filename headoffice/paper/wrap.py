"""A line of text broken into lines that fit a width, as the PDF writer measures them."""

from __future__ import annotations

from itertools import accumulate

from headoffice.paper.pdf import PdfWriter


def wrap(pdf: PdfWriter, text: str, width: float, size: float) -> list[str]:
    """Lines that fit: broken at spaces, and anywhere in a run without them (Chinese)."""
    # No glyph is wider than the font's em: a line that short fits without measuring.
    if len(text) * size <= width:
        return [text]
    if pdf.width(text, size) <= width:
        return [text]
    # Every character measured once; a line's width is then a difference of two sums.
    edge = list(accumulate(pdf.widths(text, size), initial=0.0))
    lines, start, end = [], 0, 0  # the line being made is text[start:end]
    for word_start, word_end in _words(text):
        if edge[word_end] - edge[start] <= width:
            end = word_end
            continue
        if end > start:
            lines.append(text[start:end])
        start = word_start
        while edge[word_end] - edge[start] > width:  # a word wider than a line: cut it
            cut = start + 1
            while cut < word_end and edge[cut + 1] - edge[start] <= width:
                cut += 1
            lines.append(text[start:cut])
            start = cut
        end = word_end
    if end > start:
        lines.append(text[start:end])
    return lines


def _words(text: str) -> list[tuple[int, int]]:
    # Each word's start and end in the text, the spaces between left out.
    found, at = [], 0
    for word in text.split(" "):
        found.append((at, at + len(word)))
        at += len(word) + 1
    return found
