"""Changing a trainee's attendance after the fact: excused absences (공결) with their evidence,
and overrides (출결 정정) that a second staff member approves.

An excused absence is recorded by staff with its kind (공가, 병가, 경조사, 면접) and its evidence
(checked from its content, size-limited, stored sealed: ``ilja.attendance.evidence``); the rule in
force on the day (``training.excused.<kind>``) says whether the day is excused — left out of the
attendance rate — or stays an absence, and that rule is stored with it. It may replace an absence
or an empty day, never a day recorded as attended.

An override asks to change a recorded day to another mark, with a reason; nothing changes until
another staff member approves it (four eyes: the requester cannot, nor can the system). Pending
overrides are listed on the cohort's attendance page; requests and decisions are audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.attendance import evidence as sealed
from ilja.attendance.excused import ExcuseKind, evidence_required, training_rule
from ilja.attendance.records import (
    PROTECTED,
    Method,
    OverrideStatus,
    SameApprover,
    check_second_person,
    reason_refusal,
    record_decision,
)
from ilja.people.rrn import KeyRing
from ilja.training import service
from ilja.training.attendance import Mark
from ilja.training.errors import Conflict, InvalidInput, NotFound, SecondPersonNeeded
from ilja.training.models import (
    AttendanceOverride,
    AttendanceRecord,
    Enrolment,
    EnrolmentStatus,
    ExcusedAbsence,
)

CHUNK = 5000


def _session_day(session: Session, enrolment: Enrolment, day: dt.date) -> None:
    cohort = service.get_cohort(session, enrolment.cohort_id)
    if day not in service.schedule_of(cohort).sessions:
        raise InvalidInput(f"날짜: {day.isoformat()}은(는) 이 기수의 교육일이 아닙니다.",
                           f"Date: {day.isoformat()} is not a session day of this cohort.")


def _record(session: Session, enrolment_id: int, day: dt.date) -> AttendanceRecord | None:
    return session.scalars(select(AttendanceRecord).where(
        AttendanceRecord.enrolment_id == enrolment_id, AttendanceRecord.day == day)).first()


def _write(session: Session, enrolment_id: int, day: dt.date, mark: Mark, method: Method,
           actor: audit.Actor) -> None:
    session.execute(delete(AttendanceRecord).where(AttendanceRecord.enrolment_id == enrolment_id,
                                                   AttendanceRecord.day == day))
    session.add(AttendanceRecord(enrolment_id=enrolment_id, day=day, mark=int(mark),
                                 recorded_by=actor.id, recorded_at=clock.now(), method=method.value))
    session.flush()


def methods_of_day(session: Session, cohort_id: int, day: dt.date) -> dict[int, str]:
    """How each of the cohort's records of ``day`` was made, by enrolment (for the sheet)."""
    return dict(session.execute(select(AttendanceRecord.enrolment_id, AttendanceRecord.method)
                                .join(Enrolment, Enrolment.id == AttendanceRecord.enrolment_id)
                                .where(Enrolment.cohort_id == cohort_id, AttendanceRecord.day == day)).all())


# --------------------------------------------------------------------------------------------
# Excused absences
# --------------------------------------------------------------------------------------------
def record_excused(session: Session, *, enrolment_id: int, day: dt.date, kind: str,
                   evidence: bytes | None, store: Path, keyring: KeyRing, actor: audit.Actor,
                   scope: Scope = SYSTEM) -> ExcusedAbsence:
    """Record an excused absence with its evidence; the day's mark follows the rule in force."""
    enrolment = service.get_enrolment(session, enrolment_id, scope)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict("수강 중인 훈련생만 공결을 기록할 수 있습니다.",
                       "An excused absence is recorded only for an enrolled trainee.")
    _session_day(session, enrolment, day)
    try:
        excuse = ExcuseKind(kind)
    except ValueError:
        raise InvalidInput("공결 사유: 목록에서 고르십시오.",
                           "Reason for the excuse: choose one from the list.") from None
    if not evidence and evidence_required(day):
        raise InvalidInput("증빙 파일: 공결에는 증빙 파일(PDF, PNG, JPEG)이 필요합니다.",
                           "Evidence file: an excused absence needs an evidence file (PDF, PNG or JPEG).")
    existing = _record(session, enrolment.id, day)
    if existing is not None and existing.mark in (Mark.PRESENT, Mark.LATE):
        raise Conflict("출석으로 기록된 날입니다. 바꾸려면 정정을 요청하십시오.",
                       "The day is recorded as attended; ask for an override to change it.")
    try:
        stored = sealed.seal_upload(store, evidence, day, keyring)
    except sealed.EvidenceRefused as error:
        raise InvalidInput(error.message_ko, error.message_en) from None
    rule = training_rule(excuse, day)
    excused = bool(rule.value)
    session.execute(delete(ExcusedAbsence).where(ExcusedAbsence.enrolment_id == enrolment.id,
                                                 ExcusedAbsence.day == day))
    row = ExcusedAbsence(enrolment_id=enrolment.id, day=day, kind=excuse.value, excused=excused,
                         rule=rule.as_dict(), **sealed.columns(stored), recorded_by=actor.id,
                         recorded_at=clock.now())
    session.add(row)
    _write(session, enrolment.id, day, Mark.EXCUSED if excused else Mark.ABSENT, Method.EXCUSED, actor)
    audit.record(session, actor, "training.attendance.excused", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id,
                 details={"day": day.isoformat(), "kind": excuse.value, "excused": excused,
                          "evidence": stored.sha256 if stored else None})
    return row


def excused_of(session: Session, enrolment_ids: list[int]) -> list[ExcusedAbsence]:
    return list(session.scalars(select(ExcusedAbsence).where(
        ExcusedAbsence.enrolment_id.in_(enrolment_ids)).order_by(ExcusedAbsence.day)))


