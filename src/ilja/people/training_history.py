"""A person's whole training history as the rules engine reads it (``program/start/end/result``):
what the registry holds (``persons.training_history``, courses taken elsewhere or before Ilja)
plus every course that ended here (``person_ended_courses``, which training writes when an
enrolment ends). An application reads it at submission and verification re-reads it, both from
people, below them; nobody reaches up into training's enrolments for it.

A quit without notice is ``quit_without_notice`` (the rules engine's 무단 포기 restriction reads
it); a quit with notice counts as a course taken and left (``dropped``), so it still counts
towards the lifetime limit and the waiting period, but bars nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from ilja.people.models import EndedCourse

RESULTS = ("completed", "dropped", "quit_without_notice")
ID_CHUNK = 5000

# Built once (a submission reads it): the ended courses of some people, one indexed select.
_ENDED = (select(EndedCourse.person_id, EndedCourse.program, EndedCourse.started_on, EndedCourse.ended_on,
                 EndedCourse.result)
          .where(EndedCourse.person_id.in_(bindparam("ids", expanding=True))))


def histories(session: Session, registered: dict[int, list[dict[str, Any]]]) -> dict[int, list[dict[str, Any]]]:
    """Each person's whole history: their registered history (``registered``, by person id) plus
    the courses that ended here, sorted by start and end; one query per 5,000 people."""
    found = {pid: [dict(r) for r in rows] for pid, rows in registered.items()}
    ids = list(found)
    for start in range(0, len(ids), ID_CHUNK):
        for row in session.execute(_ENDED, {"ids": ids[start:start + ID_CHUNK]}):
            found[row.person_id].append({"program": row.program, "start": row.started_on.isoformat(),
                                         "end": row.ended_on.isoformat(), "result": row.result})
    for history in found.values():
        _in_order(history)
    return found


def _in_order(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    history.sort(key=lambda r: (str(r["start"]), str(r["end"])))
    return history


def ended_here(person_id: Any) -> Any:
    """The courses ``person_id`` ended here as one JSON array in the rules' format (PostgreSQL's
    JSON writes dates as ISO text): a submission reads it with its other reads, one statement."""
    course = func.json_build_object("program", EndedCourse.program, "start", EndedCourse.started_on,
                                    "end", EndedCourse.ended_on, "result", EndedCourse.result)
    return select(func.json_agg(course, type_=JSON)).where(EndedCourse.person_id == person_id).scalar_subquery()


def whole_history(registered: list[dict[str, Any]], ended: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One person's whole history, as ``histories`` gives it, from their registered history and
    the courses they ended here (``ended_here``'s)."""
    return _in_order([*(dict(r) for r in registered), *ended])


def record_ended_course(session: Session, *, enrolment_id: int, person_id: int, program: str,
                        started_on: dt.date, ended_on: dt.date, result: str) -> None:
    """The course of training's enrolment ``enrolment_id`` ended (or ends otherwise than it was
    recorded): its row, replacing any the enrolment had."""
    if result not in RESULTS:
        raise ValueError(f"unknown training result {result!r}")
    forget_ended_course(session, enrolment_id)
    session.execute(insert(EndedCourse).values(enrolment_id=enrolment_id, person_id=person_id, program=program,
                                               started_on=started_on, ended_on=ended_on, result=result))


def forget_ended_course(session: Session, enrolment_id: int) -> None:
    """The enrolment is active again (a reinstatement): its course has not ended."""
    session.execute(delete(EndedCourse).where(EndedCourse.enrolment_id == enrolment_id))
