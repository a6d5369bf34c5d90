"""A program year in the browser (issue 16), one test per role, in order, on one site that starts
empty (see harness.py): the manager sets up and opens a Youth Job Academy round; a citizen on a
phone checks what they may apply for, finds the round and applies; the manager runs the
selection, which publishes its result; an operator sets up a cohort, enrols the selected and
records attendance; a coordinator takes the trainee into their caseload, registers an employer
and a posting and runs a match; the outcomes page shows the year; an auditor verifies the audit
log and the lottery.

Every page reached is checked at 390 and 1280 px with axe-core (no critical or serious
violation), and a citizen's page for developer text. Run with ILJA_JOURNEY_SCREENSHOTS=<folder>
(``make screenshots``) to keep each page at both widths.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from ilja import clock
from tests.web.journeys.harness import (
    CITIZEN_RECORD,
    DESK,
    PHONE,
    no_problems,
)

pytestmark = pytest.mark.browser

ROUND_TITLE = "청년취업사관학교 마포캠퍼스 AI 과정 교육생 모집"
UNIT = "마포 AI 서비스 개발"
CITIZEN_NAME = CITIZEN_RECORD["name"]


def days(n: int) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def test_manager_sets_up_and_opens_a_round(person, site):
    manager = person("manager", "manager", DESK)
    page = manager.page
    page.goto("/")
    manager.shows("home")
    manager.log_in()
    manager.shows("landing")
    manager.opens("모집 공고", "rounds")
    manager.click("새 모집 공고", role="link")
    manager.shows("new round")
    page.get_by_label("사업", exact=True).select_option("youth_academy")
    page.get_by_label("공고 제목").fill(ROUND_TITLE)
    page.get_by_label("공고일").fill(clock.today().isoformat())
    page.get_by_label("근무·교육 시작일").fill(days(21))
    page.get_by_label("접수 시작").fill(f"{clock.today().isoformat()}T00:00")
    page.get_by_label("접수 마감").fill(f"{days(10)}T18:00")
    page.get_by_label("모집 단위", exact=True).fill(f"mapo-ai, {UNIT}, 30")
    manager.click("저장(준비 중 상태)")
    expect(page.locator("h1")).to_have_text(ROUND_TITLE)
    manager.shows("round saved")
    manager.click("공고 열기 (접수 시작)")
    if page.url.endswith("/open"):  # a page that says what opening does, and asks
        manager.shows("open round: confirm")
        manager.confirm()
    expect(page.locator("main")).to_contain_text("접수 중")
    manager.shows("round open")
    no_problems(site)


def test_citizen_on_a_phone_checks_finds_the_round_and_applies(person, site):
    citizen = person("citizen", "citizen", PHONE, citizen=True)
    page = citizen.page
    page.goto("/")
    citizen.shows("home")
    citizen.opens("내가 신청할 수 있는 사업", "self-check")
    nationality = page.get_by_label("국적", exact=True)
    assert nationality.locator("option:checked").inner_text() == "대한민국"  # a country by name
    page.get_by_label("생년월일").fill("1998-04-17")
    page.get_by_label("주소지 자치구 (서울)").select_option("마포구")
    for choice in ("employment_status-unemployed", "able_to_work-yes", "household_head-no",
                   "receives_livelihood_benefit-no"):
        page.locator(f'label[for="{choice}"]').click()
    page.get_by_label("가구원 수 (본인 포함)").fill("3")
    page.get_by_label("가구 월 소득 (원)").fill("3000000")
    page.get_by_label("가구 재산 (원)").fill("80000000")
    citizen.click("결과 보기")
    page.locator("#results").wait_for()
    citizen.shows("self-check result")
    academy = page.locator("section.ilja-result", has=page.locator("#result-youth_academy"))
    academy.get_by_role("link", name=re.compile("신청하기")).first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(ROUND_TITLE)
    citizen.shows("round")
    citizen.click("로그인", role="link", within=page.locator("main"))
    citizen.shows("log-in")
    citizen.fill_login()
    expect(page.locator("h1")).to_have_text(ROUND_TITLE)  # back where they were
    citizen.shows("round, logged in")
    page.locator("main").get_by_text(UNIT).first.click()
    page.locator("main form").get_by_text("개인정보 수집·이용 동의 (필수)에 동의합니다").click()  # the required consent
    citizen.click("신청하기", within=page.locator("main form"))
    citizen.shows("application submitted")
    citizen.opens("내 신청", "my applications")
    expect(page.locator("main")).to_contain_text(ROUND_TITLE)
    no_problems(site)
    citizen.opens("내 정보", "my profile")
    header_name = page.locator("#mobile-nav .gnb-login a.user").inner_text()
    assert CITIZEN_NAME in page.locator("main").inner_text(), "the profile shows the registry's name"
    assert CITIZEN_NAME in header_name, f"the header calls the citizen {header_name!r}"
    citizen.click("연락처 수정", role="link")
    citizen.shows("edit contact details")
    page.get_by_label("연락처").fill("010-9876-5432")
    citizen.click("저장", within=page.locator("main form"))
    expect(page.locator("main")).to_contain_text("010-9876-5432")
    citizen.shows("contact details saved")
    citizen.opens("내 개인정보", "my personal data")
    expect(page.locator("main")).to_contain_text("개인정보 수집·이용 동의 (필수)")
    no_problems(site)


def test_manager_runs_the_selection_which_publishes_it(person, site):
    manager = person("selection", "manager", DESK)
    page = manager.page
    manager.logs_in()
    manager.menu("모집 공고")
    manager.click(ROUND_TITLE, role="link", within=page.locator("main"))
    manager.shows("round with an application")
    manager.click("신청자 보기", role="link")
    manager.shows("applicants")
    page.go_back()
    manager.click("선발", role="link", within=page.locator("main"))
    manager.shows("selection")
    manager.click("선발 실행", role="link", within=page.locator("main"))
    manager.shows("selection: confirm")
    manager.click(re.compile(r"신청 1건 선발 실행"))
    manager.shows("selection done")
    expect(page.locator("main")).to_contain_text("선발")
    no_problems(site)

    citizen = person("selection-citizen", "citizen", PHONE, citizen=True)
    citizen.logs_in(through_header=True)
    citizen.opens("내 신청", "my applications after selection")
    expect(citizen.page.locator("main")).to_contain_text("선발")
    no_problems(site)


def test_operator_enrols_the_selected_and_records_attendance(person, site):
    operator = person("operator", "operator", PHONE)
    page = operator.page
    operator.logs_in(through_header=True)
    operator.opens("교육 운영", "training")
    operator.click("학과·과정·기수 설정", role="link")
    operator.shows("training setup")
    page.get_by_label("코드", exact=True).fill("MAPO-AI")
    page.get_by_label("이름", exact=True).fill("AI 서비스 개발학과")
    operator.click("등록", within=page.locator("main form"))
    operator.shows("department")
    course_form = page.locator("form[action$='/courses']")
    course_form.get_by_label("코드", exact=True).fill("MAPO-AI-SVC")
    course_form.get_by_label("이름", exact=True).fill(UNIT)
    course_form.get_by_label("과정 종류").select_option(label="AI 핵심")
    course_form.get_by_label("사업").select_option(label="청년취업사관학교")
    operator.click("등록", within=course_form)
    operator.shows("course added")
    decision = page.locator("form[action$='/decisions']")
    decision.locator("label", has_text="과정 개설").click()
    decision.get_by_label("과정", exact=True).select_option(index=1)
    decision.get_by_label("결정일").fill(clock.today().isoformat())
    decision.get_by_label("사유").fill("운영위원회: AI 서비스 개발 과정 개설 의결")
    operator.click("기록", within=decision)
    operator.shows("course opened")
    operator.click("기수 등록", role="link")
    operator.shows("new cohort")
    page.get_by_label("과정", exact=True).select_option(index=1)
    page.get_by_label("정원").fill("30")
    page.get_by_label("시작일").fill(days(-14))
    page.get_by_label("종료일").fill(days(60))
    operator.click("교육일 계산")
    operator.shows("new cohort: sessions")
    operator.click("이 일정으로 기수 저장")
    operator.shows("cohort saved: instructors")
    operator.click("기수 명단으로 가기", role="link")
    operator.shows("cohort")
    page.get_by_label("모집 공고와 모집 단위").select_option(index=0)
    operator.click("공고 연결")
    operator.shows("cohort linked to the round")
    operator.click("선발자 입교 처리", role="link")
    operator.shows("enrol: confirm")
    operator.click(re.compile(r"1명 입교 처리"))
    operator.shows("enrolled")
    expect(page.locator("main")).to_contain_text("MAPO-AI-SVC-01-001")  # the trainee
    operator.click("출석부", role="link")
    operator.shows("attendance")
    operator.click("출결 저장")
    operator.shows("attendance saved")
    no_problems(site)


def test_coordinator_takes_the_trainee_and_matches(person, site):
    coordinator = person("coordinator", "coordinator", DESK)
    page = coordinator.page
    coordinator.logs_in(through_header=True)
    coordinator.opens("매칭", "matching desk")
    coordinator.click("교육생 맡기", role="link")
    coordinator.shows("take trainees")
    coordinator.click("고른 교육생을 내 담당으로")
    coordinator.shows("my caseload")

    trainee = person("trainee", "citizen", PHONE, citizen=True)
    trainee.logs_in(through_header=True)
    trainee.opens("내 매칭", "my matching")
    trainee.page.get_by_label("자기소개").fill(
        "청년취업사관학교 마포캠퍼스에서 생성형 AI 웹 서비스 개발을 배우고 있습니다. "
        "Python 웹 개발로 AI 서비스를 만들고 운영하는 일을 하고 싶습니다.")
    trainee.page.locator("#preferred_districts").locator("label", has_text="마포구").click()
    trainee.click("프로필 저장")
    trainee.shows("my matching profile saved")
    coordinator.click("기관·공고 관리", role="link")
    coordinator.shows("organisations")
    page.get_by_label("코드", exact=True).fill("AI-0001")
    page.get_by_label("기관명").fill("마포에이아이 주식회사")
    coordinator.click("기관 등록")
    coordinator.shows("organisation")
    coordinator.click("새 공고 등록", role="link")
    coordinator.shows("new posting")
    page.get_by_label("코드", exact=True).fill("P-MAPO-AI-001")
    page.get_by_label("공고명").fill("AI 서비스 개발 인턴")
    page.get_by_label("매칭 회차").fill(f"{clock.today().year}-1")
    page.get_by_label("근무지역 (자치구)").select_option(label="마포구")
    page.get_by_label("직무 설명").fill("생성형 AI 웹 서비스를 Python 웹 개발로 만들고 운영합니다.")
    coordinator.click("공고 저장")
    coordinator.shows("organisation with a posting")
    coordinator.menu("매칭")
    coordinator.click("적합도 계산 및 매칭 실행")
    coordinator.shows("match run")
    coordinator.click("제안 확정 및 채용 제안")
    coordinator.shows("offers made")
    coordinator.click("채용")
    coordinator.shows("hired")

    trainee.opens("내 매칭", "my matching: the offer")
    no_problems(site)


def test_outcomes_appear(person, site):
    manager = person("outcomes", "manager", DESK)
    manager.logs_in()
    manager.opens("성과 현황", "outcomes")
    no_problems(site)


def test_auditor_verifies_the_audit_log_and_the_lottery(person, site):
    auditor = person("auditor", "auditor", PHONE)
    page = auditor.page
    auditor.logs_in(through_header=True)
    auditor.opens("접속기록", "audit log")
    auditor.click("월간 점검 보고서", role="link")
    auditor.shows("monthly report")
    expect(page.locator("main")).to_contain_text("해시 체인 무결성 확인")
    page.get_by_label("점검 결과").fill("선발·입교·매칭 기록 확인, 이상 없음")
    auditor.click("점검 완료로 기록")
    auditor.shows("report reviewed")
    auditor.opens("선발 검증", "lotteries")
    auditor.click("검증", role="link", within=page.locator("main"))
    auditor.shows("lottery verified")
    expect(page.locator("main")).to_contain_text("검증됨")
    no_problems(site)
