"""Call scripts, the contact policy and the lender: head office's published copy, else defaults."""

from __future__ import annotations

import json
import tomllib
from functools import cache, lru_cache

from content import CONTENT_DIR, shipped_policies
from fieldcore.i18n import N_, catalog
from fieldcore.policy import ContactPolicy, Policies, newest_policies, read_policies
from fieldcore.scripts import ScriptLibrary
from sync.protocol import MAX_CONTENT_CHARS, LenderWire


@cache
def default_libraries() -> dict[str, ScriptLibrary]:
    """The libraries that ship with fieldapp, by language."""
    found = {}
    for path in sorted((CONTENT_DIR / "scripts").glob("*.toml")):
        library = ScriptLibrary.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        if library.trial is None:
            found[library.language] = library
    return found


@cache
def shipped() -> tuple[ContactPolicy, ...]:
    """The policies that ship with fieldapp: the default and one per jurisdiction."""
    return tuple(read_policies(shipped_policies()))


def libraries(published: list[dict]) -> dict[str, ScriptLibrary]:
    """Published libraries (from sync) over the defaults, the newer version winning.

    One that is too large or breaks the kernel's bounds is passed over, never shown.
    """
    found = dict(default_libraries())
    for library in _published_libraries(published):
        if library.trial is not None:
            continue  # a challenger: see challengers()
        if library.language not in found or library.version >= found[library.language].version:
            found[library.language] = library
    return found


def challengers(published: list[dict]) -> dict[str, ScriptLibrary]:
    """The published challengers in trial, by language (docs/NUMBERS.md, champion and
    challenger)."""
    found: dict[str, ScriptLibrary] = {}
    for library in _published_libraries(published):
        if library.trial is not None and library.trial.stages:
            found[library.language] = library
    return found


def _published_libraries(published: list[dict]) -> list[ScriptLibrary]:
    found = []
    for item in published:
        if item["kind"] == "scripts" and _bounded(item):
            library = _library(item["body"])
            if library is not None:
                found.append(library)
    return found


@lru_cache(maxsize=16)
def _library(body: str) -> ScriptLibrary | None:
    # Parsed once per body: the script screen asks again at every keypress.
    try:
        return ScriptLibrary.model_validate(json.loads(body))
    except (ValueError, RecursionError):  # pydantic's errors are ValueErrors
        return None  # head office refuses such a library; the defaults stand in


def _bounded(item: dict) -> bool:
    # Sync refuses larger bodies; anything larger in the store came some other way.
    return len(item["body"]) <= MAX_CONTENT_CHARS


def policies(published: list[dict]) -> Policies:
    """Per jurisdiction, head office's published policy if it sent one, else the shipped."""
    bodies = (item["body"] for item in published if item["kind"] == "policy" and _bounded(item))
    return newest_policies(shipped(), bodies)


def policy(published: list[dict], country: str | None = None) -> ContactPolicy:
    """The policy for an account in `country` (the default's when it has none)."""
    return policies(published).for_country(country)


def lender(published: list[dict]) -> LenderWire:
    """The lender head office set; with nothing set (or unreadable), every part is None.

    Screens then say it neutrally ("the lender"), never with a placeholder.
    """
    for item in published:
        if item["kind"] == "lender" and _bounded(item):
            try:
                return LenderWire.model_validate_json(item["body"])
            except ValueError:  # pydantic's errors are ValueErrors
                break
    return LenderWire()


# What a script says for {lender} before head office has named one.
NO_LENDER = N_("the lender")


def lender_name(published: list[dict], language: str) -> str:
    """The lender's name for a script in `language`; unnamed, the neutral words in that language."""
    # The script's language, not the screen's: a Danish script says "långiveren" on a Chinese UI.
    return lender(published).name or catalog(language).get(NO_LENDER, NO_LENDER)


# What a script says for {debt_advice} under a policy that names no service.
NO_DEBT_ADVICE = N_(
    "Free, independent debt advice is given in most countries, often by the local council, "
    "a legal aid office or a non-profit advice service: ask there for the nearest."
)


def debt_advice(published: list[dict], country: str | None, language: str) -> str:
    """Where the borrower gets free debt advice: their country's policy, in the script's language.

    The country's, not the language's: a Danish script read in the US names US services.
    """
    advice = policy(published, country).debt_advice
    if advice is None:  # a lender's own policy from before debt advice
        return catalog(language).get(NO_DEBT_ADVICE, NO_DEBT_ADVICE)
    return advice.said_in(language)
