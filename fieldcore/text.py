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
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic_core import CoreSchema

# Controls (C0, DEL, C1), line and paragraph separators, and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one search in C,
# not a test per character (a push of 500 outcomes checks thousands of lines).
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same, but a tab (U+0009) and a newline (U+000A) are kept.
_BAD_IN_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _first_bad(text: str, *, newlines: bool) -> str | None:
    found = (_BAD_IN_LINES if newlines else _BAD_IN_LINE).search(text)
    return found.group() if found else None


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


# The same rules as JSON-schema patterns, so the document says what the server refuses.
_OVERRIDES = r"\u202a-\u202e\u2066-\u2069\u2028\u2029"
_NOT_IN_LINES = rf"\u0000-\u0008\u000b-\u001f\u007f-\u009f{_OVERRIDES}"
LINE_PATTERN = rf"^[^\u0000-\u001f\u007f-\u009f{_OVERRIDES}]*$"
LINES_PATTERN = rf"^[^{_NOT_IN_LINES}]*$"
# Multi-line text that says something: at least one character that is not a space.
# The spaces are spelled out: Python's str.isspace and a JSON-schema \s differ (U+FEFF).
SPACES = " \t\n\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff"
SAID_PATTERN = rf"^[^{_NOT_IN_LINES}]*[^{SPACES}{_NOT_IN_LINES}][^{_NOT_IN_LINES}]*$"
_SOMETHING = re.compile(rf"[^{SPACES}{_NOT_IN_LINES}]")


class _Pattern:
    """Adds a pattern to a string's JSON schema, keeping its lengths and the rest."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return handler(schema) | {"pattern": self.pattern}


Line = Annotated[str, AfterValidator(check_line), _Pattern(LINE_PATTERN)]
Lines = Annotated[str, AfterValidator(check_lines), _Pattern(LINES_PATTERN)]


def check_said(text: str) -> str:
    """Refuse multi-line text that is only spaces, or holds a control or override."""
    if not _SOMETHING.search(text):
        raise ValueError("says nothing: write at least one word")
    return check_lines(text)


Said = Annotated[str, AfterValidator(check_said), _Pattern(SAID_PATTERN)]
