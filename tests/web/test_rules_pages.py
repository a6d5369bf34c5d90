"""Program and parameter pages: conditions with their parameters (value, date, source, kind),
the full month's pay, the "as of" date, and each parameter's history."""

from __future__ import annotations

import re
from html import unescape

from tests.web.html_check import check_page


def text(response) -> str:
    return unescape(response.text)


def test_attractive_jobs_pay_is_living_wage_times_209_hours(client):
    html = text(client.get("/programs/attractive_jobs?on=2025-06-01"))
    assert "11,779원 × 209시간 = 2,461,811원" in html
    assert "11,779원 × 174시간" in html and "11,779원 × 35시간" in html


def test_companion_jobs_pay_shows_the_allowance_as_an_assumption(client):
    html = text(client.get("/programs/companion_jobs?on=2025-06-01"))
    assert "10,030원 × 156시간 = 1,564,680원, 수당 205,320원을 더해 1,770,000원" in html
    allowance = html[html.index("월 부대 수당 (추정)"):]
    allowance = allowance[:allowance.index("</tr>")]
    assert "205,320원" in allowance
    assert "ilja-kind-assumption" in allowance and "가정" in allowance


def test_middle_aged_upper_age_as_of_a_date(client):
    before = text(client.get("/programs/attractive_jobs.middle_aged?on=2024-06-01"))
    after = text(client.get("/programs/attractive_jobs.middle_aged?on=2025-06-01"))
    condition = re.compile(r'id="condition-middle_aged_max_age">(.*?)</li>', re.S)
    old, new = condition.search(before)[1], condition.search(after)[1]
    assert "만 65세" in old and "2020-01-01" in old
    assert "제한 없음" in new and "2025-01-01" in new
    assert "상한연령 폐지" in new
    assert 'value="2024-06-01"' in before


def test_conditions_show_every_kind_of_source(client):
    html = text(client.get("/programs/companion_jobs?on=2025-06-01"))
    for kind in ("문서", "공고·고시", "법령", "가정"):
        assert f"{kind}</span>" in html, kind


def test_program_page_has_the_plan_figures(client):
    html = text(client.get("/programs/companion_jobs"))
    for figure in ("94,291백만원", "715개 사업", "12,890명", "돌봄·건강", "1,904명", "기후환경", "4,534명"):
        assert figure in html, figure
    attractive = text(client.get("/programs/attractive_jobs"))
    assert "약자동행형" in attractive and "33개 사업" in attractive and "524명" in attractive
    assert "서울 매력일자리 중장년 사업" in attractive  # link to the sub-program


def test_program_page_in_english(client):
    response = client.get("/programs/attractive_jobs?on=2025-06-01&lang=en")
    page = check_page(response.text)
    assert page.title == "Seoul Attractive Jobs | Ilja"
    html = text(response)
    assert "KRW 11,779 × 209 h = KRW 2,461,811" in html
    assert "Document</span>" in html


def test_parameter_list_groups_every_parameter_by_program(client, app):
    from ilja.rules.engine import default_engine

    html = text(client.get("/parameters"))
    for parameter in default_engine().tree:
        assert f'href="/parameters/{parameter.name}"' in html, parameter.name
    for group in ("청년취업사관학교", "서울 동행일자리", "서울 매력일자리", "공통 기준"):
        assert f">{group}</h2>" in html


def test_parameter_history_marks_the_value_in_force(client):
    later = text(client.get("/parameters/attractive_jobs.middle_aged.max_age_exclusive?on=2025-06-01"))
    earlier = text(client.get("/parameters/attractive_jobs.middle_aged.max_age_exclusive?on=2024-06-01"))
    current = re.compile(r'<tr class="ilja-current" aria-current="true">(.*?)</tr>', re.S)
    assert "2025-01-01" in current.search(later)[1] and "제한 없음" in current.search(later)[1]
    assert "2020-01-01" in earlier and "만 65세" in current.search(earlier)[1]
    assert len(current.findall(later)) == 1
    assert "2025-06-01 적용" in later


def test_parameter_history_shows_sources_and_kinds(client):
    html = text(client.get("/parameters/companion_jobs.work.monthly_allowance_krw"))
    assert "205,320원" in html
    assert "가정</span>" in html
    # The working note of an assumption is for staff (tests/web/test_citizen_pages.py); citizens
    # read that the figure is an assumption.
    assert "1,770,000 − 1,564,680 = 205,320" not in html and "states 월 177만원" not in html


def test_parameter_not_yet_in_force(client):
    html = text(client.get("/parameters/companion_jobs.work.hourly_wage?on=2023-01-01"))
    assert "아직 시행되지 않았습니다" in html
