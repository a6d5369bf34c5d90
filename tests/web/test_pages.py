"""Every page: 200, valid HTML, a title ending in the site name, the right lang, labelled fields."""

from __future__ import annotations

import pytest

from ilja.rules.engine import default_engine
from tests.web.html_check import check_page

PAGES = [
    "/",
    "/programs/youth_academy",
    "/programs/tech_institute",
    "/programs/companion_jobs",
    "/programs/attractive_jobs",
    "/programs/attractive_jobs.youth",
    "/programs/attractive_jobs.middle_aged?on=2024-06-01",
    "/programs/attractive_jobs.foreign_students",
    "/self-check",
    "/parameters",
    "/parameters?on=2024-06-01",
    "/parameters/attractive_jobs.middle_aged.max_age_exclusive",
    "/parameters/common.median_income.monthly_by_household_size",
    "/parameters/attractive_jobs.youth.veteran_extension_by_service",
    "/plan",
]
SITE = {"ko": "| 일자리", "en": "| Ilja"}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_page_is_valid_and_translated(client, url, lang):
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = check_page(response.text)
    assert page.lang == lang
    assert page.title.endswith(SITE[lang])
    assert response.headers["content-language"] == lang


def test_every_program_of_the_engine_has_a_page(client):
    for code in default_engine().programs:
        assert client.get(f"/programs/{code}").status_code == 200


def test_every_parameter_has_a_history_page(client):
    for parameter in default_engine().tree:
        response = client.get(f"/parameters/{parameter.name}")
        assert response.status_code == 200, parameter.name
        check_page(response.text)


@pytest.mark.parametrize("url", ["/programs/no_such_program", "/parameters/no.such.parameter"])
def test_unknown_things_get_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    page = check_page(response.text)
    assert "페이지를 찾을 수 없습니다" in page.title


def test_a_date_that_is_not_a_date_falls_back_to_today_and_says_so(client):
    response = client.get("/programs/companion_jobs?on=not-a-date")
    assert response.status_code == 200
    assert "오늘 날짜로 보여 줍니다" in response.text


def test_a_date_before_any_rule_says_there_are_none(client):
    response = client.get("/programs/companion_jobs?on=2010-01-01")
    assert response.status_code == 200
    check_page(response.text)
    assert "기준값이 기록되어 있지 않습니다" in response.text


def test_language_choice_is_kept_in_a_cookie(client):
    first = client.get("/?lang=en")
    assert "ilja_lang=en" in first.headers["set-cookie"]
    again = check_page(client.get("/").text)
    assert again.lang == "en"
    client.get("/?lang=ko")
    assert check_page(client.get("/").text).lang == "ko"


def test_korean_is_the_default(client):
    page = check_page(client.get("/").text)
    assert page.lang == "ko"
    assert page.title == "서울시 일자리 지원 사업 | 일자리"


def test_language_switch_keeps_the_query(client):
    response = client.get("/programs/attractive_jobs.middle_aged?on=2024-06-01")
    assert 'href="/programs/attractive_jobs.middle_aged?on=2024-06-01&amp;lang=en"' in response.text


def test_pages_load_only_local_assets(client):
    html = client.get("/").text
    assert "//cdn" not in html and "https://" not in html.split("</head>")[0]
    for asset in ("/static/css/ilja.css", "/static/js/ilja.js"):
        assert client.get(asset).status_code == 200
