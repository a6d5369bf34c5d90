"""Absurd training input is a clear refusal naming the field by its label, never a 500 or a slow
page (issue 17 §5, issue 16): cohorts in year 47, 246 or 718 or from 1900 to 9999, a department
code that is markup, an instructor linked to an account another instructor has; on SQLite and
PostgreSQL, through the API and the pages, in Korean and English."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja import clock
from ilja.accounts.models import User
from ilja.accounts.roles import Role
from ilja.training import bounds, service, setup_views
from ilja.training.errors import InvalidInput
from tests.training.test_setup_pages import app, one, token  # noqa: F401 - the fixture
from tests.web.html_check import check_page

API = "/api/v1/training"
SCRIPT = "<script>alert(1)</script>"


def _open_course(client, headers) -> int:
    department = client.post(f"{API}/departments", headers=headers, json={
        "code": "MAPO-AI", "site_code": "campus.mapo", "name": "AI학과"}).json()["id"]
    course = client.post(f"{API}/courses", headers=headers, json={
        "code": "MAPO-AICORE", "department_id": department, "name": "AI 핵심", "kind": "ai_core",
        "program_code": "youth_academy"}).json()["id"]
    assert client.post(f"{API}/departments/{department}/decisions", headers=headers, json={
        "decision": "open_course", "reason": "수요 조사", "decided_on": "2025-10-01",
        "course_id": course}).status_code == 201
    return course


@contextlib.contextmanager
def _no_session_days() -> Iterator[None]:
    """Quick means refused before a single session day of 8,000 years is computed (how quick is
    for a benchmark, not a timed test)."""
    def refuse(*args, **kwargs):
        raise AssertionError("session days computed for dates the bounds refuse")
    with (mock.patch.object(service, "session_days", refuse),
          mock.patch.object(setup_views, "session_days", refuse)):
        yield


def test_cohort_dates_are_bounded_by_what_they_mean(app):  # noqa: F811
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    course = _open_course(client, mapo)
    body = {"course_id": course, "number": 1, "capacity": 20}
    for year in (47, 246, 718):
        start = f"{year:04d}-03-03"
        response = client.post(f"{API}/cohorts", headers=mapo,
                               json={**body, "starts_on": start, "ends_on": f"{year:04d}-08-29"})
        assert response.status_code == 422, (year, response.text)
        detail = response.json()["detail"]
        assert detail["msg_ko"].startswith("시작일:") and detail["msg"].startswith("Starts on:")
    with _no_session_days():
        response = client.post(f"{API}/cohorts", headers=mapo,
                               json={**body, "starts_on": "1900-01-01", "ends_on": "9999-12-31"})
    assert response.status_code == 422
    too_long = client.post(f"{API}/cohorts", headers=mapo,
                           json={**body, "starts_on": "2025-03-03", "ends_on": "2028-03-03"})
    assert too_long.status_code == 422 and too_long.json()["detail"]["msg"].startswith("Ends on:")
    assert client.get(f"{API}/cohorts", headers=mapo).json() == []  # nothing stored
    good = client.post(f"{API}/cohorts", headers=mapo,
                       json={**body, "starts_on": "2025-12-01", "ends_on": "2025-12-19"})
    assert good.status_code == 201
    assert client.get(f"/training/cohorts/{good.json()['id']}", headers=mapo).status_code == 200


@pytest.mark.parametrize(("lang", "label", "words"), [("ko", "시작일", "날짜"), ("en", "Starts on", "date")])
def test_the_cohort_form_refuses_absurd_dates_quickly_and_says_which_field(app, lang, label, words):  # noqa: F811
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    course = _open_course(client, mapo)
    client.get("/training/setup/cohorts/new", headers=mapo, params={"lang": lang})  # templates compiled
    with _no_session_days():
        page = client.post("/training/setup/cohorts/new", headers=mapo, params={"lang": lang}, data={
            "course_id": str(course), "number": "1", "capacity": "20", "starts_on": "1900-01-01",
            "ends_on": "9999-12-31", "weekdays": ["0", "1", "2", "3", "4"], "action": "preview"})
    assert page.status_code == 422 and 'href="#starts_on"' in page.text
    text = check_page(page.text).text
    assert f"{label}:" in text and words in text and "None" not in text
    year_47 = client.post("/training/setup/cohorts/new", headers=mapo, params={"lang": lang}, data={
        "course_id": str(course), "number": "1", "capacity": "20", "starts_on": "0047-03-03",
        "ends_on": "0047-08-29", "weekdays": ["0"], "action": "save"})
    assert year_47.status_code == 422 and 'href="#starts_on"' in year_47.text


def test_a_department_code_follows_its_pattern(app):  # noqa: F811
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    response = client.post(f"{API}/departments", headers=mapo, json={
        "code": SCRIPT, "site_code": "campus.mapo", "name": "AI학과"})
    assert response.status_code == 422
    assert response.json()["detail"]["msg_ko"] == "코드: 영문 대문자, 숫자, 하이픈만 쓸 수 있습니다 (예: MAPO-AI)."
    for lang, words in (("ko", "코드: 영문 대문자"), ("en", "Code: use capitals")):
        page = client.post("/training/setup/departments", headers=mapo, params={"lang": lang}, data={
            "dept_code": SCRIPT, "dept_name": "AI학과", "dept_site": "campus.mapo"})
        assert page.status_code == 422 and 'href="#dept_code"' in page.text
        assert words in check_page(page.text).text and "<script>alert" not in page.text
    assert client.get(f"{API}/departments", headers=mapo).json() == []


def test_an_account_links_to_one_instructor_only(app):  # noqa: F811
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    _open_course(client, mapo)  # a site that runs training sees the instructors
    token(url, Role.OPERATOR, "campus.mapo", login="teacher")
    user_id = one(url, User, login="teacher")
    first = client.post(f"{API}/instructors", headers=mapo,
                        json={"name": "박강사", "industry_months": 36, "user_id": user_id})
    assert first.status_code == 201
    again = client.post(f"{API}/instructors", headers=mapo,
                        json={"name": "김강사", "industry_months": 12, "user_id": user_id})
    assert again.status_code == 422
    assert again.json()["detail"]["msg"].startswith("User account:")
    assert [i["name"] for i in client.get(f"{API}/instructors", headers=mapo).json()] == ["박강사"]


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_a_day_is_inside_the_window_or_refused_with_its_label(day):
    with clock.frozen(dt.datetime(2025, 6, 1, 3, tzinfo=dt.UTC)):
        problem = bounds.day_problem("held_on", "일자", "Held on", day)
        inside = dt.date(2000, 1, 1) <= day <= dt.date(2028, 12, 31)
        assert (problem is None) == inside
        if problem:
            assert problem.message_ko.startswith("일자:") and problem.message_en.startswith("Held on:")
            with pytest.raises(InvalidInput):
                bounds.check_day("held_on", "일자", "Held on", day)
