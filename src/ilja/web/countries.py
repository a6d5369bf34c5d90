"""Countries by name for nationality fields: the ISO 3166-1 list and its Korean and English names
come from pycountry (the Debian iso-codes data), so the form offers names and stores the code.

A form shows Korea first, then every other country in the page's alphabetical order; the value
stored is the alpha-2 code the person format already uses (``KR``). Records holding an alpha-3
code (``KOR``) are still named.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

KOREA = "KR"


@lru_cache(maxsize=2)
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _name(country: object, lang: str) -> str:
    english = getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]
    return _catalogue(lang).gettext(english)


@lru_cache(maxsize=2)
def choices(lang: str) -> tuple[tuple[str, str], ...]:
    """(alpha-2 code, name) for every country, Korea first, the rest sorted by name."""
    named = [(c.alpha_2, _name(c, lang)) for c in pycountry.countries]
    korea = [pair for pair in named if pair[0] == KOREA]
    rest = sorted((pair for pair in named if pair[0] != KOREA), key=lambda pair: pair[1].casefold())
    return tuple(korea + rest)


@lru_cache(maxsize=2)
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_code(value: str) -> bool:
    """Is ``value`` an ISO 3166-1 alpha-2 code (what a nationality field stores)?"""
    return value in _codes()


def name(code: str | None, lang: str) -> str:
    """The country's name in ``lang`` (``KR`` → 대한민국 / South Korea); an unknown code as it is."""
    if not code:
        return ""
    key = "alpha_2" if len(code) == 2 else "alpha_3"
    country = pycountry.countries.get(**{key: code.upper()})
    return _name(country, lang) if country is not None else code
