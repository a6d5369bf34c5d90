"""One translation function for every string Ilja writes — pages, exports, reports — over the
catalogues in ``web/locales/``, and the digits both languages write alike (a year, a count, a share).

Korean is the default language; English is the other one. Catalogues are nested YAML maps
flattened to dotted keys (``self_check.title``); values are ``str.format`` templates
(``"{count}개 사업"``). A key missing from a catalogue raises ``MissingTranslation`` outside
production, so a test renders every page and fails on it; in production the Korean text (or
the key itself) is shown instead and the miss is logged.

It sits in the core so the exports and reports of the domains below the web use the same words;
how a request picks its language (``?lang=``, the cookie) stays in ``web.templating``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ilja.config import get_settings

LOCALES_DIR = Path(__file__).parent / "web" / "locales"
LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

log = logging.getLogger(__name__)


class MissingTranslation(KeyError):
    """A UI string has no entry in a language's catalogue."""


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """The flattened catalogue of ``lang`` (``locales/<lang>.yaml``)."""
    path = LOCALES_DIR / f"{lang}.yaml"
    # libyaml's loader where it is built (a seventh of the pure-Python one's 0.25 s a catalogue:
    # a process that explains a decision loads both, the import's command included)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {})


def normalise_language(value: str | None) -> str | None:
    """``"en"``, ``"EN"``, ``"en-GB"`` → ``"en"``; anything unknown → None."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else None


def strict() -> bool:
    return get_settings().environment != "production"


def has(lang: str, key: str) -> bool:
    return key in catalogue(lang)


def translate(lang: str, key: str, /, **params: Any) -> str:
    """The text of ``key`` in ``lang``, formatted with ``params``."""
    text = catalogue(lang).get(key)
    if text is None:
        if strict():
            raise MissingTranslation(f"no {lang!r} translation for {key!r}")
        log.warning("missing %s translation for %s", lang, key)
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    if not params:
        return text
    try:
        return text.format_map(params)
    except (KeyError, IndexError, ValueError):
        if strict():
            raise
        log.warning("%s translation of %s needs other parameters than %s", lang, key, sorted(params))
        return text


class Translator:
    """``translate`` bound to one language: the ``t`` that templates call."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, key: str, /, **params: Any) -> str:
        return translate(self.lang, key, **params)

    def has(self, key: str) -> bool:
        return has(self.lang, key)

    def pick(self, ko: str, en: str) -> str:
        """Data that carries both languages (a program's or a condition's label)."""
        return en if self.lang == "en" and en else ko


# --- Digits as both languages write them (the pages' year, count and percent filters) ---------

def as_decimal(value: Any) -> Decimal | None:
    """A number as a Decimal; None for none, a blank, a bool or text that is no number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def year(value: Any) -> str:
    """A calendar year as written: ``2025``, never ``2,025``; none as a dash."""
    exact = as_decimal(value)
    return "—" if exact is None else str(int(exact))


def count(value: Any) -> str:
    """A count of people (or of anything whole): rounded to a whole number half up, thousands
    separated — ``9,670``, not ``9,670.0`` or ``750.4`` people; none as a dash."""
    exact = as_decimal(value)
    if exact is None:
        return "—" if value is None or value == "" else str(value)
    return f"{int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def percent(value: Any, digits: int = 1) -> str:
    """A share already in per cent: ``75.4%`` (one decimal unless told); none as a dash."""
    exact = as_decimal(value)
    if exact is None:
        return "—"
    return f"{exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):,}%"
