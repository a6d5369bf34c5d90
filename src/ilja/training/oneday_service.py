"""One-day classes (원데이 클래스) stored: classes linked to a regular course, participants
referred by the 50+ campuses (cap ``training.one_day_class.max_participants``), conversion.

Conversion reads the applications domain through its service: a participant *applied* when
they have an application, submitted on or after the class day, to a round that recruits a
cohort of the linked course; they *enrolled* when they have an enrolment in such a cohort.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import service as applications
from ilja.people import registry
from ilja.rules.parameters import default_tree
from ilja.training import bounds, service
from ilja.training.errors import ClassFull, Conflict, InvalidInput, NotFound, OtherSite
from ilja.training.models import Enrolment, OneDayClass, OneDayParticipant, TrainingCohort
from ilja.training.oneday import Conversion, conversion

CAP = "training.one_day_class.max_participants"



def create_class(session: Session, *, code: str, title: str, site_code: str, held_on: dt.date,
                 linked_course_id: int, actor: audit.Actor, scope: Scope = SYSTEM) -> OneDayClass:
    if not scope.owns_site(site_code):
        raise OtherSite("캠퍼스·교육원", "Campus or institute", scope.site_code)
    code = bounds.check_code("class_code", "코드", "Code", code)
    bounds.check_day("held_on", "일자", "Held on", held_on)
    service.get_course(session, linked_course_id, scope)
    if session.execute(select(OneDayClass).where(OneDayClass.code == code)).first():
        raise Conflict(f"클래스 코드 {code}가 이미 있습니다.", f"Class {code} exists already.")
    row = OneDayClass(code=service._text(code, "code"), title=service._text(title, "title"),
                      site_code=service._text(site_code, "site"), held_on=held_on,
                      linked_course_id=linked_course_id, created_at=clock.now())
    audit.created(session, actor, row, "training.oneday.create", object_type="training_oneday_class")
    return row


def get_class(session: Session, class_id: int, *, lock: bool = False, scope: Scope = SYSTEM) -> OneDayClass:
    statement = select(OneDayClass).where(OneDayClass.id == class_id, scope.where(Kind.ONEDAY_CLASS))
    if lock:
        statement = statement.with_for_update()
    row = session.execute(statement).scalar_one_or_none()
    if row is None:
        raise NotFound("one-day class", class_id)
    return row


def list_classes(session: Session, scope: Scope = SYSTEM) -> list[OneDayClass]:
    return list(session.scalars(select(OneDayClass).where(scope.where(Kind.ONEDAY_CLASS))
                                .order_by(OneDayClass.held_on, OneDayClass.code)))


def cap_for(one_day_class: OneDayClass) -> int:
    return int(default_tree().value(CAP, one_day_class.held_on))


def participants(session: Session, class_id: int) -> list[OneDayParticipant]:
    return list(session.scalars(select(OneDayParticipant)
                                .where(OneDayParticipant.class_id == class_id)
                                .order_by(OneDayParticipant.id)))


def register(session: Session, *, class_id: int, person_id: int, referred_by: str,
             actor: audit.Actor, scope: Scope = SYSTEM) -> OneDayParticipant:
    """Register a participant referred by a 50+ campus; the class row is locked so that two
    registrations at once cannot pass the cap."""
    row = get_class(session, class_id, lock=True, scope=scope)
    if registry.get_person(session, person_id) is None:
        raise NotFound("person", person_id)
    if not referred_by.strip():
        raise InvalidInput("추천한 50플러스캠퍼스를 입력하십시오.", "Enter the referring 50+ campus.")
    if session.execute(select(OneDayParticipant).where(
            OneDayParticipant.class_id == class_id,
            OneDayParticipant.person_id == person_id)).first():
        raise Conflict("이미 등록된 참여자입니다.", "Already registered.")
    count = session.execute(select(func.count()).select_from(OneDayParticipant)
                            .where(OneDayParticipant.class_id == class_id)).scalar_one()
    cap = cap_for(row)
    if count + 1 > cap:
        raise ClassFull(cap)
    participant = OneDayParticipant(class_id=class_id, person_id=person_id,
                                    referred_by=referred_by.strip(), registered_at=clock.now())
    session.add(participant)
    session.flush()
    audit.record(session, actor, "training.oneday.register", subject_person_id=person_id,
                 object_type="training_oneday_class", object_id=class_id)
    return participant


def class_conversion(session: Session, class_id: int, scope: Scope = SYSTEM) -> Conversion:
    row = get_class(session, class_id, scope=scope)
    people = [p.person_id for p in participants(session, class_id)]
    cohorts = list(session.scalars(select(TrainingCohort).where(
        TrainingCohort.course_id == row.linked_course_id)))
    rounds = {c.round_id for c in cohorts if c.round_id is not None}
    applied = [person for person in people
               if any(a.round_id in rounds and a.submitted_at.date() >= row.held_on
                      for a in applications.applications_of_person(session, person))]
    enrolled = list(session.scalars(select(Enrolment.person_id).where(
        Enrolment.cohort_id.in_([c.id for c in cohorts]),
        Enrolment.person_id.in_(people)))) if cohorts and people else []
    return conversion(people, applied, enrolled)
