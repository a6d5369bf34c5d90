"""The coordinator's journey through the pages on the demo's trainees (issue 23): the caseload
fills from training, a run's proposals are explained in the coordinator's terms and confirmed or
vetoed one by one, the unmatched say why; a candidate's conditions are edited on the
coordinator's page and the trainee's own, with errors named by field."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.matching.demo_data import fill_demo_candidates
from ilja.matching.models import Candidate, Proposal
from tests.accounts.test_web_sessions import PASSWORD, csrf_of, log_in
from tests.publicjobs.factories import add_person
from tests.web.html_check import check_page


@pytest.fixture
def site(app_sqlite):
    from ilja.web.app import create_app

    with transaction(engine_for(app_sqlite)) as session:
        accounts.create_user(session, login="coordinator", password=PASSWORD,
                             role=Role.JOB_COORDINATOR, display_name="잡코디")
        trainee = add_person(session)
        for _ in range(15):
            add_person(session)
        fill_demo_candidates(session)
        accounts.create_user(session, login="trainee", password=PASSWORD, role=Role.CITIZEN,
                             display_name="교육생", person_id=trainee)
    client = TestClient(create_app())
    client.url = app_sqlite  # type: ignore[attr-defined]
    return client


def _check(response) -> str:
    assert response.status_code == 200, response.text[:500]
    check_page(response.text)
    return response.text


def test_run_explains_decides_one_by_one_and_says_why_unmatched(site):
    assert log_in(site, "coordinator").status_code == 303
    desk = _check(site.get("/matching"))
    token = csrf_of(desk)
    imported = site.post("/matching/caseload/import", data={"csrf_token": token},
                         follow_redirects=True)
    assert "id=\"imported\"" in _check(imported)
    token = csrf_of(imported.text)
    started = site.post("/matching/runs", data={"csrf_token": token, "round_code": "2026-1",
                                                "method": "stable"}, follow_redirects=False)
    assert started.status_code == 303
    run_url = started.headers["location"]
    page = _check(site.get(run_url))
    assert "희망 순위 1" not in page and "적합도 순 자동 목록" in page
    for words in ("근무지", "월 급여", "주당 시간", "마감", "갖춘 필수 역량"):
        assert words in page
    assert "매칭되지 않은 교육생과 이유" in page
    with transaction(engine_for(site.url)) as session:
        first, second = session.scalars(select(Proposal).order_by(Proposal.id).limit(2)).all()
        first_id, second_id = first.id, second.id
    run_id = int(run_url.rsplit("/", 1)[1])
    missing = site.post(f"/matching/runs/{run_id}/proposals", data={
        "csrf_token": token, "proposal_id": second_id, "decision": "veto"},
        follow_redirects=False)
    assert "error=required" in missing.headers["location"]
    assert site.post(f"/matching/runs/{run_id}/proposals", data={
        "csrf_token": token, "proposal_id": first_id, "decision": "confirm"},
        follow_redirects=False).status_code == 303
    assert site.post(f"/matching/runs/{run_id}/proposals", data={
        "csrf_token": token, "proposal_id": second_id, "decision": "veto",
        "reason": "면접 일정이 맞지 않음"}, follow_redirects=False).status_code == 303
    page = _check(site.get(run_url))
    assert "면접 일정이 맞지 않음" in page and "거부" in page
    with transaction(engine_for(site.url)) as session:
        statuses = dict(session.execute(select(Proposal.id, Proposal.status)).all())
    assert statuses[first_id] == "confirmed" and statuses[second_id] == "vetoed"
    with transaction(engine_for(site.url)) as session:
        from ilja.matching.models import Posting

        vetoed = session.get(Proposal, second_id)
        posting = session.get(Posting, vetoed.posting_id)
        organisation_id, candidate = posting.organisation_id, vetoed.candidate_id
    page = _check(site.get(f"/matching/organisations/{organisation_id}"))
    assert site.post(f"/matching/postings/{posting.id}/rankings", data={
        "csrf_token": csrf_of(page), f"rank_1-{posting.id}": str(candidate)},
        follow_redirects=False).status_code == 303
    assert "기업의 교육생 순위를 저장했습니다" in _check(
        site.get(f"/matching/organisations/{organisation_id}?saved=ranking"))
    with transaction(engine_for(site.url)) as session:
        from ilja.matching import service

        assert service.posting_ranking(session, posting.id) == [candidate]
    report = _check(site.get("/matching/acceptance"))
    assert "공고별 수락 현황" in report and "기업별 수락 현황" in report


def test_conditions_on_the_coordinators_page_and_the_trainees(site):
    with transaction(engine_for(site.url)) as session:
        candidate = session.scalars(select(Candidate).order_by(Candidate.id)).first()
        candidate_id = candidate.id
    assert log_in(site, "coordinator").status_code == 303
    page = _check(site.get(f"/matching/candidates/{candidate_id}"))
    assert "역량과 근무 조건" in page and "제외 사유" in page  # the passed-deadline posting
    token = csrf_of(page)
    bad = site.post(f"/matching/candidates/{candidate_id}/conditions", data={
        "csrf_token": token, "skills": "파이썬", "max_weekly_hours": "99",
        "home_district": "부산"})
    assert bad.status_code == 422
    text = bad.text
    check_page(text)
    assert re.search(r"주당 최대 시간.*1시간에서 68시간", text, re.S)
    good = site.post(f"/matching/candidates/{candidate_id}/conditions", data={
        "csrf_token": token, "skills": "파이썬, FastAPI, 도커", "experience": "AI·소프트웨어 1년",
        "education": "bachelor", "wanted_kinds": ["job"], "shifts": ["day"],
        "home_district": "마포구", "max_commute_minutes": "50"}, follow_redirects=True)
    assert "역량과 근무 조건을 저장했습니다" in _check(good)
    with transaction(engine_for(site.url)) as session:
        row = session.get(Candidate, candidate_id)
        assert row.wanted_kinds == ["job"] and row.max_commute_minutes == 50

    site.cookies.clear()
    assert log_in(site, "trainee").status_code == 303
    mine = _check(site.get("/matching/me"))
    assert "역량과 근무 조건" in mine
    saved = site.post("/matching/me/conditions", data={
        "csrf_token": csrf_of(mine), "skills": "파이썬", "min_monthly_pay": "2500000",
        "wanted_kinds": ["internship", "job"]}, follow_redirects=True)
    assert "역량과 근무 조건을 저장했습니다" in _check(saved)
    with transaction(engine_for(site.url)) as session:
        assert session.get(Candidate, candidate_id).min_monthly_pay == 2_500_000
    mine = _check(site.get("/matching/me"))
    options = re.findall(r'<select id="choice_1".*?</select>', mine, re.S)[0]
    first, second = re.findall(r'<option value="(\d+)"', options)[:2]
    ranked = site.post("/matching/me/rankings", data={
        "csrf_token": csrf_of(mine), "choice_1": second, "choice_2": first, "choice_3": "999999"},
        follow_redirects=True)
    assert "희망 순위를 저장했습니다" in _check(ranked)
    with transaction(engine_for(site.url)) as session:
        from ilja.matching import service

        assert service.candidate_ranking(session, candidate_id) == [int(second), int(first)]
