"""Where the laptop keeps its data and its log: FIELDAPP_HOME, or the platform's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def home_dir(explicit: str | Path | None = None) -> Path:
    """The folder holding this laptop's database; several homes let one machine act as many."""
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get("FIELDAPP_HOME"):
        return Path(env).expanduser()
    return Path(user_data_dir("fieldapp", appauthor=False))


def log_path(home: Path) -> Path:
    """This laptop's log, beside its database: the errors the app could not handle."""
    return home / "fieldapp.log"
