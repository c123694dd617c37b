"""The default call-script libraries and contact policies that ship with fieldapp, as TOML data."""

import tomllib
from pathlib import Path

CONTENT_DIR = Path(__file__).parent


def shipped_policies() -> list[dict]:
    """Each policy/*.toml as read TOML: the default and one per jurisdiction."""
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((CONTENT_DIR / "policy").glob("*.toml"))
    ]
