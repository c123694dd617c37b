"""Days no contact is made: a country's public holidays and the days its law names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from fieldcore.i18n import N_, translated

_EXTRA_DAY = N_("a day the law names")


def holiday_name(country: str, extra: tuple[str, ...], day: date) -> ClosedDay | None:
    """The holiday on `day` in `country` (the law's extra days too), else None."""
    if f"{day:%m-%d}" in extra or day in _country_holidays(country, day.year, "en"):
        return ClosedDay(country, day)
    return None


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int, language: str) -> dict[date, str]:
    """The country's public holidays in a year, named in `language` where the package can."""
    import holidays  # loaded on the first question about a holiday

    try:
        known = holidays.country_holidays(country, years=year)
        names = {"da": "da", "zh": "zh_CN"}.get(language, "en_US")
        if names in known.supported_languages:
            known = holidays.country_holidays(country, years=year, language=names)
    except NotImplementedError:
        return {}
    return dict(known)


@dataclass(frozen=True)
class ClosedDay:
    """A day no contact is made, named in the language it is shown in."""

    country: str
    day: date

    def name(self, language: str) -> str:
        """The holiday's name ("Juledag"), or that the law names the day."""
        named = _country_holidays(self.country, self.day.year, language).get(self.day)
        return named or translated(_EXTRA_DAY, language)
