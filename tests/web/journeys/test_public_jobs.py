"""A public-job (서울 동행일자리) year in the browser (issue 16), one test per role, in order, on
its own empty site (see harness.py): the manager sets up and opens a round, takes in the district
offices' application file and runs the selection; sets up a project and places the selected in
it; the host's operator, on a phone, records the month's timesheet and approves it; the manager
runs the payroll; an auditor finds the payroll in the audit log.

The host's operator is the demo's operator (site ``campus.mapo``), so the project is hosted under
that code. Every page is checked as in test_year.py.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from ilja import clock
from tests.people.conftest import valid_rrn
from tests.web.journeys.harness import DESK, PHONE, no_problems

pytestmark = pytest.mark.browser

ROUND_TITLE = "동행일자리 마포 돌봄 참여자 모집"
PROJECT = "마포 어르신 돌봄 동행"
HOST_CODE = "campus.mapo"
HEADER = ["이름", "주민등록번호", "연락처", "sido", "sigungu", "employment_status",
          "able_to_work", "household_head", "household_size", "vulnerable_groups", "nationality",
          "household_income_krw", "household_assets_krw", "receives_livelihood_benefit", "1지망"]


def applications_file() -> bytes:
    """Three applicants as a district office sends them (the import's CSV)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(1, 4):
        writer.writerow([f"박영{n}", valid_rrn("700315", "1", f"{n:05d}"), f"010-5555-{n:04d}",
                         "서울특별시", "마포구", "unemployed", "예", "예", "2", "long_term_unemployed",
                         "KR", "1,200,000", "30000000", "아니오", "care"])
    return out.getvalue().encode("utf-8-sig")


def this_month() -> tuple[str, str]:
    """The month's first day and key (YYYY-MM): the placement starts then, the payroll pays it."""
    first = clock.today().replace(day=1)
    return first.isoformat(), first.strftime("%Y-%m")


def test_manager_opens_a_round_and_selects(person, site):
    manager = person("pj-manager", "manager", DESK)
    page = manager.page
    manager.logs_in()
    manager.menu("모집 공고")
    manager.click("새 모집 공고", role="link")
    page.get_by_label("사업", exact=True).select_option("companion_jobs")
    page.get_by_label("공고 제목").fill(ROUND_TITLE)
    page.get_by_label("공고일").fill(this_month()[0])
    page.get_by_label("근무·교육 시작일").fill(this_month()[0])
    page.get_by_label("접수 시작").fill(f"{clock.today().isoformat()}T00:00")
    page.get_by_label("접수 마감").fill(f"{clock.today().isoformat()}T23:59")
    page.get_by_label("모집 단위", exact=True).fill("care, 어르신 돌봄, 2")
    manager.click("저장(준비 중 상태)")
    expect(page.locator("h1")).to_have_text(ROUND_TITLE)
    manager.click("공고 열기 (접수 시작)")
    if page.url.endswith("/open"):
        manager.confirm()
    manager.shows("round open")
    page.get_by_label("신청서 파일 (XLSX, CSV, JSONL)").set_input_files(
        {"name": "마포구-신청서.csv", "mimeType": "text/csv", "buffer": applications_file()})
    manager.click("검사하고 등록", within=page.locator("main"))
    manager.shows("applications imported")
    expect(page.locator("main")).to_contain_text("3명")
    manager.click("선발", role="link", within=page.locator("main"))
    manager.click("선발 실행", role="link", within=page.locator("main"))
    manager.shows("selection: confirm")
    manager.click(re.compile(r"신청 3건 선발 실행"))
    manager.shows("selection done")
    no_problems(site)


def test_manager_sets_up_a_project_and_places_the_selected(person, site):
    manager = person("pj-placement", "manager", DESK)
    page = manager.page
    manager.logs_in()
    manager.opens("공공일자리 사업", "projects")
    manager.click("새 사업 등록", role="link")
    manager.shows("new project")
    page.get_by_label("사업명").fill(PROJECT)
    page.get_by_label("사업코드").fill("cj-mapo-care-01")
    page.get_by_label("사업 구분").select_option("companion_jobs")
    page.get_by_label("정원", exact=True).fill("2")
    page.get_by_label("수행기관명").fill("마포구 돌봄센터")
    page.get_by_label("기관 코드").fill(HOST_CODE)
    page.get_by_label("시작일").fill(this_month()[0])
    page.get_by_label("종료일").fill(f"{clock.today().year}-12-31")
    manager.click("저장", within=page.locator("main form"))
    expect(page.locator("h1")).to_contain_text(PROJECT)
    manager.shows("project")
    manager.click("선발자 배치", role="link")
    manager.shows("place")
    page.get_by_label("모집 공고").select_option(label=ROUND_TITLE)
    manager.click("선발자 보기")
    manager.shows("place: the selected")
    for choice in page.locator("main input[name='application']").all():
        if not choice.is_checked():
            page.locator(f"label[for='{choice.get_attribute('id')}']").click()
    manager.click("다음 (확인)")
    manager.shows("place: confirm")
    manager.click(re.compile(r"2명 배치 확정"))
    manager.shows("placed")
    no_problems(site)


def test_host_operator_records_and_approves_the_month(person, site):
    operator = person("pj-host", "operator", PHONE)
    page = operator.page
    operator.logs_in(through_header=True)
    operator.opens("근무 관리", "host")
    operator.click(f"{this_month()[1]} 근무기록", role="link")
    operator.shows("timesheet")
    expect(page.locator("main select[id^='k-']").first).to_be_visible()  # the placed have days
    for kind in page.locator("main select[id^='k-']").all():
        if kind.input_value() == "worked":
            page.locator("#h-" + kind.get_attribute("id")[2:]).fill("5")
    operator.click("저장", within=page.locator("main"))
    operator.shows("timesheet saved")
    operator.click("월 승인")
    if page.locator("main form button.primary").count() and "approve" in page.url:
        operator.shows("approve: confirm")
        operator.confirm()
    operator.shows("month approved")
    no_problems(site)


def test_manager_runs_the_payroll(person, site):
    manager = person("pj-payroll", "manager", DESK)
    page = manager.page
    manager.logs_in()
    manager.opens("급여·예산", "payroll")
    page.get_by_label("지급월").fill(this_month()[1])
    manager.click("계산 실행")
    if page.url.endswith("/payroll") and page.locator("main form button.primary").count():
        manager.shows("payroll: confirm")
        manager.confirm()
    manager.shows("payroll run")
    expect(page.locator("main table").first).to_contain_text(re.compile(r"[1-9][0-9]{0,2}(,[0-9]{3})+"))
    no_problems(site)
