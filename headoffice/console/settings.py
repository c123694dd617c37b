"""The console's remembered choices (theme, language), in the supervisor's config folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_dir


def settings_path() -> Path:
    """HEADOFFICE_CONFIG, or console.json in the platform's config folder."""
    if folder := os.environ.get("HEADOFFICE_CONFIG"):
        return Path(folder) / "console.json"
    return Path(user_config_dir("headoffice", appauthor=False)) / "console.json"


def load_settings() -> dict[str, str]:
    """What was chosen last time; nothing when the file is missing or unreadable."""
    try:
        found = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}


def save_settings(**changes: str) -> None:
    """Remember these choices; a folder that cannot be written only costs the memory."""
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(load_settings() | changes), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass
