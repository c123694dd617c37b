"""UI text in the collector's language (gettext catalogs read with Babel) and locale formats."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates

LANGUAGES = {"en": "English", "da": "Dansk", "zh": "中文"}
LOCALES = {"en": "en_GB", "da": "da_DK", "zh": "zh_CN"}
CATALOGS = Path(__file__).parent / "locale"

_language = "en"


@cache
def catalog(language: str) -> dict[str, str]:
    """msgid -> translation from locale/<language>/LC_MESSAGES/fieldapp.po."""
    from babel.messages.pofile import read_po  # only for other languages than English

    path = CATALOGS / language / "LC_MESSAGES" / "fieldapp.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=LOCALES.get(language, language))
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def set_language(language: str) -> None:
    """Switch the UI language for this process (en, da or zh)."""
    global _language
    _language = language if language in LANGUAGES else "en"


def language() -> str:
    return _language


def _(text: str) -> str:
    """The text in the current language; the English text when there is no translation."""
    return catalog(_language).get(text, text) if _language != "en" else text


def translated(text: str, language: str) -> str:
    """The text in a named language, whatever this process shows (a server answers in English)."""
    return catalog(language).get(text, text) if language != "en" else text


def N_(text: str) -> str:
    """Mark text for translation where it is defined; translate with _() where shown."""
    return text


def locale() -> str:
    return LOCALES[_language]


def language_name(code: str) -> str:
    """A language's name in the UI language ('Danish', 'dansk', '丹麦语'); unknown, its code."""
    try:
        return Locale.parse(code).get_display_name(locale()) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def format_day(day: date, language: str | None = None) -> str:
    """A date as people write it here: '23 Nov 2026', '23. nov. 2026', '2026年11月23日'."""
    return babel_dates.format_date(day, format="medium", locale=LOCALES[language or _language])


def format_day_long(day: date) -> str:
    return babel_dates.format_date(day, format="full", locale=locale())


def format_time(moment: datetime, language: str | None = None) -> str:
    return babel_dates.format_time(moment, format="short", locale=LOCALES[language or _language])


def format_day_written(day: date, language: str) -> str:
    """A date as a letter writes it: '7 December 2026', '7. december 2026', '2026年12月7日'."""
    return babel_dates.format_date(day, format="long", locale=LOCALES.get(language, LOCALES["en"]))
