"""Attendance of public-job participants beyond the host's monthly form (issue 19 §3): check-in
with the code shown at the work site, and excused absences with evidence.

A check-in records the day worked in full (the placement's daily hours, method ``checkin``), once
a day, on a working day of the placement in a month not yet approved. An excused absence records
the day as paid leave or as an unpaid but excused absence, as the rule in force says
(``publicjobs.excused.<kind>_paid``), with its evidence sealed (``ilja.attendance.evidence``). The
host's monthly form keeps both as they are and may not give such a day another kind
(``protected``); a change goes through an override, which a second staff member approves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.attendance import codes
from ilja.attendance import evidence as sealed
from ilja.attendance.excused import ExcuseKind, publicjobs_rule
from ilja.attendance.records import (
    Method,
    OverrideStatus,
    SameApprover,
    check_second_person,
    reason_refusal,
    record_decision,
)
from ilja.people.rrn import KeyRing
from ilja.programs.holidays import is_paid_holiday
from ilja.publicjobs import service
from ilja.publicjobs.attendance_models import (
    ExcusedDay,
    ProjectCheckinAttempt,
    ProjectCheckinBoard,
    TimesheetOverride,
)
from ilja.publicjobs.models import Placement, PlacementStatus, TimesheetEntryRow
from ilja.publicjobs.service import MonthApproved, NotFound, PublicJobError, month_key, terms_of
from ilja.publicjobs.timesheet import EntryKind, TimesheetEntry, TimesheetInvalid, validate_entries
from ilja.rules.parameters import default_tree


class CheckinRefused(PublicJobError):
    status_code = 422

    def __init__(self, reason: str) -> None:
        super().__init__(*codes.MESSAGES[reason])
        self.reason = reason

    def extra(self) -> dict[str, str]:
        return {"reason": self.reason}


class TooManyAttempts(PublicJobError):
    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(f"잘못된 코드를 여러 번 입력했습니다. {minutes}분 뒤에 다시 시도하십시오.",
                         f"Too many wrong codes. Try again in {minutes} minutes.")
        self.minutes = minutes


def _seoul_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(clock.SEOUL).date()


def _working(placement: Placement, day: dt.date) -> bool:
    terms = terms_of(placement)
    return terms.covers(day) and terms.pattern.works_on(day) and not is_paid_holiday(day)


def _working_today(session: Session, project_id: int, day: dt.date) -> list[Placement]:
    return [p for p in session.scalars(select(Placement).where(
        Placement.project_id == project_id, Placement.status == PlacementStatus.ACTIVE.value))
        if _working(p, day)]


# --------------------------------------------------------------------------------------------
# The host's board
# --------------------------------------------------------------------------------------------
def open_board(session: Session, *, project_id: int, actor: audit.Actor,
               scope: Scope = SYSTEM) -> ProjectCheckinBoard:
    project = service.get_project(session, project_id, scope)
    now = clock.now()
    day = _seoul_day(now)
    if not _working_today(session, project.id, day):
        raise PublicJobError(f"오늘({day.isoformat()})은 이 사업에 근무하는 참여자가 없습니다.",
                             f"Nobody of this project works today ({day.isoformat()}).")
    session.execute(update(ProjectCheckinBoard).where(ProjectCheckinBoard.project_id == project.id,
                                                      ProjectCheckinBoard.closed_at.is_(None))
                    .values(closed_at=now).execution_options(synchronize_session=False))
    board = ProjectCheckinBoard(project_id=project.id, day=day, secret=codes.new_secret(),
                                opened_by=actor.id, opened_at=now)
    session.add(board)
    session.flush()
    audit.record(session, actor, "publicjobs.checkin.open", object_type="publicjob_project",
                 object_id=project.id, details={"board": board.id, "day": day.isoformat()})
    return board


def open_board_of(session: Session, project_id: int) -> ProjectCheckinBoard | None:
    return session.scalars(select(ProjectCheckinBoard).where(
        ProjectCheckinBoard.project_id == project_id, ProjectCheckinBoard.day == clock.today(),
        ProjectCheckinBoard.closed_at.is_(None)).order_by(ProjectCheckinBoard.id.desc())).first()


def close_board(session: Session, *, project_id: int, actor: audit.Actor, scope: Scope = SYSTEM) -> None:
    project = service.get_project(session, project_id, scope)
    board = open_board_of(session, project.id)
    if board is not None:
        board.closed_at = clock.now()
        session.flush()
        audit.record(session, actor, "publicjobs.checkin.close", object_type="publicjob_project",
                     object_id=project.id, details={"board": board.id})


@dataclass(frozen=True)
class BoardView:
    board: ProjectCheckinBoard
    shown: codes.ShownCode
    rules: codes.CheckinRules
    checked_in: int
    enrolled: int


def board_view(session: Session, board: ProjectCheckinBoard) -> BoardView:
    rules = codes.CheckinRules.at(board.day)
    working = _working_today(session, board.project_id, board.day)
    checked = session.scalar(select(func.count()).select_from(TimesheetEntryRow).where(
        TimesheetEntryRow.placement_id.in_([p.id for p in working]), TimesheetEntryRow.day == board.day,
        TimesheetEntryRow.method == Method.CHECKIN.value)) if working else 0
    return BoardView(board, codes.current(board.secret, clock.now(), rules), rules, checked or 0, len(working))


# --------------------------------------------------------------------------------------------
# The participant's check-in
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """The day recorded, or why not; a refusal is returned so the caller commits the attempt."""

    placement: Placement | None = None
    refused: CheckinRefused | None = None


def check_in(session: Session, *, person_id: int, code: str, actor: audit.Actor) -> Outcome:
    now = clock.now()
    day = _seoul_day(now)
    rules = codes.CheckinRules.at(day)
    failures = list(session.scalars(select(ProjectCheckinAttempt.at).where(
        ProjectCheckinAttempt.person_id == person_id, ProjectCheckinAttempt.at > now - rules.failure_window,
        ProjectCheckinAttempt.verdict != codes.Verdict.ACCEPTED.value).order_by(ProjectCheckinAttempt.at)))
    wait = codes.wait_minutes(failures, now, rules)
    if wait is not None:
        raise TooManyAttempts(wait)
    candidates = [(b, p) for b, p in session.execute(
        select(ProjectCheckinBoard, Placement).join(Placement, Placement.project_id == ProjectCheckinBoard.project_id)
        .where(Placement.person_id == person_id, Placement.status == PlacementStatus.ACTIVE.value,
               ProjectCheckinBoard.day == day, ProjectCheckinBoard.closed_at.is_(None))
        .order_by(ProjectCheckinBoard.id)).all() if _working(p, day)]
    if not candidates:
        return Outcome(refused=CheckinRefused("no_board"))
    verdict, which = codes.judge([(b.secret, b.opened_at) for b, _ in candidates], code, now, rules)
    board, placement = candidates[which]
    session.add(ProjectCheckinAttempt(person_id=person_id, board_id=board.id, at=now, verdict=verdict.value))
    session.flush()
    if verdict is not codes.Verdict.ACCEPTED:
        audit.record(session, actor, "publicjobs.checkin.refused", subject_person_id=person_id,
                     object_type="publicjob_project", object_id=board.project_id, details={"verdict": verdict.value})
        return Outcome(refused=CheckinRefused(verdict.value))
    taken = session.scalar(select(TimesheetEntryRow.id).where(
        TimesheetEntryRow.placement_id == placement.id, TimesheetEntryRow.day == day))
    if taken is not None or service.is_approved(session, placement.project_id, day.year, day.month):
        return Outcome(refused=CheckinRefused("already"))
    try:
        with session.begin_nested():
            session.add(TimesheetEntryRow(placement_id=placement.id, day=day, kind=EntryKind.WORKED.value,
                                          milli_hours=placement.daily_milli_hours, entered_by=actor.id,
                                          method=Method.CHECKIN.value))
    except IntegrityError:
        return Outcome(refused=CheckinRefused("already"))
    audit.record(session, actor, "publicjobs.checkin", subject_person_id=person_id,
                 object_type="publicjob_placement", object_id=placement.id,
                 details={"board": board.id, "day": day.isoformat()})
    return Outcome(placement=placement)


# --------------------------------------------------------------------------------------------
# Excused absences
# --------------------------------------------------------------------------------------------
def record_excused(session: Session, *, placement_id: int, day: dt.date, kind: str, evidence: bytes | None,
                   store: Path, keyring: KeyRing, actor: audit.Actor, scope: Scope = SYSTEM) -> ExcusedDay:
    """Record an excused absence with its evidence: the day becomes paid leave or an unpaid but
    excused absence, as the rule in force on the day says."""
    placement = service.get_placement(session, placement_id, scope)
    if not _working(placement, day):
        raise PublicJobError(f"날짜: {day.isoformat()}은(는) 이 참여자의 근무일이 아닙니다.",
                             f"Date: {day.isoformat()} is not a working day of this placement.")
    if service.is_approved(session, placement.project_id, day.year, day.month):
        raise MonthApproved(month_key(day.year, day.month))
    try:
        excuse = ExcuseKind(kind)
    except ValueError:
        raise PublicJobError("공가 사유: 목록에서 고르십시오.",
                             "Reason for the excuse: choose one from the list.") from None
    if not evidence and default_tree().value("publicjobs.excused.evidence_required", day):
        raise PublicJobError("증빙 파일: 공가·병가에는 증빙 파일(PDF, PNG, JPEG)이 필요합니다.",
                             "Evidence file: an excused absence needs an evidence file (PDF, PNG or JPEG).")
    row = session.scalar(select(TimesheetEntryRow).where(TimesheetEntryRow.placement_id == placement.id,
                                                         TimesheetEntryRow.day == day))
    if row is not None and row.kind == EntryKind.WORKED.value:
        raise PublicJobError("근무로 기록된 날입니다. 바꾸려면 근무기록을 정정하십시오.",
                             "The day is recorded as worked; correct the timesheet to change it.")
    try:
        stored = sealed.seal_upload(store, evidence, day, keyring)
    except sealed.EvidenceRefused as error:
        raise PublicJobError(error.message_ko, error.message_en) from None
    rule = publicjobs_rule(excuse, day)
    paid = bool(rule.value)
    kind_of_day = EntryKind.PAID_LEAVE if paid else EntryKind.UNPAID_ABSENCE
    hours = placement.daily_milli_hours if paid else 0
    if row is None:
        session.add(TimesheetEntryRow(placement_id=placement.id, day=day, kind=kind_of_day.value, milli_hours=hours,
                                      entered_by=actor.id, method=Method.EXCUSED.value))
    else:
        row.kind, row.milli_hours, row.entered_by, row.method = kind_of_day.value, hours, actor.id, Method.EXCUSED.value
    session.execute(delete(ExcusedDay).where(ExcusedDay.placement_id == placement.id, ExcusedDay.day == day))
    excused = ExcusedDay(placement_id=placement.id, day=day, kind=excuse.value, paid=paid, rule=rule.as_dict(),
                         **sealed.columns(stored), recorded_by=actor.id, recorded_at=clock.now())
    session.add(excused)
    session.flush()
    audit.record(session, actor, "publicjobs.attendance.excused", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement.id,
                 details={"day": day.isoformat(), "kind": excuse.value, "paid": paid,
                          "evidence": stored.sha256 if stored else None})
    return excused


def excused_of(session: Session, project_id: int, scope: Scope = SYSTEM) -> list[tuple[ExcusedDay, Placement]]:
    project = service.get_project(session, project_id, scope)
    return [(x, p) for x, p in session.execute(
        select(ExcusedDay, Placement).join(Placement, Placement.id == ExcusedDay.placement_id)
        .where(Placement.project_id == project.id).order_by(ExcusedDay.day, Placement.id)).all()]


def evidence(session: Session, *, placement_id: int, day: dt.date, store: Path, keyring: KeyRing,
             actor: audit.Actor, scope: Scope = SYSTEM) -> tuple[bytes, str]:
    placement = service.get_placement(session, placement_id, scope)
    row = session.scalar(select(ExcusedDay).where(ExcusedDay.placement_id == placement.id, ExcusedDay.day == day))
    if row is None or row.evidence_sha256 is None:
        raise NotFound("증빙을 찾을 수 없습니다.", f"no evidence for placement {placement_id} on {day}")
    content = sealed.load(store, row.evidence_sha256, keyring)
    audit.record(session, actor, "publicjobs.attendance.evidence.read", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement.id, details={"day": day.isoformat()})
    return content, row.evidence_type or "application/octet-stream"


# --------------------------------------------------------------------------------------------
# Overrides: four eyes
# --------------------------------------------------------------------------------------------
def request_override(session: Session, *, placement_id: int, day: dt.date, kind: str, milli_hours: int,
                     reason: str, actor: audit.Actor, scope: Scope = SYSTEM) -> TimesheetOverride:
    """Ask to change a recorded day, with a reason; nothing changes until another staff member
    approves it."""
    placement = service.get_placement(session, placement_id, scope)
    if (refusal := reason_refusal(reason, actor.id)) is not None:
        raise PublicJobError(*refusal)
    text = reason.strip()
    try:
        entry = TimesheetEntry(placement.id, day, EntryKind(kind), milli_hours)
    except ValueError:
        raise PublicJobError("구분: 목록에서 고르십시오.", "Kind: choose one from the list.") from None
    problems = validate_entries([(1, entry)], {placement.id: terms_of(placement)},
                                statutory_daily_hours=int(default_tree().value(
                                    "publicjobs.timesheet.statutory_daily_hours", day)))
    if problems:
        raise TimesheetInvalid(problems)
    row = session.scalar(select(TimesheetEntryRow).where(TimesheetEntryRow.placement_id == placement.id,
                                                         TimesheetEntryRow.day == day))
    before = None if row is None else {"kind": row.kind, "milli_hours": row.milli_hours}
    if before == {"kind": entry.kind.value, "milli_hours": milli_hours}:
        raise PublicJobError("지금 기록과 같습니다.", "The day is recorded so already.")
    if pending_overrides(session, [placement.id], day=day):
        raise PublicJobError("이 날에 대한 정정 요청이 이미 승인을 기다리고 있습니다.",
                             "An override of this day is already waiting for approval.")
    override = TimesheetOverride(placement_id=placement.id, day=day, before=before, kind=entry.kind.value,
                                 milli_hours=milli_hours, reason=text, status=OverrideStatus.PENDING.value,
                                 requested_by=actor.id, requested_at=clock.now())
    session.add(override)
    session.flush()
    audit.record(session, actor, "publicjobs.attendance.override.request", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement.id,
                 details={"override": override.id, "day": day.isoformat()})
    return override


def pending_overrides(session: Session, placement_ids: list[int], *, day: dt.date | None = None
                      ) -> list[TimesheetOverride]:
    statement = select(TimesheetOverride).where(TimesheetOverride.placement_id.in_(placement_ids),
                                                TimesheetOverride.status == OverrideStatus.PENDING.value)
    if day is not None:
        statement = statement.where(TimesheetOverride.day == day)
    return list(session.scalars(statement.order_by(TimesheetOverride.requested_at)))


def decide_override(session: Session, *, override_id: int, approve: bool, note: str | None, actor: audit.Actor,
                    scope: Scope = SYSTEM) -> TimesheetOverride:
    """Approve or reject a pending override; the decider is another staff member than the
    requester. An approved change of an approved month is a correction (its pay difference goes
    into the next run, and the participant is told: ``service.correct_entry``)."""
    row = scope.get(session, Kind.PJ_OVERRIDE, override_id)
    if row is None:
        raise NotFound("정정 요청을 찾을 수 없습니다.", f"no override {override_id}")
    placement = service.get_placement(session, row.placement_id, scope)
    if row.status != OverrideStatus.PENDING.value:
        raise PublicJobError("이미 결정된 정정 요청입니다.", "The override has been decided already.")
    try:
        check_second_person(row.requested_by, actor.id)
    except SameApprover:
        raise PublicJobError("정정을 요청한 직원은 승인할 수 없습니다. 다른 직원이 승인해야 합니다.",
                             "The staff member who asked for the change cannot approve it; another staff member "
                             "must.") from None
    if approve:
        entry = TimesheetEntry(placement.id, row.day, EntryKind(row.kind), row.milli_hours)
        current = session.scalar(select(TimesheetEntryRow).where(TimesheetEntryRow.placement_id == placement.id,
                                                                 TimesheetEntryRow.day == row.day))
        if (None if current is None else {"kind": current.kind, "milli_hours": current.milli_hours}) != row.before:
            raise PublicJobError("요청 이후 이 날의 기록이 바뀌었습니다. 정정을 다시 요청하십시오.",
                                 "The day's record changed after the request; ask for the override again.")
        if service.is_approved(session, placement.project_id, row.day.year, row.day.month):
            service.correct_entry(session, placement.id, entry, reason=row.reason, actor=actor)
        elif current is None:
            session.add(TimesheetEntryRow(placement_id=placement.id, day=row.day, kind=row.kind,
                                          milli_hours=row.milli_hours, entered_by=actor.id))
        else:
            current.kind, current.milli_hours, current.entered_by = row.kind, row.milli_hours, actor.id
        session.flush()
        session.execute(update(TimesheetEntryRow).where(
            TimesheetEntryRow.placement_id == placement.id, TimesheetEntryRow.day == row.day)
            .values(method=Method.OVERRIDE.value).execution_options(synchronize_session="fetch"))
    record_decision(row, approve=approve, note=note, decided_by=actor.id)
    session.flush()
    audit.record(session, actor, f"publicjobs.attendance.override.{row.status}",
                 subject_person_id=placement.person_id, object_type="publicjob_placement", object_id=placement.id,
                 details={"override": row.id, "day": row.day.isoformat()})
    return row
