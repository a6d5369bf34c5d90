"""The self-check form: server-side validation with an error summary, and per-program outcomes
with reasons — including the 2025 abolition of the middle-aged upper age of 매력일자리."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.html_check import check_page

RESULT = re.compile(r'<section class="ilja-result ilja-result-(\w+)" aria-labelledby="result-([\w-]+)">')
CHECK = re.compile(r'<li class="ilja-check ilja-check-(\w+)">')


def person(**changes: object) -> dict[str, object]:
    """A 69/70-year-old unemployed Seoul resident (born 1955-03-01), the round as of 2025-06-01."""
    form: dict[str, object] = {
        "birth_date": "1955-03-01", "sido": "서울특별시", "sigungu": "마포구", "sigungu_other": "",
        "nationality": "KR", "visa": "", "employment_status": "unemployed", "able_to_work": "yes",
        "veteran_service_months": "0", "household_head": "yes", "household_size": "1",
        "vulnerable_groups": ["long_term_unemployed"], "household_income_krw": "",
        "household_assets_krw": "", "receives_livelihood_benefit": "unknown",
        "on": "2025-06-01", "announced": "2025-05-15",
    }
    form.update(changes)
    return form


def outcomes(html: str) -> dict[str, str]:
    """Program code (ids use '-' for '.') → eligible | not_eligible | to_verify."""
    return {code.replace("-", "."): status for status, code in RESULT.findall(html)}


def section(html: str, code: str) -> str:
    """The result section of one program, with entities decoded."""
    start = html.index(f'aria-labelledby="result-{code.replace(".", "-")}"')
    end = html.find('<section class="ilja-result ', start + 1)
    return unescape(html[start:end if end > 0 else len(html)])


def test_the_form_is_labelled_and_defaults_to_today(client):
    response = client.get("/self-check")
    page = check_page(response.text)
    assert page.title == "내가 신청할 수 있는 사업 | 일자리"
    assert "<legend>" in response.text
    assert 'name="on" class="krds-input" value="' in response.text
    assert len(re.findall(r'<option value="[가-힣]+구"', response.text)) == 25


def test_middle_aged_upper_age_fails_before_2025(client):
    response = client.post("/self-check", data=person(on="2024-06-01", announced="2024-05-15"))
    assert response.status_code == 200
    check_page(response.text)
    results = outcomes(response.text)
    assert results["attractive_jobs.middle_aged"] == "not_eligible"
    middle = section(response.text, "attractive_jobs.middle_aged")
    assert CHECK.findall(middle).count("failed") == 1
    assert "만 69세로 중장년 사업 상한 연령(만 65세 미만)을 넘습니다" in middle
    assert "attractive_jobs.middle_aged.max_age_exclusive" in middle


def test_middle_aged_upper_age_is_abolished_from_2025(client):
    response = client.post("/self-check", data=person(on="2025-06-01"))
    results = outcomes(response.text)
    assert results["attractive_jobs.middle_aged"] == "eligible"
    middle = section(response.text, "attractive_jobs.middle_aged")
    assert "failed" not in CHECK.findall(middle)
    assert "상한 연령이 없어(2025년 폐지)" in middle
    assert "11,779원 × 209시간 = 2,461,811원" in middle


def test_every_program_gets_an_outcome_with_reasons(client):
    response = client.post("/self-check", data=person())
    results = outcomes(response.text)
    assert set(results) == {
        "youth_academy", "tech_institute", "companion_jobs", "attractive_jobs",
        "attractive_jobs.youth", "attractive_jobs.middle_aged", "attractive_jobs.foreign_students",
    }
    assert results["attractive_jobs.youth"] == "not_eligible"
    assert results["attractive_jobs.foreign_students"] == "not_eligible"
    assert results["companion_jobs"] == "to_verify"  # income and assets not given
    companion = section(response.text, "companion_jobs")
    assert "입력하지 않은 정보(가구 월 소득)가 있어 신청 후 확인합니다" in companion
    assert "월 급여 (표준 1개월)" in companion
    assert "가점" in companion


def test_single_person_household_head_points_from_2025(client):
    before = section(client.post("/self-check", data=person(on="2024-06-01", announced="2024-05-15")).text,
                     "companion_jobs")
    after = section(client.post("/self-check", data=person()).text, "companion_jobs")
    points = re.compile(r"<dt>가점</dt><dd>([\d.,]+)점</dd>")
    assert float(points.search(after)[1]) - float(points.search(before)[1]) == 5
    assert "단독 세대주 세대주 가점" in after


def test_companion_jobs_income_within_the_limit(client):
    response = client.post("/self-check", data=person(
        household_income_krw="1000000", household_assets_krw="50000000",
        receives_livelihood_benefit="no"))
    assert outcomes(response.text)["companion_jobs"] == "eligible"
    companion = section(response.text, "companion_jobs")
    assert "가구 월 소득 1,000,000원이 1인 가구 기준 1,913,610원" in companion
    assert "10,030원 × 78시간" in companion  # 65 and over: 3 hours a day


def test_unemployment_benefit_on_the_work_start_date_excludes_from_2025(client):
    benefit = {"benefit_start": "2025-05-20", "benefit_end": "2025-08-31"}
    response = client.post("/self-check", data=person(**benefit))
    companion = section(response.text, "companion_jobs")
    assert outcomes(response.text)["companion_jobs"] == "not_eligible"
    assert "근무시작일, 2025-06-01" in companion


def test_academy_history_counts_toward_the_lifetime_limit(client):
    courses = {"course1_start": "2022-03-01", "course1_end": "2022-08-31", "course1_result": "completed",
               "course2_start": "2023-03-01", "course2_end": "2023-08-31", "course2_result": "completed"}
    response = client.post("/self-check", data=person(birth_date="1995-01-01", **courses))
    assert outcomes(response.text)["youth_academy"] == "not_eligible"
    assert "이미 2회 참여해 생애 참여 제한(2회)" in section(response.text, "youth_academy")


def test_outside_seoul_is_not_a_seoul_citizen(client):
    response = client.post("/self-check", data=person(sido="경기도", sigungu="", sigungu_other="수원시"))
    results = outcomes(response.text)
    assert set(results.values()) == {"not_eligible"}
    assert "주소지가 경기도입니다" in response.text


def test_english_results(client):
    response = client.post("/self-check?lang=en", data=person(on="2024-06-01", announced="2024-05-15"))
    page = check_page(response.text)
    assert page.lang == "en"
    middle = section(response.text, "attractive_jobs.middle_aged")
    assert "You are 69, not under the middle-aged projects' upper age of 65" in middle
    assert "Not eligible" in middle


def test_empty_form_lists_every_error_at_the_top(client):
    response = client.post("/self-check", data={"sido": "서울특별시"})
    assert response.status_code == 422
    page = check_page(response.text)
    assert page.title == "오류: 내가 신청할 수 있는 사업 | 일자리"
    summary = response.text[response.text.index('id="error-summary"'):
                            response.text.index("</ul>", response.text.index('id="error-summary"'))]
    for target in ("birth_date", "sigungu", "employment_status-unemployed", "able_to_work-yes",
                   "household_head-yes", "household_size", "on"):
        assert f'href="#{target}"' in summary, target
    assert 'aria-invalid="true"' in response.text
    assert 'id="birth_date-error"' in response.text


def test_errors_in_english(client):
    response = client.post("/self-check?lang=en", data={"birth_date": "1990-13-45"})
    page = check_page(response.text)
    assert page.title.startswith("Error: Programs I can apply for")
    assert "Enter the Date of birth as a date (YYYY-MM-DD)." in response.text


@pytest.mark.parametrize("changes, field", [
    ({"birth_date": "2999-01-01"}, "birth_date"),
    ({"household_size": "0"}, "household_size"),
    ({"household_size": "two"}, "household_size"),
    ({"nationality": "Korea"}, "nationality"),
    ({"benefit_start": "2025-05-01"}, "benefit_end"),
    ({"benefit_start": "2025-05-01", "benefit_end": "2025-04-01"}, "benefit_end"),
    ({"course1_start": "2024-01-01", "course1_end": "2024-06-30"}, "course1_result"),
    ({"announced": "2025-07-01"}, "announced"),
    ({"sigungu": "해운대구"}, "sigungu"),
])
def test_bad_values_link_to_their_field(client, changes, field):
    response = client.post("/self-check", data=person(**changes))
    assert response.status_code == 422
    check_page(response.text)
    assert f'<li><a href="#{field}">' in response.text


def test_submitted_values_are_kept_after_an_error(client):
    response = client.post("/self-check", data=person(household_size="0"))
    assert 'value="1955-03-01"' in response.text
    assert 'id="vulnerable_groups-long_term_unemployed" value="long_term_unemployed" checked' in response.text
    assert '<option value="마포구" selected>' in response.text
