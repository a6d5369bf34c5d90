"""The attendance pages of issue 19 §3 through the web: the check-in screen, an excused absence
with its evidence, an override asked for by one operator and approved only by another; every
page valid, titled, labelled and translated; another site's operator gets 404."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.training import progress, service
from ilja.training.attendance import Mark
from tests.training.factories import OPERATOR, course_with_cohort
from tests.training.test_api import api, token  # noqa: F401 - the fixture
from tests.web.html_check import check_page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def test_excused_absences_and_overrides_in_the_pages(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    with transaction(engine_for(url)) as session:
        (enrolment,) = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        progress.record_day(session, cohort_id=setup.cohort_id, day=dt.date(2025, 12, 2),
                            marks={enrolment.id: Mark.ABSENT}, actor=OPERATOR)
        first = enrolment.id
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    colleague = token(url, Role.OPERATOR, "campus.mapo", login="colleague")
    jongno = token(url, Role.OPERATOR, "campus.jongno")
    base = f"/training/cohorts/{setup.cohort_id}"
    check_page(client.get(f"{base}/attendance/changes", headers=mapo).text)
    assert client.get(f"{base}/attendance/changes", headers=jongno).status_code == 404

    wrong = client.post(f"{base}/excused", headers=mapo, data={"enrolment_id": first, "day": "2025-12-02",
                                                             "kind": "sick"},
                        files={"evidence": ("note.pdf", b"GIF89a not a pdf", "application/pdf")})
    assert wrong.status_code == 422 and "PDF, PNG, JPEG" in check_page(wrong.text).text
    saved = client.post(f"{base}/excused", headers=mapo, follow_redirects=True,
                        data={"enrolment_id": first, "day": "2025-12-02", "kind": "sick"},
                        files={"evidence": ("진단서.pdf", PDF, "application/pdf")})
    text = check_page(saved.text).text
    assert "공결을 기록했습니다" in text and "병가" in text and "출석률 계산에서 제외" in text
    evidence = client.get(f"/training/enrolments/{first}/excused/2025-12-02/evidence", headers=mapo)
    assert evidence.content == PDF and evidence.headers["content-type"] == "application/pdf"
    assert client.get(f"/training/enrolments/{first}/excused/2025-12-02/evidence",
                      headers=jongno).status_code == 404
    sheet = check_page(client.get(f"{base}/attendance?day=2025-12-02", headers=mapo).text).text
    assert "공결 등록" in sheet

    asked = client.post(f"{base}/overrides", headers=mapo, follow_redirects=True,
                        data={"enrolment_id": first, "day": "2025-12-03", "mark": "present", "reason": "출석부 누락"})
    page = check_page(asked.text)
    assert "다른 직원의 승인을 기다립니다" in page.text  # no buttons for the one who asked
    with transaction(engine_for(url)) as session:
        from ilja.training.attendance_changes import pending

        (override,) = pending(session, [first])
    same = client.post(f"{base}/overrides/decide", headers=mapo,
                       data={"override_id": override.id, "decision": "approve"})
    assert same.status_code == 422 and "다른 직원이 승인해야" in same.text
    other_page = check_page(client.get(f"{base}/attendance/changes", headers=colleague).text)
    assert "승인" in other_page.text
    approved = client.post(f"{base}/overrides/decide", headers=colleague, follow_redirects=True,
                           data={"override_id": override.id, "decision": "approve", "note": "확인"})
    assert "정정을 승인해 반영했습니다" in check_page(approved.text).text
    assert "승인된 정정" in client.get(f"{base}/attendance?day=2025-12-03", headers=mapo).text


def test_the_check_in_screen_and_the_trainees_page(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    with transaction(engine_for(url)) as session:
        service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR)
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    base = f"/training/cohorts/{setup.cohort_id}"
    with clock.frozen(dt.datetime(2025, 12, 1, 9, 0)):
        closed = check_page(client.get(f"{base}/checkin", headers=mapo).text).text
        assert "오늘 출석 확인 시작" in closed
        opened = client.post(f"{base}/checkin/open", headers=mapo, follow_redirects=True)
        assert "새 코드로 바뀝니다" in check_page(opened.text).text
        assert 5 <= int(opened.headers["refresh"]) <= 61
        assert client.post(f"{base}/checkin/explode", headers=mapo).status_code == 404
    with clock.frozen(dt.datetime(2025, 12, 6, 9, 0)):  # a Saturday
        refused = client.post(f"{base}/checkin/open", headers=mapo)
        assert refused.status_code == 422 and "교육일이 아닙니다" in check_page(refused.text).text
    trainee = token(url, Role.CITIZEN, person_id=setup.persons[0], login="trainee")
    check_page(client.get("/training/me/checkin", headers=trainee).text)
    nothing = client.post("/training/me/checkin", headers=trainee, data={"code": "123456"})
    assert nothing.status_code == 422 and "출석 확인을 받는 곳이 없습니다" in nothing.text


def test_wrong_codes_through_the_page_count_towards_the_limit(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    with transaction(engine_for(url)) as session:
        service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR)
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    trainee = token(url, Role.CITIZEN, person_id=setup.persons[0], login="trainee")
    with clock.frozen(dt.datetime(2025, 12, 1, 9, 0)):
        client.post(f"/training/cohorts/{setup.cohort_id}/checkin/open", headers=mapo)
        for _ in range(5):
            wrong = client.post("/training/me/checkin", headers=trainee, data={"code": "12345"})
            assert wrong.status_code == 422 and "출석 코드가 맞지 않습니다" in check_page(wrong.text).text
        held = client.post("/training/me/checkin", headers=trainee, data={"code": "123456"})
        assert held.status_code == 429 and "15분 뒤에 다시 시도하십시오" in check_page(held.text).text


def test_the_check_in_api(api, keyring):  # noqa: F811
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=1, seats=1)
    with transaction(engine_for(url)) as session:
        (enrolment,) = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        enrolment_id = enrolment.id
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    trainee = token(url, Role.CITIZEN, person_id=setup.persons[0], login="trainee")
    with clock.frozen(dt.datetime(2025, 12, 1, 9, 0)):
        client.post(f"/training/cohorts/{setup.cohort_id}/checkin/open", headers=mapo)
        with transaction(engine_for(url)) as session:
            from ilja.training import checkin

            code = checkin.board_view(session, checkin.open_board_of(session, setup.cohort_id)).shown.code
        wrong = client.post("/api/v1/training/me/checkin", headers=trainee, json={"code": "99999"})
        assert wrong.status_code == 422 and wrong.json()["detail"]["reason"] == "wrong"
        done = client.post("/api/v1/training/me/checkin", headers=trainee, json={"code": code})
        assert done.status_code == 201
        assert done.json() == {"enrolment_id": enrolment_id, "cohort": "MAPO-AI-01", "day": "2025-12-01",
                               "method": "checkin"}
        again = client.post("/api/v1/training/me/checkin", headers=trainee, json={"code": code})
        assert again.status_code == 422 and again.json()["detail"]["reason"] == "already"
        assert client.post("/api/v1/training/me/checkin", headers=mapo, json={"code": code}).status_code == 403
