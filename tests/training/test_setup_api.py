"""The set-up API keeps a site-bound operator to their own site (on SQLite and PostgreSQL):
another site's department, course and cohort answer 404, a department or one-day class for another
site 403, and the lists show only their site; a program manager sees everything."""

from __future__ import annotations

from ilja.accounts.roles import Role
from tests.training.test_setup_pages import app, token  # noqa: F401 - the fixture


def test_a_site_bound_operator_sets_up_only_their_own_site(app):  # noqa: F811
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    jongno = token(url, Role.OPERATOR, "campus.jongno")
    manager = token(url, Role.PROGRAM_MANAGER, login="manager")
    api = "/api/v1/training"
    assert client.post(f"{api}/departments", headers=mapo, json={
        "code": "JONGNO-AI", "site_code": "campus.jongno", "name": "AI학과"}).status_code == 403
    department = client.post(f"{api}/departments", headers=mapo, json={
        "code": "MAPO-AI", "site_code": "campus.mapo", "name": "AI학과"}).json()["id"]
    course_body = {"code": "MAPO-AICORE", "department_id": department, "name": "AI 핵심",
                   "kind": "ai_core", "program_code": "youth_academy"}
    assert client.post(f"{api}/courses", headers=jongno, json=course_body).status_code == 404
    course = client.post(f"{api}/courses", headers=mapo, json=course_body).json()["id"]
    decision = {"decision": "open_course", "reason": "수요 조사", "decided_on": "2025-10-01",
                "course_id": course}
    assert client.post(f"{api}/departments/{department}/decisions", headers=jongno,
                       json=decision).status_code == 404
    assert client.get(f"{api}/departments/{department}/decisions",
                      headers=jongno).status_code == 404
    assert client.post(f"{api}/departments/{department}/decisions", headers=mapo,
                       json=decision).status_code == 201
    cohort_body = {"course_id": course, "number": 1, "capacity": 20, "starts_on": "2025-12-01",
                   "ends_on": "2025-12-19"}
    assert client.post(f"{api}/cohorts", headers=jongno, json=cohort_body).status_code == 404
    cohort = client.post(f"{api}/cohorts", headers=mapo, json=cohort_body).json()
    assert cohort["session_days"] == 15
    instructor = client.post(f"{api}/instructors", headers=mapo, json={
        "name": "박경력", "industry_months": 36}).json()["id"]
    assert client.post(f"{api}/cohorts/{cohort['id']}/instructors", headers=jongno,
                       json={"instructor_id": instructor}).status_code == 404
    oneday = {"code": "OD-1", "title": "한식", "site_code": "campus.mapo",
              "held_on": "2025-11-10", "linked_course_id": course}
    assert client.post(f"{api}/oneday", headers=jongno, json=oneday).status_code == 403
    assert client.post(f"{api}/oneday", headers=jongno,
                       json={**oneday, "site_code": "campus.jongno"}).status_code == 404
    assert client.post(f"{api}/oneday", headers=mapo, json=oneday).status_code == 201
    for path in ("departments", "courses", "cohorts"):
        assert client.get(f"{api}/{path}", headers=jongno).json() == []
        assert len(client.get(f"{api}/{path}", headers=mapo).json()) == 1
        assert len(client.get(f"{api}/{path}", headers=manager).json()) == 1
