"""The operator runs a cohort in the browser's pages: enrolment, the attendance sheet, scores,
the dropout rule with its reasons, completion and a certificate; the trainee and the instructor
see their pages; every page is valid, titled, labelled and translated."""

from __future__ import annotations

import datetime as dt

from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.training import oneday_service, service
from tests.training.factories import OPERATOR, course_with_cohort
from tests.training.test_api import api, token  # noqa: F401 - the fixture
from tests.web.html_check import check_page


def test_an_operator_runs_a_cohort_in_the_pages(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=2, seats=2, starts=dt.date(2025, 12, 1),
                               ends=dt.date(2025, 12, 5))
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    base = f"/training/cohorts/{setup.cohort_id}"
    check_page(client.get("/training", headers=mapo).text)
    response = client.post(f"{base}/enrol", headers=mapo, follow_redirects=True)
    page = check_page(response.text)
    assert "MAPO-AI-01-001" in page.text and "MAPO-AI-01-002" in page.text
    with transaction(engine_for(url)) as session:
        first, second = (e.id for e in service.roster(session, setup.cohort_id))
        masked = [mask_name(session.get(Person, e.person_id).name) for e in service.roster(session, setup.cohort_id)]
    # Staff see the trainee's masked name beside the number, on every page that lists trainees.
    for part in ("", "/attendance?day=2025-12-01", "/scores"):
        assert all(name in client.get(f"{base}{part}", headers=mapo).text for name in masked), part
    for day in ("2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"):
        sheet = client.post(f"{base}/attendance", headers=mapo, follow_redirects=True,
                            data={"day": day, f"mark-{first}": "present",
                                  f"mark-{second}": "absent" if day > "2025-12-01" else "late"})
        assert sheet.status_code == 200
    check_page(sheet.text)
    saturday = client.post(f"{base}/attendance", headers=mapo,
                           data={"day": "2025-12-06", f"mark-{first}": "present"})
    assert saturday.status_code == 422 and "교육일이 아닙니다" in saturday.text
    scores = client.post(f"{base}/scores", headers=mapo, follow_redirects=True, data={
        "title": "1차 평가", "held_on": "2025-12-03", f"score-{first}": "91",
        f"score-{second}": "76"})
    assert "91" in check_page(scores.text).text
    bad = client.post(f"{base}/scores", headers=mapo, data={
        "title": "2차", "held_on": "2025-12-04", f"score-{first}": "101"})
    assert bad.status_code == 422
    findings = client.get(f"{base}/findings", headers=mapo)  # the rule applies as it opens
    text = check_page(findings.text).text
    assert "평가 점수 76점이 중도 탈락 기준 80점 미만입니다" in text
    assert "연속 무단결석 4일" not in text and "탈락" in text
    assert masked[1] in findings.text
    rates = check_page(client.get(f"{base}?on=2025-12-05", headers=mapo).text).text
    assert "100.0%" in rates and "% (" in rates and "import-attendance" not in sheet.text
    done = client.post(f"{base}/complete", headers=mapo, follow_redirects=True,
                       data={"on": "2025-12-05"})
    roster = check_page(done.text).text
    assert "수료" in roster and "중도 탈락" in roster
    pdf = client.get(f"/training/enrolments/{first}/certificate.pdf", headers=mapo)
    assert pdf.content.startswith(b"%PDF")
    other_site = token(url, Role.OPERATOR, "campus.jongno")
    assert client.get(base, headers=other_site).status_code == 404

    trainee = token(url, Role.CITIZEN, person_id=setup.persons[0], login="trainee")
    check_page(client.get("/training/me", headers=trainee).text)
    assert client.get(base, headers=trainee).status_code in (302, 303, 403)


def test_instructor_and_one_day_pages(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    teacher = token(url, Role.OPERATOR, "campus.mapo", login="teacher")
    with transaction(engine_for(url)) as session:
        from ilja.accounts.models import User

        user = session.query(User).filter_by(login="teacher").one()
        instructor = service.create_instructor(session, name="박강사", industry_months=36,
                                               user_id=user.id, actor=OPERATOR)
        service.assign_instructor(session, cohort_id=setup.cohort_id,
                                  instructor_id=instructor.id, actor=OPERATOR)
        oneday_service.create_class(session, code="OD-1", title="한식 원데이 클래스",
                                    site_code="campus.mapo", held_on=dt.date(2025, 2, 10),
                                    linked_course_id=setup.course_id, actor=OPERATOR)
    page = check_page(client.get("/training/instructor", headers=teacher).text)
    assert "MAPO-AI-01" in page.text
    index = check_page(client.get("/training", headers=teacher, params={"lang": "en"}).text)
    assert "한식 원데이 클래스" in index.text


def test_attendance_upload_reports_bad_rows_and_writes_nothing(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    base = f"/training/cohorts/{setup.cohort_id}"
    client.post(f"{base}/enrol", headers=mapo)
    bad = "기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-001,2025-12-01,출석\nOTHER-01,X,2025-12-02,출석\n"
    response = client.post(f"{base}/attendance/import", headers=mapo,
                           files={"file": ("a.csv", bad.encode(), "text/csv")})
    page = check_page(response.text)
    assert response.status_code == 422 and "unknown cohort" in page.text
    sheet = client.get(f"{base}/attendance", headers=mapo, params={"day": "2025-12-01"})
    assert 'value="present" checked' in sheet.text  # the default, nothing stored
    good = "기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-001,2025-12-01,지각\n"
    done = client.post(f"{base}/attendance/import", headers=mapo, follow_redirects=True,
                       files={"file": ("a.csv", good.encode(), "text/csv")})
    assert "출결 1건을 기록했습니다" in check_page(done.text).text
    sheet = client.get(f"{base}/attendance", headers=mapo, params={"day": "2025-12-01"})
    assert 'value="late" checked' in sheet.text


def test_a_trainee_quits_through_the_rosters_one_form(api, keyring):  # noqa: F811
    """The 포기 form sits below the roster (a phone cannot reach one inside a wide table's row)
    and takes the trainee by a choice; a trainee of another cohort is not found."""
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=2, seats=2, starts=dt.date(2025, 12, 1),
                               ends=dt.date(2025, 12, 5))
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    base = f"/training/cohorts/{setup.cohort_id}"
    client.post(f"{base}/enrol", headers=mapo)
    with transaction(engine_for(url)) as session:
        first, _ = (e.id for e in service.roster(session, setup.cohort_id))
    roster = client.get(base, headers=mapo).text
    check_page(roster)
    assert 'action="/training/enrolments/' not in roster and f'action="{base}/quit"' in roster
    assert client.post(f"{base}/quit", headers=mapo, data={"enrolment": "99999"}).status_code == 404
    asked = client.post(f"{base}/quit", headers=mapo,
                        data={"enrolment": str(first), "notice": "without", "on": "2025-12-02"})
    assert asked.status_code == 200 and "2025-12-02" in asked.text and "무단 포기는 재참여 제한" in asked.text
    check_page(asked.text)
    assert f'action="/training/enrolments/{first}/quit"' in asked.text  # it asks first: nothing is changed
    with transaction(engine_for(url)) as session:
        assert service.roster(session, setup.cohort_id)[0].status == "enrolled"
    done = client.post(f"/training/enrolments/{first}/quit", headers=mapo, follow_redirects=True,
                       data={"notice": "with", "on": "2025-12-02", "confirm": "1"})
    assert done.status_code == 200
    with transaction(engine_for(url)) as session:
        assert service.roster(session, setup.cohort_id)[0].status == "quit"
