"""Translations: both catalogues have the same keys, every key the code and templates use
exists, every condition of the rules has its plain-language reasons, and a missing key fails."""

from __future__ import annotations

import re

import pytest

from ilja import i18n
from ilja.i18n import LANGUAGES, MissingTranslation, Translator, catalogue, translate
from ilja.rules.engine import default_engine
from ilja.rules.population import EMPLOYMENT_STATUSES, TRAINING_RESULTS, VULNERABLE_GROUPS
from ilja.web.self_check import SIDO

WEB = i18n.LOCALES_DIR.parent
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
NULLABLE_CONDITIONS = {"middle_aged_max_age", "lifetime_limit", "waiting_period",
                       "quit_without_notice_restriction"}


def used_keys() -> set[str]:
    """Every key passed literally to ``t(...)`` in the templates and the web modules."""
    keys: set[str] = set()
    for path in [*WEB.glob("templates/**/*.html"), *WEB.glob("*.py"), *WEB.parent.glob("*/views.py")]:
        keys.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def test_catalogues_have_the_same_keys():
    ko, en = set(catalogue("ko")), set(catalogue("en"))
    assert ko - en == set(), "missing in en.yaml"
    assert en - ko == set(), "missing in ko.yaml"


def test_catalogues_have_the_same_placeholders():
    field = re.compile(r"\{(\w+)\}")
    ko, en = catalogue("ko"), catalogue("en")
    different = {k: (ko[k], en[k]) for k in ko if set(field.findall(ko[k])) != set(field.findall(en[k]))}
    assert different == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_literal_key_exists(lang):
    keys = used_keys()
    assert len(keys) > 100, "found few t(...) calls: the pattern is wrong"
    words = catalogue(lang)
    missing = sorted(k for k in keys if not k.endswith(".") and k not in words)
    assert missing == []
    prefixes = [k for k in keys if k.endswith(".")]  # t("kinds." ~ kind): a family of keys
    assert sorted(p for p in prefixes if not any(w.startswith(p) for w in words)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_condition_has_reasons(lang):
    engine = default_engine()
    ids = {c.id for code in engine.programs for c in engine.conditions(code)}
    missing = []
    for condition in sorted(ids):
        statuses = ["held", "failed"] + (["held_no_limit"] if condition in NULLABLE_CONDITIONS else [])
        missing += [f"reasons.{condition}.{s}" for s in statuses
                    if f"reasons.{condition}.{s}" not in catalogue(lang)]
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_and_unit_has_words(lang):
    words = catalogue(lang)
    codes = [*EMPLOYMENT_STATUSES, *VULNERABLE_GROUPS, *TRAINING_RESULTS]
    assert [c for c in codes if f"codes.{c}" not in words] == []
    units = {p.unit for p in default_engine().tree if p.unit}
    assert sorted(u for u in units if f"codes.unit_{u}" not in words) == []
    assert [key for key, _ in SIDO if f"sido.{key}" not in words] == []


def test_a_missing_key_raises_outside_production():
    with pytest.raises(MissingTranslation):
        translate("ko", "no.such.key")
    with pytest.raises(KeyError):
        translate("ko", "units.KRW", wrong=1)


def test_production_shows_the_korean_text_instead(monkeypatch):
    monkeypatch.setattr(i18n, "strict", lambda: False)
    monkeypatch.setitem(catalogue("ko"), "only.in.korean", "한국어만")
    assert translate("en", "only.in.korean") == "한국어만"
    assert translate("en", "no.such.key") == "no.such.key"
    assert translate("ko", "units.KRW", wrong=1) == "{n}원"


def test_translator_formats_and_picks():
    t = Translator("en")
    assert t("units.KRW", n="11,779") == "KRW 11,779"
    assert t.pick("서울", "Seoul") == "Seoul"
    assert Translator("ko").pick("서울", "Seoul") == "서울"
