"""How the pages print numbers (issue 16: years as "2,025", "9,670.0" people, "202511" for a
month, "5 (auditor)" for an actor, "P5M20D"): the filters of ``ilja.i18n`` and ``ilja.web.format``,
and a sweep of the templates for number output that bypasses them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja import i18n
from ilja.i18n import Translator
from ilja.web import format as fmt
from ilja.web.templating import TEMPLATES_DIR, templates

KO, EN = Translator("ko"), Translator("en")


def test_years_have_no_separator():
    assert i18n.year(2025) == "2025" and i18n.year(Decimal("2030")) == "2030" and i18n.year(None) == "—"
    assert templates.env.from_string("{{ 2025 | year }}").render() == "2025"


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=3))
def test_a_count_is_a_whole_number_with_separators(value):
    text = i18n.count(value)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*", text)
    assert abs(int(text.replace(",", "")) - value) <= Decimal("0.5")


def test_counts_and_shares():
    assert i18n.count(Decimal("9670.0")) == "9,670" and i18n.count(750.4) == "750" and i18n.count(750.5) == "751"
    assert i18n.percent(Decimal("75.44")) == "75.4%" and i18n.percent(80) == "80.0%" and i18n.percent(None) == "—"


@pytest.mark.parametrize(("value", "ko", "en"), [
    ("202511", "2025년 11월", "November 2025"), ("2025-03", "2025년 3월", "March 2025"),
    ((2026, 1), "2026년 1월", "January 2026"), ("2025-13", "2025-13", "2025-13"),
])
def test_months_in_words(value, ko, en):
    assert fmt.month(KO, value) == ko and fmt.month(EN, value) == en


def test_money_periods_and_roles_in_the_page_language():
    assert fmt.won(KO, 2461811) == "2,461,811원" and fmt.won(EN, Decimal("2461811.4")) == "KRW 2,461,811"
    assert fmt.duration(KO, "P5M20D") == "5개월 20일" and fmt.duration(EN, "P2Y3W") == "2 years 3 weeks"
    assert fmt.role(KO, "auditor") == "감사" and fmt.role(EN, "system") == "System"
    page = templates.env.from_string("{{ '202511' | month }} · {{ 1000 | won }} · {{ 'auditor' | role }}")
    assert page.render(t=KO) == "2025년 11월 · 1,000원 · 감사"


# Attributes that hold a year, a month or a count of people, printed without a filter.
RAW = re.compile(r"\{\{\s*[\w.]*\.(?:year|month|people|persons|trainees|headcount)\s*\}\}")
OTHERS = ("training/", "publicjobs/", "applications/")  # other helpers' templates (see the report)
# Already text: plan_view.figure() writes these with their unit ("약 3,500명", "2025 (6월 기준)").
WORDS = {"card.people", "p.people", "row.people", "i.trainees", "row.year", "track.people"}


def test_no_template_prints_a_year_month_or_head_count_raw():
    found = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        name = path.relative_to(TEMPLATES_DIR).as_posix()
        if name.startswith(OTHERS):
            continue
        found += [f"{name}: {m[0]}" for m in RAW.finditer(path.read_text(encoding="utf-8"))
                  if m[0].strip("{} ") not in WORDS]
    assert found == []


def test_templates_dir_is_the_one_rendered():
    assert Path(templates.env.loader.searchpath[0]) == TEMPLATES_DIR
