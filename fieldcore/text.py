"""Text as it may enter the product: no control characters where they mean nothing.

A NUL ends a string in C and is refused by PostgreSQL; an escape sequence
retitles or clears the supervisor's terminal; a newline in an address hides
the fields beside it; a bidirectional override makes text read in another
order than it is stored. Single-line text refuses all of them; multi-line
text (notes, reasons) keeps newlines and tabs only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _first_bad(text: str, *, newlines: bool) -> str | None:
    for char in text:
        if char in "\n\t" and newlines:
            continue
        if _CONTROL.match(char) or char in _BIDI or char in "\u2028\u2029":
            return char
    return None


def _describe(char: str) -> str:
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} {name}".rstrip()


def check_line(text: str) -> str:
    """Refuse a single-line text holding any control, line break or bidi override."""
    if (bad := _first_bad(text, newlines=False)) is not None:
        raise ValueError(
            f"holds a character that does not belong in one line of text ({_describe(bad)})"
        )
    return text


def check_lines(text: str) -> str:
    """Refuse a multi-line text holding a control or bidi override; newlines and tabs stay."""
    if (bad := _first_bad(text, newlines=True)) is not None:
        raise ValueError(f"holds a character that does not belong in text ({_describe(bad)})")
    return text


def printable(text: str) -> str:
    """Text safe to print to a terminal: every control or override shown as a visible escape."""
    return "".join(
        f"\\u{ord(char):04x}" if _first_bad(char, newlines=False) is not None else char
        for char in text
    )


Line = Annotated[str, AfterValidator(check_line)]
Lines = Annotated[str, AfterValidator(check_lines)]
