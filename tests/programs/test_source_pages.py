"""Where citizens read sources — program pages, the self-check's explanation, parameter histories,
the plan page — they read the source's title and section, never a registry key or a file name;
the English pages show the English title. The API keeps the key and adds the title."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ilja.rules.sources import default_registry
from ilja.web.app import create_app

PLAN_KO = "일자리 지원 (경제실) — 2025년 주요업무"
PLAN_EN = "Job support (Economic Policy Office) — 2025 work plan"
RELEASE_KO = "서울시, ‘청년취업사관학교 2.0’으로 AI 인재 양성 본격화"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A fresh client each test: the English page's language cookie must not carry over."""
    with TestClient(app) as test_client:
        yield test_client


def page(client: TestClient, url: str, **form: object) -> str:
    response = client.post(url, data=form) if form else client.get(url)
    assert response.status_code == 200, response.text
    return unescape(response.text)


def assert_no_key_or_file(html: str) -> None:
    for source in default_registry():
        assert source.key not in html, source.key
    for text in (".txt", "PROGRAMS.md", "document:", "notice:", "law:"):
        assert text not in html, text


def test_program_page_cites_titles(client):
    html = page(client, "/programs/companion_jobs?on=2025-06-01")
    assert f"{PLAN_KO} §2 서울 동행일자리 지원대상" in html  # a condition's parameter
    assert f"{PLAN_KO} §2 서울 동행일자리 사업개요 (사업예산" in html  # a plan figure
    assert "서울 동행일자리(구 공공근로) 참여자 모집 공고 §참여 자격" in html
    assert "근로기준법 §55" in html
    assert_no_key_or_file(html)


def test_english_pages_cite_english_titles(client):
    html = page(client, "/programs/companion_jobs?on=2025-06-01&lang=en")
    assert f"{PLAN_EN} §2 서울 동행일자리 지원대상" in html
    assert "Labor Standards Act §55" in html
    assert PLAN_KO not in html
    assert_no_key_or_file(html)
    academy = page(client, "/programs/youth_academy?on=2025-12-01&lang=en")
    assert "Seoul steps up AI talent training with ‘Youth Job Academy 2.0’ §교육 품질·관리 강화" in academy


def test_self_check_explanation_cites_titles(client):
    html = page(client, "/self-check", birth_date="1995-03-01", sido="서울특별시", sigungu="마포구",
                sigungu_other="", nationality="KR", visa="", employment_status="unemployed",
                able_to_work="yes", veteran_service_months="0", household_head="yes",
                household_size="1", vulnerable_groups=["long_term_unemployed"],
                household_income_krw="", household_assets_krw="",
                receives_livelihood_benefit="unknown", on="2025-12-01", announced="2025-11-15")
    results = html[html.index('id="results"'):]
    assert f"{PLAN_KO} §1" in results
    assert f"{RELEASE_KO} §교육 품질·관리 강화" in results
    assert_no_key_or_file(results)


def test_parameter_history_and_plan_page_cite_titles(client):
    history = page(client, "/parameters/youth_academy.academic.dropout_threshold")
    assert f"{RELEASE_KO} §교육 품질·관리 강화" in history
    assert_no_key_or_file(history)
    plan = page(client, "/plan")
    sources = plan[plan.index('id="sources-heading"'):]
    assert f"{PLAN_KO} — 서울특별시 경제실 일자리정책과 (2025)" in sources
    assert f"{RELEASE_KO} — 서울특별시 일자리정책과 일자리정책팀 (2025-11-11)" in sources
    assert_no_key_or_file(plan)


def test_the_api_keeps_the_key_and_adds_the_title(client):
    listed = client.get("/api/v1/sources").json()
    assert [s["key"] for s in listed] == [s.key for s in default_registry()]
    release = next(s for s in listed if s["key"] == "seoul-2025-academy-2-0-release")
    assert (release["kind"], release["date"], release["title"]["ko"]) == ("document", "2025-11-11", RELEASE_KO)
    body = client.get("/api/v1/parameters/common.minimum_wage.hourly").json()
    latest = body["history"][-1]
    assert latest["source"] == "notice: minimum-wage-2026 §시급 (10,320원)"
    assert latest["citations"] == [{"key": "minimum-wage-2026", "title": {
        "ko": "2026년 적용 최저임금 고시", "en": "Minimum wage for 2026 (notice)"}}]
