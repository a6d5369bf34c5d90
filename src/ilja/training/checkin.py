"""Check-in by the trainee (출석 코드): the operator opens a board for today's session and shows
its rotating code at the site; the trainee types it on their phone and is recorded present, with
the method ``checkin``.

One use per person and day: the attendance row is unique per enrolment and day, and a day that
already has a record (a check-in, or the operator's roll call) is not recorded again. Wrong and
expired codes are recorded as attempts, and a person with ``max_failed_attempts`` of them in the
failure window is refused until the oldest leaves it (429), before any code is compared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Scope
from ilja.attendance import codes
from ilja.attendance.records import Method
from ilja.training import service
from ilja.training.attendance import Mark
from ilja.training.errors import CheckinRefused, InvalidInput, TooManyAttempts
from ilja.training.models import (
    AttendanceRecord,
    CheckinAttempt,
    CheckinBoard,
    Enrolment,
    EnrolmentStatus,
    TrainingCohort,
)


def _now() -> dt.datetime:
    return clock.now()


def _seoul_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(clock.SEOUL).date()


# --------------------------------------------------------------------------------------------
# The operator's board
# --------------------------------------------------------------------------------------------
def open_board(session: Session, *, cohort_id: int, actor: audit.Actor,
               scope: Scope = SYSTEM) -> CheckinBoard:
    """Open today's check-in board of a cohort (closing an earlier one still open)."""
    cohort = service.get_cohort(session, cohort_id, scope)
    now = _now()
    day = _seoul_day(now)
    if day not in service.schedule_of(cohort).sessions:
        raise InvalidInput(f"오늘({day.isoformat()})은 이 기수의 교육일이 아닙니다.",
                           f"Today ({day.isoformat()}) is not a session day of this cohort.")
    session.execute(update(CheckinBoard).where(CheckinBoard.cohort_id == cohort_id,
                                               CheckinBoard.closed_at.is_(None))
                    .values(closed_at=now).execution_options(synchronize_session=False))
    board = CheckinBoard(cohort_id=cohort_id, day=day, secret=codes.new_secret(), opened_by=actor.id,
                         opened_at=now)
    session.add(board)
    session.flush()
    audit.record(session, actor, "training.checkin.open", object_type="training_cohort",
                 object_id=cohort_id, details={"board": board.id, "day": day.isoformat()})
    return board


def open_board_of(session: Session, cohort_id: int) -> CheckinBoard | None:
    """The cohort's board open today, if any."""
    today = _seoul_day(_now())
    return session.scalars(select(CheckinBoard).where(
        CheckinBoard.cohort_id == cohort_id, CheckinBoard.day == today,
        CheckinBoard.closed_at.is_(None)).order_by(CheckinBoard.id.desc())).first()


def close_board(session: Session, *, cohort_id: int, actor: audit.Actor,
                scope: Scope = SYSTEM) -> None:
    service.get_cohort(session, cohort_id, scope)
    board = open_board_of(session, cohort_id)
    if board is None:
        return
    board.closed_at = _now()
    session.flush()
    audit.record(session, actor, "training.checkin.close", object_type="training_cohort",
                 object_id=cohort_id, details={"board": board.id})


@dataclass(frozen=True)
class BoardView:
    board: CheckinBoard
    shown: codes.ShownCode
    rules: codes.CheckinRules
    checked_in: int
    enrolled: int


def board_view(session: Session, board: CheckinBoard) -> BoardView:
    """What the site's screen shows now: the code, when it changes, and how many checked in."""
    now = _now()
    rules = codes.CheckinRules.at(board.day)
    enrolled = session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == board.cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED.value))
    checked = session.scalar(select(func.count()).select_from(AttendanceRecord).join(
        Enrolment, Enrolment.id == AttendanceRecord.enrolment_id).where(
        Enrolment.cohort_id == board.cohort_id, AttendanceRecord.day == board.day,
        AttendanceRecord.method == Method.CHECKIN.value))
    return BoardView(board, codes.current(board.secret, now, rules), rules, checked or 0, enrolled or 0)


# --------------------------------------------------------------------------------------------
# The trainee's check-in
# --------------------------------------------------------------------------------------------
def _failures(session: Session, person_id: int, since: dt.datetime) -> list[dt.datetime]:
    return list(session.scalars(select(CheckinAttempt.at).where(
        CheckinAttempt.person_id == person_id, CheckinAttempt.at > since,
        CheckinAttempt.verdict != codes.Verdict.ACCEPTED.value).order_by(CheckinAttempt.at)))


def _check_rate(session: Session, person_id: int, now: dt.datetime, rules: codes.CheckinRules) -> None:
    wait = codes.wait_minutes(_failures(session, person_id, now - rules.failure_window), now, rules)
    if wait is not None:
        raise TooManyAttempts(wait)


@dataclass(frozen=True)
class CheckedIn:
    enrolment: Enrolment
    cohort: TrainingCohort
    day: dt.date


@dataclass(frozen=True)
class Outcome:
    """A check-in's result: the record made, or why not. A refusal is returned, not raised, so
    the caller commits the attempt it recorded (the failure limit counts it) before showing it."""

    checked_in: CheckedIn | None = None
    refused: CheckinRefused | None = None


def check_in(session: Session, *, person_id: int, code: str, actor: audit.Actor) -> Outcome:
    """Record the person present today in the cohort whose open board shows ``code``.

    Raises ``TooManyAttempts`` (before comparing anything) once the failure limit is reached;
    refuses a wrong or expired code, no board open to them today, or a day already recorded.
    """
    now = _now()
    day = _seoul_day(now)
    rules = codes.CheckinRules.at(day)
    _check_rate(session, person_id, now, rules)
    boards = list(session.execute(
        select(CheckinBoard, Enrolment)
        .join(Enrolment, Enrolment.cohort_id == CheckinBoard.cohort_id)
        .where(Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.ENROLLED.value,
               CheckinBoard.day == day, CheckinBoard.closed_at.is_(None))
        .order_by(CheckinBoard.id)).all())
    if not boards:
        return Outcome(refused=_refused("no_board"))
    verdict, which = codes.judge([(b.secret, b.opened_at) for b, _ in boards], code, now, rules)
    board, enrolment = boards[which]
    session.add(CheckinAttempt(person_id=person_id, board_id=board.id, at=now, verdict=verdict.value))
    session.flush()
    if verdict is not codes.Verdict.ACCEPTED:
        audit.record(session, actor, "training.checkin.refused", subject_person_id=person_id,
                     object_type="training_cohort", object_id=board.cohort_id,
                     details={"verdict": verdict.value})
        return Outcome(refused=_refused(verdict.value))
    exists = session.scalar(select(AttendanceRecord.id).where(
        AttendanceRecord.enrolment_id == enrolment.id, AttendanceRecord.day == day))
    if exists is not None:
        return Outcome(refused=_refused("already"))
    try:
        with session.begin_nested():
            session.add(AttendanceRecord(enrolment_id=enrolment.id, day=day, mark=int(Mark.PRESENT),
                                         recorded_by=actor.id, recorded_at=now,
                                         method=Method.CHECKIN.value))
    except IntegrityError:  # the same person checking in twice at the same moment
        return Outcome(refused=_refused("already"))
    audit.record(session, actor, "training.checkin", subject_person_id=person_id,
                 object_type="training_enrolment", object_id=enrolment.id,
                 details={"board": board.id, "day": day.isoformat()})
    return Outcome(CheckedIn(enrolment, service.get_cohort(session, enrolment.cohort_id), day))


def _refused(reason: str) -> CheckinRefused:
    return CheckinRefused(*codes.MESSAGES[reason], reason)