def evidence(session: Session, *, enrolment_id: int, day: dt.date, store: Path, keyring: KeyRing,
             actor: audit.Actor, scope: Scope = SYSTEM) -> tuple[bytes, str]:
    """An excused day's evidence file and its media type; the read is audited."""
    enrolment = service.get_enrolment(session, enrolment_id, scope)
    row = session.scalars(select(ExcusedAbsence).where(ExcusedAbsence.enrolment_id == enrolment.id,
                                                       ExcusedAbsence.day == day)).first()
    if row is None or row.evidence_sha256 is None:
        raise NotFound("evidence", f"{enrolment_id}/{day.isoformat()}")
    content = sealed.load(store, row.evidence_sha256, keyring)
    audit.record(session, actor, "training.attendance.evidence.read",
                 subject_person_id=enrolment.person_id, object_type="training_enrolment",
                 object_id=enrolment.id, details={"day": day.isoformat()})
    return content, row.evidence_type or "application/octet-stream"


# --------------------------------------------------------------------------------------------
# Overrides: four eyes
# --------------------------------------------------------------------------------------------
def request_override(session: Session, *, enrolment_id: int, day: dt.date, mark: Mark, reason: str,
                     actor: audit.Actor, scope: Scope = SYSTEM) -> AttendanceOverride:
    """Ask to change a day's mark, with a reason; nothing changes until another staff member
    approves."""
    enrolment = service.get_enrolment(session, enrolment_id, scope)
    _session_day(session, enrolment, day)
    if (refusal := reason_refusal(reason, actor.id)) is not None:
        raise InvalidInput(*refusal)
    text = reason.strip()
    current = _record(session, enrolment.id, day)
    before = None if current is None else Mark(current.mark)
    if before is mark:
        raise InvalidInput("출결: 지금 기록과 같은 출결입니다.", "Mark: the day is recorded so already.")
    if pending(session, [enrolment.id], day=day):
        raise Conflict("이 날에 대한 정정 요청이 이미 승인을 기다리고 있습니다.",
                       "An override of this day is already waiting for approval.")
    row = AttendanceOverride(enrolment_id=enrolment.id, day=day,
                             mark_before=None if before is None else int(before), mark_after=int(mark),
                             reason=text, status=OverrideStatus.PENDING.value, requested_by=actor.id,
                             requested_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "training.attendance.override.request",
                 subject_person_id=enrolment.person_id, object_type="training_enrolment",
                 object_id=enrolment.id, details={"override": row.id, "day": day.isoformat(),
                                                  "before": None if before is None else before.code,
                                                  "after": mark.code})
    return row


def pending(session: Session, enrolment_ids: list[int], *, day: dt.date | None = None) -> list[AttendanceOverride]:
    statement = select(AttendanceOverride).where(
        AttendanceOverride.enrolment_id.in_(enrolment_ids),
        AttendanceOverride.status == OverrideStatus.PENDING.value)
    if day is not None:
        statement = statement.where(AttendanceOverride.day == day)
    return list(session.scalars(statement.order_by(AttendanceOverride.requested_at)))


def decide_override(session: Session, *, override_id: int, approve: bool, note: str | None,
                    actor: audit.Actor, scope: Scope = SYSTEM) -> AttendanceOverride:
    """Approve (the day's mark changes, method ``override``) or reject a pending override; the
    decider must be another staff member than the requester."""
    row = scope.get(session, Kind.ATTENDANCE_OVERRIDE, override_id)
    if row is None:
        raise NotFound("override", override_id)
    enrolment = service.get_enrolment(session, row.enrolment_id, scope)
    if row.status != OverrideStatus.PENDING.value:
        raise Conflict("이미 결정된 정정 요청입니다.", "The override has been decided already.")
    try:
        check_second_person(row.requested_by, actor.id)
    except SameApprover:
        raise SecondPersonNeeded() from None
    if approve:
        current = _record(session, enrolment.id, row.day)
        if (None if current is None else current.mark) != row.mark_before:
            raise Conflict("요청 이후 이 날의 기록이 바뀌었습니다. 정정을 다시 요청하십시오.",
                           "The day's record changed after the request; ask for the override again.")
        _write(session, enrolment.id, row.day, Mark(row.mark_after), Method.OVERRIDE, actor)
    record_decision(row, approve=approve, note=note, decided_by=actor.id)
    session.flush()
    audit.record(session, actor, f"training.attendance.override.{row.status}",
                 subject_person_id=enrolment.person_id, object_type="training_enrolment",
                 object_id=enrolment.id, details={"override": row.id, "day": row.day.isoformat()})
    return row


def protected_records(session: Session, pairs: list[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], int]:
    """Of these (enrolment, day) pairs, those recorded by a protected method, with their marks:
    an operator's sheet or file leaves them as they are, and may not give them another mark
    (they change only through an override)."""
    if not pairs:
        return {}
    wanted = set(pairs)
    enrolments = sorted({e for e, _ in wanted})
    days = sorted({d for _, d in wanted})
    found: dict[tuple[int, dt.date], int] = {}
    for start in range(0, len(enrolments), CHUNK):  # a year's file names thousands of trainees
        rows = session.execute(select(AttendanceRecord.enrolment_id, AttendanceRecord.day,
                                      AttendanceRecord.mark).where(
            AttendanceRecord.enrolment_id.in_(enrolments[start:start + CHUNK]),
            AttendanceRecord.day.between(days[0], days[-1]),
            AttendanceRecord.method.in_(sorted(PROTECTED))))
        found.update({(e, d): m for e, d, m in rows if (e, d) in wanted})
    return found
