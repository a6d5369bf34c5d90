"""One translation function for every UI string, over the catalogues in ``locales/``.

Korean is the default language; English is the other one. Catalogues are nested YAML maps
flattened to dotted keys (``self_check.title``); values are ``str.format`` templates
(``"{count}개 사업"``). A key missing from a catalogue raises ``MissingTranslation`` outside
production, so a test renders every page and fails on it; in production the Korean text (or
the key itself) is shown instead and the miss is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ilja.config import get_settings

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
LANG_COOKIE = "ilja_lang"

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
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


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
