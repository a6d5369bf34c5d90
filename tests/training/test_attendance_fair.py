"""Attendance that is fair (issue 19 §3), on SQLite and PostgreSQL: the trainee's check-in with
the code shown at the site (its window, one use a day, expiry, the failure limit), excused
absences with sealed evidence, and overrides that need a second staff member."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.attendance import codes
from ilja.attendance.evidence import path_of
from ilja.db import engine_for, transaction
from ilja.training import attendance_changes as changes
from ilja.training import checkin, progress, service
from ilja.training.attendance import Mark, summarise_one
from ilja.training.attendance_import import AttendanceFileError
from ilja.training.errors import (
    CheckinRefused,
    Conflict,
    InvalidInput,
    SecondPersonNeeded,
    TooManyAttempts,
)
from ilja.training.models import AttendanceRecord
from tests.training.factories import OPERATOR, course_with_cohort

D = dt.date
MONDAY = dt.datetime(2025, 12, 1, 9, 0)  # Seoul wall-clock time, a session day
TRAINEE = audit.Actor("77", "citizen", "127.0.0.1")
SECOND = audit.Actor("6", "operator", "127.0.0.1")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def enrolled(url, keyring, applicants=2):
    setup = course_with_cohort(url, keyring, applicants=applicants, seats=applicants)
    with transaction(engine_for(url)) as session:
        rows = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        setup.persons[:] = [e.person_id for e in rows]  # in the order of the trainee numbers
        return setup, [e.id for e in rows]


def _open(url, cohort_id):
    with clock.frozen(MONDAY), transaction(engine_for(url)) as session:
        board = checkin.open_board(session, cohort_id=cohort_id, actor=OPERATOR)
        return board.id, checkin.board_view(session, board).shown.code


def _check_in(url, person_id, code, at):
    with clock.frozen(at), transaction(engine_for(url)) as session:
        outcome = checkin.check_in(session, person_id=person_id, code=code, actor=TRAINEE)
    if outcome.refused:  # raised after the commit, as the pages and the API do
        raise outcome.refused
    return outcome.checked_in.enrolment.id


def _record(url, enrolment_id, day=D(2025, 12, 1)):
    with transaction(engine_for(url)) as session:
        return session.scalars(select(AttendanceRecord).where(
            AttendanceRecord.enrolment_id == enrolment_id, AttendanceRecord.day == day)).first()


def test_a_trainee_checks_in_once_a_day_with_the_code_on_the_screen(database_url, keyring):
    setup, ids = enrolled(database_url, keyring)
    _, code = _open(database_url, setup.cohort_id)
    assert _check_in(database_url, setup.persons[0], code, MONDAY + dt.timedelta(minutes=2)) == ids[0]
    row = _record(database_url, ids[0])
    assert (row.mark, row.method, row.recorded_by) == (Mark.PRESENT, "checkin", "77")
    with pytest.raises(CheckinRefused) as again:  # one use per person per day
        _check_in(database_url, setup.persons[0], code, MONDAY + dt.timedelta(minutes=2, seconds=30))
    assert again.value.reason == "already" and "하루 한 번" in again.value.message_ko
    with clock.frozen(MONDAY), transaction(engine_for(database_url)) as session:
        board = checkin.open_board_of(session, setup.cohort_id)
        assert checkin.board_view(session, board).checked_in == 1


def test_a_code_past_its_validity_is_refused_as_expired(database_url, keyring):
    setup, _ = enrolled(database_url, keyring)
    _, code = _open(database_url, setup.cohort_id)
    with pytest.raises(CheckinRefused) as late:
        _check_in(database_url, setup.persons[0], code, MONDAY + dt.timedelta(minutes=3, seconds=1))
    assert late.value.reason == "expired" and "유효 시간" in late.value.message_ko
    with pytest.raises(CheckinRefused) as wrong:
        _check_in(database_url, setup.persons[0], "000000" if code != "000000" else "111111",
                  MONDAY + dt.timedelta(minutes=1))
    assert wrong.value.reason == "wrong"


def test_a_closed_board_or_a_person_not_in_the_cohort_cannot_check_in(database_url, keyring):
    setup, _ = enrolled(database_url, keyring)
    _, code = _open(database_url, setup.cohort_id)
    with clock.frozen(MONDAY), transaction(engine_for(database_url)) as session:
        checkin.close_board(session, cohort_id=setup.cohort_id, actor=OPERATOR)
    with pytest.raises(CheckinRefused) as closed:
        _check_in(database_url, setup.persons[0], code, MONDAY)
    assert closed.value.reason == "no_board"
    with (clock.frozen(dt.datetime(2025, 12, 6, 9)), transaction(engine_for(database_url)) as session,
          pytest.raises(InvalidInput)):  # a Saturday: no session to open
        checkin.open_board(session, cohort_id=setup.cohort_id, actor=OPERATOR)


def test_wrong_codes_are_limited_per_person_before_any_comparison(database_url, keyring):
    setup, ids = enrolled(database_url, keyring)
    _, code = _open(database_url, setup.cohort_id)
    wrong = "000000" if code != "000000" else "111111"
    for second in range(5):
        with pytest.raises(CheckinRefused):
            _check_in(database_url, setup.persons[0], wrong, MONDAY + dt.timedelta(seconds=second))
    with pytest.raises(TooManyAttempts) as limited:  # even the right code waits
        _check_in(database_url, setup.persons[0], code, MONDAY + dt.timedelta(seconds=10))
    assert limited.value.status_code == 429 and limited.value.minutes == 15
    # another trainee is not held back by the first one's mistakes
    assert _check_in(database_url, setup.persons[1], code, MONDAY + dt.timedelta(seconds=20)) == ids[1]
    later = MONDAY + dt.timedelta(minutes=16)
    with clock.frozen(later), transaction(engine_for(database_url)) as session:
        board = checkin.open_board_of(session, setup.cohort_id)
        fresh = checkin.board_view(session, board).shown.code
    assert _check_in(database_url, setup.persons[0], fresh, later) == ids[0]


def test_the_operators_sheet_does_not_overwrite_a_check_in(database_url, keyring, tmp_path):
    setup, ids = enrolled(database_url, keyring)
    _, code = _open(database_url, setup.cohort_id)
    _check_in(database_url, setup.persons[0], code, MONDAY)
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(InvalidInput):
            progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 1),
                                marks={ids[0]: Mark.ABSENT, ids[1]: Mark.PRESENT}, actor=OPERATOR)
        progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 1),  # unchanged: fine
                            marks={ids[0]: Mark.PRESENT, ids[1]: Mark.LATE}, actor=OPERATOR)
    assert _record(database_url, ids[1]).method == "roll_call"
    sheet = tmp_path / "a.csv"
    sheet.write_text("기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-001,2025-12-01,결석\n"
                     "MAPO-AI-01,MAPO-AI-01-002,2025-12-02,출석\n", encoding="utf-8")
    with transaction(engine_for(database_url)) as session, pytest.raises(AttendanceFileError) as caught:
        progress.import_attendance(session, sheet, actor=OPERATOR)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "mark")]
    sheet.write_text("기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-002,2025-12-02,출석\n", encoding="utf-8")
    with transaction(engine_for(database_url)) as session:
        progress.import_attendance(session, sheet, actor=OPERATOR)
    assert _record(database_url, ids[1], D(2025, 12, 2)).method == "import"


def test_an_excused_day_with_evidence_leaves_the_rate_untouched(database_url, keyring, tmp_path):
    setup, ids = enrolled(database_url, keyring, applicants=1)
    with transaction(engine_for(database_url)) as session:
        for day in (D(2025, 12, 1), D(2025, 12, 2), D(2025, 12, 3)):
            progress.record_day(session, cohort_id=setup.cohort_id, day=day,
                                marks={ids[0]: Mark.ABSENT if day.day == 2 else Mark.PRESENT}, actor=OPERATOR)
        enrolment = service.get_enrolment(session, ids[0])
        cohort = service.get_cohort(session, setup.cohort_id)
        before, _ = progress.summary_of(session, enrolment, cohort, D(2025, 12, 3))
        with pytest.raises(InvalidInput, match="Evidence file"):
            changes.record_excused(session, enrolment_id=ids[0], day=D(2025, 12, 2), kind="sick",
                                   evidence=None, store=tmp_path, keyring=keyring, actor=OPERATOR)
        with pytest.raises(InvalidInput, match="PDF, PNG or JPEG"):  # the type is read from the content
            changes.record_excused(session, enrolment_id=ids[0], day=D(2025, 12, 2), kind="sick",
                                   evidence=b"MZ\x90\x00 not a pdf", store=tmp_path, keyring=keyring,
                                   actor=OPERATOR)
        with pytest.raises(InvalidInput, match="at most 5,120 KB"):
            changes.record_excused(session, enrolment_id=ids[0], day=D(2025, 12, 2), kind="sick",
                                   evidence=PDF + b"0" * (5120 * 1024), store=tmp_path, keyring=keyring,
                                   actor=OPERATOR)
        with pytest.raises(Conflict):  # a day attended is not excused: that is an override
            changes.record_excused(session, enrolment_id=ids[0], day=D(2025, 12, 1), kind="sick",
                                   evidence=PDF, store=tmp_path, keyring=keyring, actor=OPERATOR)
        row = changes.record_excused(session, enrolment_id=ids[0], day=D(2025, 12, 2), kind="sick",
                                     evidence=PDF, store=tmp_path, keyring=keyring, actor=OPERATOR)
        assert row.excused and row.rule["name"] == "training.excused.sick"
        after, _ = progress.summary_of(session, enrolment, cohort, D(2025, 12, 3))
        content, media = changes.evidence(session, enrolment_id=ids[0], day=D(2025, 12, 2),
                                          store=tmp_path, keyring=keyring, actor=OPERATOR)
    assert (before.absent, before.counted, before.attended) == (1, 3, 2)
    assert (after.absent, after.excused, after.counted, after.attended) == (0, 1, 2, 2)
    assert after.rate == 1 > before.rate
    assert (content, media) == (PDF, "application/pdf")
    stored = path_of(tmp_path, row.evidence_sha256).read_bytes()
    assert PDF not in stored and b"%PDF" not in stored  # sealed, not in clear
    assert _record(database_url, ids[0], D(2025, 12, 2)).method == "excused"


def test_the_rate_leaves_out_excused_days_and_counts_absences():
    rules = progress.DropoutRules.at(D(2025, 12, 1)).attendance
    marks = [Mark.PRESENT] * 8 + [Mark.EXCUSED] * 2
    assert summarise_one(marks, rules).rate == 1
    assert summarise_one([Mark.PRESENT] * 8 + [Mark.ABSENT] * 2, rules).rate == pytest.approx(0.8)


def test_an_override_needs_a_reason_and_a_second_staff_member(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=1)
    with transaction(engine_for(database_url)) as session:
        progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 1),
                            marks={ids[0]: Mark.ABSENT}, actor=OPERATOR)
        with pytest.raises(InvalidInput, match="Reason"):
            changes.request_override(session, enrolment_id=ids[0], day=D(2025, 12, 1), mark=Mark.PRESENT,
                                     reason="  ", actor=OPERATOR)
        row = changes.request_override(session, enrolment_id=ids[0], day=D(2025, 12, 1), mark=Mark.PRESENT,
                                       reason="출석부 입력 실수 (CCTV 확인)", actor=OPERATOR)
        assert [p.id for p in changes.pending(session, ids)] == [row.id]
        assert progress.sheet(session, setup.cohort_id, D(2025, 12, 1)) == {ids[0]: Mark.ABSENT}
        with pytest.raises(Conflict):  # one pending request a day
            changes.request_override(session, enrolment_id=ids[0], day=D(2025, 12, 1), mark=Mark.LATE,
                                     reason="다시", actor=SECOND)
        with pytest.raises(SecondPersonNeeded):
            changes.decide_override(session, override_id=row.id, approve=True,
                                    note=None, actor=OPERATOR)
        with pytest.raises(SecondPersonNeeded):  # nor the system
            changes.decide_override(session, override_id=row.id, approve=True,
                                    note=None, actor=audit.SYSTEM_ACTOR)
        changes.decide_override(session, override_id=row.id, approve=True,
                                note="확인함", actor=SECOND)
        assert progress.sheet(session, setup.cohort_id, D(2025, 12, 1)) == {ids[0]: Mark.PRESENT}
        assert changes.pending(session, ids) == []
        with pytest.raises(Conflict):
            changes.decide_override(session, override_id=row.id, approve=False,
                                    note=None, actor=SECOND)
    assert _record(database_url, ids[0]).method == "override"
    with transaction(engine_for(database_url)) as session:
        actions = list(session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("training.attendance.override.%"))))
    assert sorted(actions) == ["training.attendance.override.approved", "training.attendance.override.request"]


def test_a_rejected_override_changes_nothing(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=1)
    with transaction(engine_for(database_url)) as session:
        row = changes.request_override(session, enrolment_id=ids[0], day=D(2025, 12, 1), mark=Mark.EXCUSED,
                                       reason="사후 공결 요청", actor=OPERATOR)
        changes.decide_override(session, override_id=row.id, approve=False,
                                note="증빙 없음", actor=SECOND)
        assert progress.sheet(session, setup.cohort_id, D(2025, 12, 1)) == {}
        assert row.status == "rejected" and row.decided_by == "6"


def test_the_check_in_rules_in_force_are_the_parameters():
    assert codes.CheckinRules.at(D(2025, 12, 1)).validity == dt.timedelta(minutes=3)


def test_a_shortfall_is_warned_then_proposed_never_dropped_on_its_own(database_url, keyring):
    from ilja.decisions.models import Decision

    setup, ids = enrolled(database_url, keyring, applicants=1)
    with transaction(engine_for(database_url)) as session:
        for day in (D(2025, 12, 1), D(2025, 12, 2), D(2025, 12, 3), D(2025, 12, 4), D(2025, 12, 5)):
            progress.record_day(session, cohort_id=setup.cohort_id, day=day, marks={ids[0]: Mark.ABSENT},
                                actor=OPERATOR)
        first = progress.evaluate_cohort(session, cohort_id=setup.cohort_id, on=D(2025, 12, 5), actor=OPERATOR)
        assert [(f.kind, f.rule) for f in first] == [("warning", "consecutive_absences")]
        then = progress.evaluate_cohort(session, cohort_id=setup.cohort_id, on=D(2025, 12, 8), actor=OPERATOR)
        assert [(f.kind, f.rule) for f in then] == [("dropout", "consecutive_absences")]
        assert progress.evaluate_cohort(session, cohort_id=setup.cohort_id, on=D(2025, 12, 9),
                                        actor=OPERATOR) == []  # proposed once, not once a day
        assert service.get_enrolment(session, ids[0]).status == "enrolled"  # in its prior notice
        decisions = list(session.scalars(select(Decision).where(Decision.subject_ref == f"enrolment:{ids[0]}")))
        assert [(d.kind, d.status) for d in decisions] == [("dropout", "proposed")]


def test_a_trainee_with_no_records_is_neither_warned_nor_dropped(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=1)
    with transaction(engine_for(database_url)) as session:
        assert progress.evaluate_cohort(session, cohort_id=setup.cohort_id, on=D(2025, 12, 19),
                                        actor=OPERATOR) == []
        assert service.get_enrolment(session, ids[0]).status == "enrolled"
