"""The pages in the browser's order: a not-selected applicant reads why and how to contest,
objects with a file; the manager finds it in the queue, upholds it with reasons, and the
applicant sees the result (SQLite and PostgreSQL, Korean and English)."""

from __future__ import annotations

import re

import pytest

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.applications import service as applications
from ilja.db import engine_for, transaction
from tests.accounts.test_web_sessions import browser
from tests.conftest import configured
from tests.training.factories import course_with_cohort
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database_url, keyring, tmp_path):
    from ilja.web.app import create_app

    with configured(database_url, tmp_path, keys=True):
        setup = course_with_cohort(database_url, keyring, applicants=2, seats=1)
        with transaction(engine_for(database_url)) as session:
            loser = next(applications.get_application(session, a) for a in setup.applications
                         if applications.get_application(session, a).status != "selected")
            accounts.create_user(session, login="kim", password=PASSWORD, role=Role.CITIZEN, display_name="kim",
                                 person_id=loser.person_id)
            accounts.create_user(session, login="other", password=PASSWORD, role=Role.CITIZEN, display_name="other",
                                 person_id=next(p for p in setup.persons if p != loser.person_id))
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="담당자")
            loser_id = loser.id
        yield create_app(), loser_id


def test_not_selected_reads_why_objects_and_the_upheld_result_is_re_run(site, database_url):
    app, application_id = site
    kim = browser(app, "kim")
    listing = kim.get("/my/decisions")
    assert listing.status_code == 200 and "내 결정·이의신청" in listing.text
    check_page(listing.text)
    decision_id = int(re.search(r'href="/my/decisions/(\d+)"', listing.text).group(1))
    page = kim.get(f"/my/decisions/{decision_id}")
    assert "이유" in page.text and "점수" in page.text and "행정심판" in page.text and "서울행정법원" in page.text
    check_page(page.text)
    english = kim.get(f"/my/decisions/{decision_id}?lang=en")
    assert "Administrative appeal" in english.text and "Score" in english.text
    page = kim.get(f"/my/decisions/{decision_id}?lang=ko")
    assert browser(app, "other").get(f"/my/decisions/{decision_id}").status_code == 404
    empty = kim.post(f"/my/decisions/{decision_id}/appeal", data={"text": " ", "csrf_token": csrf(page.text)})
    assert empty.status_code == 422 and "이의신청 내용" in empty.text
    check_page(empty.text)
    filed = kim.post(f"/my/decisions/{decision_id}/appeal", data={"text": "가점이 빠졌습니다.",
                                                                   "csrf_token": csrf(page.text)},
                     files={"attachment": ("proof.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert filed.status_code == 303, filed.text
    manager = browser(app, "manager")
    queue = manager.get("/rights/appeals")
    assert queue.status_code == 200 and "이의신청 처리" in queue.text
    check_page(queue.text)
    appeal_id = int(re.search(r'href="/rights/appeals/(\d+)"', queue.text).group(1))
    appeal = manager.get(f"/rights/appeals/{appeal_id}")
    assert "가점이 빠졌습니다." in appeal.text
    check_page(appeal.text)
    assert manager.get(f"/rights/appeals/{appeal_id}/attachment").content == PDF
    decided = manager.post(f"/rights/appeals/{appeal_id}/decide", data={
        "outcome": "upheld", "reasons": "가점 누락을 확인했습니다.", "csrf_token": csrf(appeal.text)},
        follow_redirects=False)
    assert decided.status_code == 303, decided.text
    result = kim.get(f"/my/decisions/{decision_id}")
    assert "인용" in result.text and "가점 누락을 확인했습니다." in result.text
    with transaction(engine_for(database_url)) as session:
        assert applications.get_application(session, application_id).status == "selected"
    report = manager.get("/rights/appeals?all=1")
    assert "이의신청 현황" in report.text


def test_a_prior_notice_is_answered_and_the_manager_withdraws_it(site, database_url):
    from ilja.rights import service as rights
    from ilja.training import service as training
    from tests.training.factories import OPERATOR

    app, application_id = site
    with transaction(engine_for(database_url)) as session:
        cohort = training.list_cohorts(session)[0]
        enrolment, = training.enrol_all_selected(session, cohort_id=cohort.id, actor=OPERATOR).enrolled
        training.quit_course(session, enrolment_id=enrolment.id, with_notice=False, on=cohort.starts_on,
                             reason=None, actor=OPERATOR)
        decision_id = rights.decisions_about(session, f"enrolment:{enrolment.id}")[0].id
    other = browser(app, "other")
    page = other.get(f"/my/decisions/{decision_id}")
    assert "사전 통지" in page.text and "의견 제출" in page.text
    check_page(page.text)
    sent = other.post(f"/my/decisions/{decision_id}/answer", data={
        "answer": "문자로 미리 알렸습니다.", "csrf_token": csrf(page.text)}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    manager = browser(app, "manager")
    queue = manager.get("/rights/appeals")
    assert f'href="/rights/decisions/{decision_id}"' in queue.text
    staff_page = manager.get(f"/rights/decisions/{decision_id}")
    assert "문자로 미리 알렸습니다." in staff_page.text
    check_page(staff_page.text)
    empty = manager.post(f"/rights/decisions/{decision_id}/withdraw",
                         data={"reason": "", "csrf_token": csrf(staff_page.text)})
    assert empty.status_code == 422
    withdrawn = manager.post(f"/rights/decisions/{decision_id}/withdraw", data={
        "reason": "사전 통보 확인", "csrf_token": csrf(staff_page.text)}, follow_redirects=False)
    assert withdrawn.status_code == 303
    assert "철회됨" in other.get(f"/my/decisions/{decision_id}").text
    assert browser(app, "kim").get(f"/my/decisions/{decision_id}").status_code == 404


def test_an_operator_proposes_to_end_a_placement(database_url, keyring, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.rights import service as rights
    from ilja.web.app import create_app
    from tests.publicjobs.test_service import _setup

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    reset_keyring()
    import datetime as dt

    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        from ilja.publicjobs.models import Project

        host = session.get_one(Project, project).host_code
        accounts.create_user(session, login="host", password=PASSWORD, role=Role.OPERATOR, display_name="host",
                             site_code=host)
    try:
        operator = browser(create_app(), "host")
        form = operator.get(f"/rights/placements/{ids[0]}/end")
        assert form.status_code == 200 and "사전 통지" in form.text
        check_page(form.text)
        bad = operator.post(f"/rights/placements/{ids[0]}/end", data={"end_on": "", "reason": "",
                                                                       "csrf_token": csrf(form.text)})
        assert bad.status_code == 422 and "마지막 근무일을 날짜로" in bad.text
        check_page(bad.text)
        sent = operator.post(f"/rights/placements/{ids[0]}/end", data={
            "end_on": "2025-06-30", "reason": "근무지 폐쇄", "csrf_token": csrf(form.text)}, follow_redirects=False)
        assert sent.status_code == 303
        assert "사전 통지 중입니다" in operator.get(f"/rights/placements/{ids[0]}/end").text
        with transaction(engine_for(database_url)) as session:
            decision, = rights.decisions_about(session, f"placement:{ids[0]}")
            assert decision.status == "proposed" and "근무지 폐쇄" in decision.reasons_ko
    finally:
        reset_keyring()
        get_settings.cache_clear()
