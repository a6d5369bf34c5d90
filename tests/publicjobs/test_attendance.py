"""Public-job attendance (issue 19 §3) on SQLite and PostgreSQL: a participant checks in with the
code at the work site (once a day, the failure limit, expiry), an excused day is paid leave or
unpaid but excused as the dated rule says, and the host's monthly form keeps both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.publicjobs import attendance, service
from ilja.publicjobs.models import Placement, TimesheetEntryRow
from ilja.publicjobs.service import PublicJobError
from ilja.publicjobs.timesheet import EntryKind, TimesheetInvalid, prefill_month
from tests.publicjobs.factories import HOST, MANAGER, add_person, add_project

MONDAY = dt.datetime(2025, 7, 7, 9, 0)  # Seoul, a working day
PARTICIPANT = audit.Actor("88", "citizen", "127.0.0.1")
PDF = b"%PDF-1.4\n%%EOF\n"


def _placed(url: str) -> tuple[int, int, int]:
    with transaction(engine_for(url)) as session:
        project = add_project(session, "attractive_jobs")
        person = add_person(session)
        placement = service.place(session, project_id=project, person_id=person, actor=MANAGER,
                                  start_on=dt.date(2025, 7, 1))
        return project, person, placement.id


def _code(url: str, project: int) -> str:
    with clock.frozen(MONDAY), transaction(engine_for(url)) as session:
        board = attendance.open_board(session, project_id=project, actor=HOST)
        return attendance.board_view(session, board).shown.code


def _check_in(url: str, person: int, code: str, at: dt.datetime):
    with clock.frozen(at), transaction(engine_for(url)) as session:
        outcome = attendance.check_in(session, person_id=person, code=code, actor=PARTICIPANT)
    if outcome.refused:
        raise outcome.refused
    return outcome.placement.id


def _entry(url: str, placement: int, day: dt.date):
    with transaction(engine_for(url)) as session:
        row = session.scalar(select(TimesheetEntryRow).where(TimesheetEntryRow.placement_id == placement,
                                                             TimesheetEntryRow.day == day))
        return None if row is None else (row.kind, row.milli_hours, row.method)


def test_a_participant_checks_in_once_a_day_for_a_full_day(database_url):
    project, person, placement = _placed(database_url)
    code = _code(database_url, project)
    assert _check_in(database_url, person, code, MONDAY + dt.timedelta(minutes=1)) == placement
    with transaction(engine_for(database_url)) as session:
        hours = session.get(Placement, placement).daily_milli_hours
    assert _entry(database_url, placement, MONDAY.date()) == ("worked", hours, "checkin")
    with pytest.raises(attendance.CheckinRefused) as again:
        _check_in(database_url, person, code, MONDAY + dt.timedelta(minutes=2))
    assert again.value.reason == "already"
    with pytest.raises(attendance.CheckinRefused) as late:
        _check_in(database_url, add_person_placed(database_url, project), code, MONDAY + dt.timedelta(minutes=5))
    assert late.value.reason == "expired"


def add_person_placed(url: str, project: int) -> int:
    with transaction(engine_for(url)) as session:
        person = add_person(session)
        service.place(session, project_id=project, person_id=person, actor=MANAGER, start_on=dt.date(2025, 7, 1))
        return person


def test_wrong_codes_are_limited_and_the_host_form_keeps_a_check_in(database_url):
    project, person, placement = _placed(database_url)
    code = _code(database_url, project)
    wrong = "000000" if code != "000000" else "111111"
    for second in range(5):
        with pytest.raises(attendance.CheckinRefused):
            _check_in(database_url, person, wrong, MONDAY + dt.timedelta(seconds=second))
    with pytest.raises(attendance.TooManyAttempts):
        _check_in(database_url, person, code, MONDAY + dt.timedelta(seconds=30))
    later = MONDAY + dt.timedelta(minutes=16)
    with clock.frozen(later), transaction(engine_for(database_url)) as session:
        fresh = attendance.board_view(session, attendance.open_board_of(session, project)).shown.code
    _check_in(database_url, person, fresh, later)
    with transaction(engine_for(database_url)) as session:
        terms = service.terms_of(session.get(Placement, placement))
        month = prefill_month(terms, 2025, 7)
        service.enter_month(session, project, 2025, 7, month, actor=HOST)  # the same day: kept as it is
    assert _entry(database_url, placement, MONDAY.date())[2] == "checkin"
    absent = [e if e.day != MONDAY.date() else type(e)(e.placement_id, e.day, EntryKind.UNPAID_ABSENCE, 0)
              for e in month]
    with transaction(engine_for(database_url)) as session, pytest.raises(TimesheetInvalid) as caught:
        service.enter_month(session, project, 2025, 7, absent, actor=HOST)
    assert [p.code for p in caught.value.problems] == ["recorded_otherwise"]


def test_an_excused_day_is_paid_or_unpaid_as_the_rule_says(database_url, tmp_path):
    keyring = generate_key_file(tmp_path / "keys.json")
    project, person, placement = _placed(database_url)
    with transaction(engine_for(database_url)) as session:
        hours = session.get(Placement, placement).daily_milli_hours
        with pytest.raises(PublicJobError, match="Evidence file"):
            attendance.record_excused(session, placement_id=placement, day=dt.date(2025, 7, 8), kind="official",
                                      evidence=None, store=tmp_path, keyring=keyring, actor=HOST)
        official = attendance.record_excused(session, placement_id=placement, day=dt.date(2025, 7, 8),
                                             kind="official", evidence=PDF, store=tmp_path, keyring=keyring,
                                             actor=HOST)
        sick = attendance.record_excused(session, placement_id=placement, day=dt.date(2025, 7, 9), kind="sick",
                                         evidence=PDF, store=tmp_path, keyring=keyring, actor=HOST)
        with pytest.raises(PublicJobError, match="not a working day"):  # a Saturday
            attendance.record_excused(session, placement_id=placement, day=dt.date(2025, 7, 12), kind="sick",
                                      evidence=PDF, store=tmp_path, keyring=keyring, actor=HOST)
    assert official.paid and official.rule["name"] == "publicjobs.excused.official_paid"
    assert not sick.paid and "assumption" in sick.rule["source"]
    assert _entry(database_url, placement, dt.date(2025, 7, 8)) == ("paid_leave", hours, "excused")
    assert _entry(database_url, placement, dt.date(2025, 7, 9)) == ("unpaid_absence", 0, "excused")
    with transaction(engine_for(database_url)) as session:
        content, media = attendance.evidence(session, placement_id=placement, day=dt.date(2025, 7, 8),
                                             store=tmp_path, keyring=keyring, actor=HOST)
        (listed, _), _ = attendance.excused_of(session, project)
    assert content == PDF and media == "application/pdf" and listed.kind == "official"


def test_an_override_of_a_check_in_needs_a_second_staff_member(database_url):
    project, person, placement = _placed(database_url)
    code = _code(database_url, project)
    _check_in(database_url, person, code, MONDAY)
    colleague = audit.Actor("6", "operator", "127.0.0.1")
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(PublicJobError, match="Reason"):
            attendance.request_override(session, placement_id=placement, day=MONDAY.date(), kind="unpaid_absence",
                                        milli_hours=0, reason=" ", actor=HOST)
        row = attendance.request_override(session, placement_id=placement, day=MONDAY.date(), kind="unpaid_absence",
                                          milli_hours=0, reason="출근 확인 후 바로 귀가 (CCTV)", actor=HOST)
        assert [o.id for o in attendance.pending_overrides(session, [placement])] == [row.id]
        with pytest.raises(PublicJobError, match="another staff member"):
            attendance.decide_override(session, override_id=row.id, approve=True, note=None, actor=HOST)
        attendance.decide_override(session, override_id=row.id, approve=True, note="확인", actor=colleague)
        assert attendance.pending_overrides(session, [placement]) == []
    assert _entry(database_url, placement, MONDAY.date()) == ("unpaid_absence", 0, "override")


def test_an_override_of_an_approved_month_is_a_correction(database_url):
    from ilja.publicjobs.models import TimesheetCorrection

    project, person, placement = _placed(database_url)
    colleague = audit.Actor("6", "operator", "127.0.0.1")
    with transaction(engine_for(database_url)) as session:
        terms = service.terms_of(session.get(Placement, placement))
        service.enter_month(session, project, 2025, 7, prefill_month(terms, 2025, 7), actor=HOST)
        service.approve_month(session, project, 2025, 7, actor=HOST)
        row = attendance.request_override(session, placement_id=placement, day=dt.date(2025, 7, 9),
                                          kind="paid_leave", milli_hours=terms.pattern.daily_milli_hours,
                                          reason="공가 증빙 사후 제출", actor=HOST)
        attendance.decide_override(session, override_id=row.id, approve=True, note=None, actor=colleague)
        corrections = list(session.scalars(select(TimesheetCorrection).where(
            TimesheetCorrection.placement_id == placement)))
    assert [(c.day, c.after["kind"], c.actor_id) for c in corrections] == [(dt.date(2025, 7, 9), "paid_leave", "6")]
    assert _entry(database_url, placement, dt.date(2025, 7, 9))[0::2] == ("paid_leave", "override")


def test_the_host_and_participant_pages(app_sqlite, tmp_path):
    from fastapi.testclient import TestClient

    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.web.app import create_app
    from tests.web.html_check import check_page

    url = app_sqlite
    generate_key_file(tmp_path / "keys" / "data-keys.json")
    with transaction(engine_for(url)) as session:
        project = add_project(session, "attractive_jobs", host="host-1")
        person = add_person(session)
        placement = service.place(session, project_id=project, person_id=person, actor=MANAGER,
                                  start_on=dt.date(2025, 7, 1)).id
        tokens = {}
        for login, role, site, who in (("host", Role.OPERATOR, "host-1", None),
                                       ("other", Role.OPERATOR, "campus.jongno", None),
                                       ("me", Role.CITIZEN, None, person)):
            user = accounts.create_user(session, login=login, password="correct-horse-9", role=role,
                                        display_name=login, site_code=site, person_id=who)
            tokens[login] = {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}
    client = TestClient(create_app())
    base = f"/publicjobs/projects/{project}"
    with clock.frozen(MONDAY):
        check_page(client.get(f"{base}/checkin", headers=tokens["host"]).text)
        assert client.get(f"{base}/checkin", headers=tokens["other"]).status_code == 404
        opened = client.post(f"{base}/checkin/open", headers=tokens["host"], follow_redirects=True)
        check_page(opened.text)
        code = "".join(re.search(r'ilja-checkin-code"[^>]*><strong>(\d{3}) (\d{3})<', opened.text).groups())
        check_page(client.get("/publicjobs/me/checkin", headers=tokens["me"]).text)
        done = client.post("/publicjobs/me/checkin", headers=tokens["me"], data={"code": code},
                           follow_redirects=True)
        assert "출석이 기록되었습니다" in check_page(done.text).text
        again = client.post("/api/v1/publicjobs/me/checkin", headers=tokens["me"], json={"code": code})
        assert again.status_code == 422 and again.json()["detail"]["reason"] == "already"
        assert client.post("/api/v1/publicjobs/me/checkin", headers=tokens["host"],
                           json={"code": code}).status_code == 403
    saved = client.post(f"{base}/excused", headers=tokens["host"], follow_redirects=True,
                        data={"placement_id": placement, "day": "2025-07-08", "kind": "official"},
                        files={"evidence": ("통지서.pdf", PDF, "application/pdf")})
    text = check_page(saved.text).text
    assert "유급 휴가" in text and "공가" in text
    asked = client.post(f"{base}/overrides", headers=tokens["host"], follow_redirects=True, data={
        "placement_id": placement, "day": "2025-07-07", "kind": "unpaid_absence", "hours": "0",
        "reason": "출근 확인 뒤 귀가"})
    assert "다른 직원의 승인을 기다립니다" in check_page(asked.text).text
    bad = client.post(f"{base}/overrides", headers=tokens["host"], data={
        "placement_id": placement, "day": "2025-07-12", "kind": "worked", "hours": "6", "reason": "토요일"})
    assert bad.status_code == 422 and "근무일이 아닙니다" in check_page(bad.text).text
    with transaction(engine_for(url)) as session:
        (override,) = attendance.pending_overrides(session, [placement])
    same = client.post(f"{base}/overrides/decide", headers=tokens["host"],
                       data={"override_id": override.id, "decision": "approve"})
    assert same.status_code == 422 and "다른 직원이 승인해야" in same.text
    evidence = client.get(f"/publicjobs/placements/{placement}/excused/2025-07-08/evidence", headers=tokens["host"])
    assert evidence.content == PDF
    assert client.get(f"/publicjobs/placements/{placement}/excused/2025-07-08/evidence",
                      headers=tokens["other"]).status_code == 404
