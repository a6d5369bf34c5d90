"""The plan page: programs, tracks, sites, targets, and the plan's warnings with both numbers."""

from __future__ import annotations

from html import unescape

from ilja.programs.loader import load_plan
from tests.web.html_check import check_page


def test_plan_warnings_show_both_numbers(client):
    response = client.get("/plan")
    check_page(response.text)
    html = unescape(response.text)
    warnings = html[html.index('id="warnings"'):html.index('id="programs-heading"')]
    assert "12,980" in warnings and "12,890" in warnings
    assert "3,208" in warnings and "3,500" in warnings
    assert warnings.count("<tr id=\"warning-") == len(load_plan().warnings)


def test_plan_lists_programs_sites_and_targets(client):
    html = unescape(client.get("/plan").text)
    for text in ("44,404백만원", "94,291백만원", "71,129백만원", "21,328백만원",  # budgets
                 "약자동행형", "경력형성형", "민간기업 맞춤형", "협회·단체 협력형",  # tracks
                 "청년취업사관학교 마포캠퍼스", "Microsoft", "310㎡",  # a campus
                 "용산구 한남대로 136", "1,748명",  # an institute
                 "10,000명", "80~90%"):  # targets
        assert text in html, text
    assert html.count("<th scope=\"row\">청년취업사관학교") >= 25


def test_plan_in_english(client):
    response = client.get("/plan?lang=en")
    page = check_page(response.text)
    assert page.title == "Seoul's 2025 job-support plan | Ilja"
    html = unescape(response.text)
    assert "12,980" in html and "12,890" in html
    assert "Plan checks" in html
