"""The default call scripts, contact policies and message templates that ship, as TOML data."""

import tomllib
from pathlib import Path

CONTENT_DIR = Path(__file__).parent


def shipped_policies() -> list[dict]:
    """Each policy/*.toml as read TOML: the default and one per jurisdiction."""
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((CONTENT_DIR / "policy").glob("*.toml"))
    ]


def shipped_messages() -> list[dict]:
    """Each messages/*.toml as read TOML: one language's message templates each."""
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((CONTENT_DIR / "messages").glob("*.toml"))
    ]
