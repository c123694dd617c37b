"""Head office's today: the UTC date, or HEADOFFICE_TODAY when pinned (training, tests)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def today() -> date:
    """The date head office judges promises and stages by."""
    if pinned := os.environ.get("HEADOFFICE_TODAY"):
        return date.fromisoformat(pinned)
    return datetime.now(UTC).date()
