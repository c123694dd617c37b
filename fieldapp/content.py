"""Load call scripts and the contact policy: head office's published copy, else the defaults."""

from __future__ import annotations

import json
import tomllib
from functools import cache

from content import CONTENT_DIR
from fieldcore.policy import ContactPolicy, newest_policy
from fieldcore.scripts import ScriptLibrary


@cache
def default_libraries() -> dict[str, ScriptLibrary]:
    """The libraries that ship with fieldapp, by language."""
    found = {}
    for path in sorted((CONTENT_DIR / "scripts").glob("*.toml")):
        library = ScriptLibrary.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        found[library.language] = library
    return found


@cache
def default_policy() -> ContactPolicy:
    path = CONTENT_DIR / "policy" / "default.toml"
    return ContactPolicy.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def libraries(published: list[dict]) -> dict[str, ScriptLibrary]:
    """Published libraries (from sync) over the defaults, the newer version winning."""
    found = dict(default_libraries())
    for item in published:
        if item["kind"] != "scripts":
            continue
        library = ScriptLibrary.model_validate(json.loads(item["body"]))
        if library.language not in found or library.version >= found[library.language].version:
            found[library.language] = library
    return found


def policy(published: list[dict]) -> ContactPolicy:
    """The published policy if head office sent one, else the default."""
    bodies = (item["body"] for item in published if item["kind"] == "policy")
    return newest_policy(default_policy(), bodies)
