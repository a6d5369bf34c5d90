"""Whose each kind of object is: the rules ``accounts.scope`` applies, one per ``Kind``.

Program managers and auditors see everything; the administrator no personal data; an operator the
objects of their site (a person is theirs through an enrolment in a cohort of that site or a
placement in a project hosted there); a job coordinator their caseload (the matching candidates
assigned to them); a citizen themselves. An operator without a site, like any caller the rules do
not name, gets nothing: scope fails closed (and no such operator can be created:
``accounts.service`` refuses an operator without a site or with one that ``known_site`` does not
know).

Training: a department belongs to its site; its courses, their cohorts, the cohorts' enrolments
(and through them attendance, scores, findings, certificates and surveys, which are reached only
through their cohort or enrolment) to the same site; a check-in board is its cohort's, an excused
absence and an attendance override their enrolment's (the site's operator, the trainee themself);
a public job's check-in board is its project's (the host's), an excused day and an override its
placement's; staff working with people see the training
objects of their people (a coordinator the cohorts their caseload attends). A one-day class
belongs to the site that holds it, a participant to the class's site and to themselves.
Instructors are the city's register shared by the training sites: every operator of a site that
runs training (has a department) sees them all, a coordinator or a trainee those who teach their
cohorts.

Applications: the rounds themselves are public. An application belongs to its applicant (the
coordinator's caseload, the citizen's own) and to the sites it recruits for: an operator sees the
applications to a round that recruits one of their site's cohorts (``TrainingCohort.round_id``) or
one of the projects their site hosts (a unit named by the project's code), and the applications
placed in a project of their site.

Matching: a candidate is the person's (the coordinator whose caseload it is on, the citizen
themselves, an operator where the person trains or works); a matching run, its proposals, offers,
interviews and outcomes are seen through the candidates in them (a run is city-wide: each
coordinator sees it with their own candidates' proposals only). Organisations, postings and
matching days are the employers' catalogue and events, open to whoever may use matching at all.

Outcomes: a participation (and its outcome records and follow-ups) is about one person and
scoped like people (a site's operator also sees the participations of their campus); an alumni
member belongs to their campus, to themselves and to those whose mentor they are; either, of no
person and no campus, is the city's and open to whoever works with people. The dashboards
and the rates' figures are aggregates and stay unscoped (a rate's members are people: scoped).

Messages: a message (and its deliveries) is its person's, like any object about one person.

Privacy: a consent and a request to correct personal data are about one person and scoped like
people. Rights: a decision about a person and an objection to it likewise (the person's own, and
staff who may see the person). Verification: a paper is its application's (seen by whoever sees
the application).

The rules read every domain's tables, so this module imports their ``models`` (leaf modules that
import nothing of Ilja's but ``ilja.db``), never their services; that is why it sits above every
domain and ``accounts.scope`` only holds the registry it fills.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true
from sqlalchemy.orm import Session

from ilja.accounts.roles import Role
from ilja.accounts.scope import SEE_ALL, Kind, Scope
from ilja.applications.models import Application, RoundUnit
from ilja.decisions.models import Appeal, Decision
from ilja.matching.models import (
    Candidate,
    Interview,
    MatchingDay,
    MatchingOutcome,
    MatchingRun,
    Offer,
    Organisation,
    Posting,
    Proposal,
)
from ilja.messages.models import OutboxMessage
from ilja.outcomes.models import AlumniMember, Participation
from ilja.people.consent_models import Consent
from ilja.people.models import DuplicateFlag, Person
from ilja.privacy.models import CorrectionRequest
from ilja.programs.loader import load_plan
from ilja.publicjobs.attendance_models import ExcusedDay, ProjectCheckinBoard, TimesheetOverride
from ilja.publicjobs.models import PayLine, PayrollRun, Placement, Project
from ilja.publicjobs.payment_models import Payment
from ilja.support.models import (
    EmployerEvent,
    EventSignup,
    ExamAttempt,
    FeeClaim,
    MentoringPair,
    Startup,
    StartupMember,
    StartupMilestone,
    SubsidyGrant,
)
from ilja.training.models import (
    AttendanceOverride,
    CheckinBoard,
    CohortInstructor,
    Enrolment,
    ExcusedAbsence,
    Instructor,
    OneDayClass,
    OneDayParticipant,
    TrainingCohort,
    TrainingCourse,
    TrainingDepartment,
)
from ilja.verification.models import VerificationDocument


def known_site(session: Session, site_code: str) -> bool:
    """Whether ``site_code`` names a site: a campus or institute of the plan, or a site that
    already hosts records (a training department, a public-job project, a one-day class)."""
    plan = load_plan()
    if site_code in {c.code for c in plan.campuses} | {i.code for i in plan.institutes}:
        return True
    hosted = (select(TrainingDepartment.site_code).where(TrainingDepartment.site_code == site_code)
              .union(select(Project.host_code).where(Project.host_code == site_code),
                     select(OneDayClass.site_code).where(OneDayClass.site_code == site_code)))
    return session.execute(hosted.limit(1)).first() is not None


@dataclass(frozen=True)
class Rule:
    """How a kind of object belongs: to a site (``site``: the condition for a site code), to
    people (``people``: the condition for a subquery of person ids), or to everyone signed in
    (``open``). ``within`` instead defers to the object it is part of."""

    model: Any
    site: Callable[[str], ColumnElement[bool]] | None = None
    people: Callable[[Select[Any]], ColumnElement[bool]] | None = None
    within: Callable[[Scope], ColumnElement[bool]] | None = None
    open: bool = False

    def condition(self, scope: Scope) -> ColumnElement[bool]:
        if self.open or scope.role in SEE_ALL:
            return true()
        if self.within is not None:
            return self.within(scope)
        if scope.role == Role.OPERATOR and scope.site_code and self.site:
            return self.site(scope.site_code)
        if scope.role == Role.JOB_COORDINATOR and scope.user_id is not None and self.people:
            return self.people(select(Candidate.person_id)
                               .where(Candidate.coordinator_user_id == scope.user_id))
        if scope.role == Role.CITIZEN and scope.person_id is not None and self.people:
            return self.people(select(Person.id).where(Person.id == scope.person_id))
        return false()


def _projects_at(site: str) -> Select[Any]:
    return select(Project.id).where(Project.host_code == site)


def _placements_at(site: str) -> Select[Any]:
    return select(Placement.id).where(Placement.project_id.in_(_projects_at(site)))


def _cohorts_at(site: str) -> Select[Any]:
    return (select(TrainingCohort.id)
            .join(TrainingCourse, TrainingCourse.id == TrainingCohort.course_id)
            .join(TrainingDepartment, TrainingDepartment.id == TrainingCourse.department_id)
            .where(TrainingDepartment.site_code == site))


def _people_at(site: str) -> ColumnElement[bool]:
    """A person is at a site through an enrolment in one of its cohorts or a placement in one of
    the projects it hosts."""
    trainees = select(Enrolment.person_id).where(Enrolment.cohort_id.in_(_cohorts_at(site)))
    placed = select(Placement.person_id).where(Placement.id.in_(_placements_at(site)))
    return Person.id.in_(trainees.union(placed))


def _cohorts_of(people: Select[Any]) -> Select[Any]:
    """The cohorts these people are (or were) enrolled in."""
    return select(Enrolment.cohort_id).where(Enrolment.person_id.in_(people))


def _applications_at(site: str) -> ColumnElement[bool]:
    """An application is at a site when its round recruits one of the site's cohorts or one of
    the projects it hosts, or when it was placed in one of those projects."""
    cohort_rounds = select(TrainingCohort.round_id).where(TrainingCohort.id.in_(_cohorts_at(site)))
    project_rounds = select(RoundUnit.round_id).where(
        RoundUnit.code.in_(select(Project.code).where(Project.host_code == site)))
    placed = select(Placement.application_id).where(Placement.id.in_(_placements_at(site)))
    return or_(Application.round_id.in_(cohort_rounds.union(project_rounds)), Application.id.in_(placed))


def _runs_holding(candidates: Select[Any]) -> ColumnElement[bool]:
    return MatchingRun.id.in_(select(Proposal.run_id).where(Proposal.candidate_id.in_(candidates)))


def _nobodys(model: Any) -> ColumnElement[bool]:
    """A record of no person and no campus (a participation counted from a report, an alumni
    member known by name only) is the city's, not anyone's personal data: whoever works with
    people may use it."""
    return model.person_id.is_(None) & model.campus_code.is_(None)


def _staff_register(model: Any, people: Callable[[Select[Any]], ColumnElement[bool]]) -> Rule:
    """A register every training site shares (the instructors): an operator of a site that runs
    training (has a department) sees it whole; people see the entries that concern them."""
    return Rule(model, site=lambda site: exists(select(TrainingDepartment.id)
                                                .where(TrainingDepartment.site_code == site)),
                people=people)


def _person_of(column: Any) -> Rule:
    """An object about one person (``column`` names them): it is at the site its person is."""
    return Rule(column.class_, site=lambda site: column.in_(select(Person.id).where(_people_at(site))),
                people=column.in_)


def _through(column: Any, target: Any, kind: Kind) -> Rule:
    """An object that is part of another (a run of its lines, a milestone of its start-up) is
    seen by whoever sees that other: ``column`` among the ``target`` values of ``kind`` in scope."""
    return Rule(column.class_, within=lambda scope: column.in_(select(target).where(scope.where(kind))))


RULES: dict[Kind, Rule] = {
    Kind.PERSON: Rule(Person, site=_people_at, people=Person.id.in_),
    Kind.DUPLICATE_FLAG: _person_of(DuplicateFlag.person_a_id),
    Kind.CONSENT: _person_of(Consent.person_id),
    Kind.DECISION: _person_of(Decision.person_id),
    Kind.APPEAL: _person_of(Appeal.person_id),
    Kind.CORRECTION: _person_of(CorrectionRequest.person_id),
    Kind.PROJECT: Rule(Project, site=lambda site: Project.host_code == site),
    Kind.PLACEMENT: Rule(Placement, site=lambda site: Placement.project_id.in_(_projects_at(site)),
                         people=Placement.person_id.in_),
    Kind.PAY_LINE: Rule(PayLine, site=lambda site: PayLine.placement_id.in_(_placements_at(site)),
                        people=PayLine.person_id.in_),
    Kind.PAYROLL_RUN: _through(PayrollRun.id, PayLine.run_id, Kind.PAY_LINE),
    Kind.PAYMENT: Rule(Payment, site=lambda site: Payment.placement_id.in_(_placements_at(site)),
                       people=Payment.person_id.in_),
    Kind.EXAM_ATTEMPT: _person_of(ExamAttempt.person_id),
    Kind.FEE_CLAIM: _person_of(FeeClaim.person_id),
    Kind.STARTUP: Rule(Startup, site=lambda site: Startup.campus_code == site,
                       people=lambda ids: Startup.id.in_(
                           select(StartupMember.startup_id).where(StartupMember.person_id.in_(ids)))),
    Kind.STARTUP_MILESTONE: _through(StartupMilestone.startup_id, Startup.id, Kind.STARTUP),
    Kind.SUBSIDY_GRANT: _person_of(SubsidyGrant.person_id),
    Kind.EVENT: Rule(EmployerEvent, open=True),
    Kind.EVENT_SIGNUP: _person_of(EventSignup.person_id),
    Kind.MENTORING_PAIR: _person_of(MentoringPair.mentee_person_id),
    Kind.TRAINING_DEPARTMENT: Rule(
        TrainingDepartment, site=lambda site: TrainingDepartment.site_code == site,
        people=lambda ids: TrainingDepartment.id.in_(
            select(TrainingCourse.department_id).join(TrainingCohort, TrainingCohort.course_id == TrainingCourse.id)
            .where(TrainingCohort.id.in_(_cohorts_of(ids))))),
    Kind.TRAINING_COURSE: Rule(
        TrainingCourse, site=lambda site: TrainingCourse.department_id.in_(
            select(TrainingDepartment.id).where(TrainingDepartment.site_code == site)),
        people=lambda ids: TrainingCourse.id.in_(
            select(TrainingCohort.course_id).where(TrainingCohort.id.in_(_cohorts_of(ids))))),
    Kind.TRAINING_COHORT: Rule(TrainingCohort, site=lambda site: TrainingCohort.id.in_(_cohorts_at(site)),
                               people=lambda ids: TrainingCohort.id.in_(_cohorts_of(ids))),
    Kind.ENROLMENT: Rule(Enrolment, site=lambda site: Enrolment.cohort_id.in_(_cohorts_at(site)),
                         people=Enrolment.person_id.in_),
    Kind.CHECKIN_BOARD: _through(CheckinBoard.cohort_id, TrainingCohort.id, Kind.TRAINING_COHORT),
    Kind.EXCUSED_ABSENCE: _through(ExcusedAbsence.enrolment_id, Enrolment.id, Kind.ENROLMENT),
    Kind.ATTENDANCE_OVERRIDE: _through(AttendanceOverride.enrolment_id, Enrolment.id, Kind.ENROLMENT),
    Kind.PJ_CHECKIN_BOARD: _through(ProjectCheckinBoard.project_id, Project.id, Kind.PROJECT),
    Kind.PJ_EXCUSED_DAY: _through(ExcusedDay.placement_id, Placement.id, Kind.PLACEMENT),
    Kind.PJ_OVERRIDE: _through(TimesheetOverride.placement_id, Placement.id, Kind.PLACEMENT),
    Kind.INSTRUCTOR: _staff_register(Instructor, lambda ids: Instructor.id.in_(
        select(CohortInstructor.instructor_id).where(CohortInstructor.cohort_id.in_(_cohorts_of(ids))))),
    Kind.ONEDAY_CLASS: Rule(OneDayClass, site=lambda site: OneDayClass.site_code == site,
                            people=lambda ids: OneDayClass.id.in_(
                                select(OneDayParticipant.class_id).where(OneDayParticipant.person_id.in_(ids)))),
    Kind.ONEDAY_PARTICIPANT: Rule(OneDayParticipant, site=lambda site: OneDayParticipant.class_id.in_(
        select(OneDayClass.id).where(OneDayClass.site_code == site)), people=OneDayParticipant.person_id.in_),
    Kind.APPLICATION: Rule(Application, site=_applications_at, people=Application.person_id.in_),
    Kind.CANDIDATE: _person_of(Candidate.person_id),
    Kind.MATCHING_RUN: Rule(MatchingRun, within=lambda scope: _runs_holding(
        select(Candidate.id).where(scope.where(Kind.CANDIDATE)))),
    Kind.OFFER: _through(Offer.candidate_id, Candidate.id, Kind.CANDIDATE),
    Kind.INTERVIEW: _through(Interview.candidate_id, Candidate.id, Kind.CANDIDATE),
    Kind.MATCHING_OUTCOME: _person_of(MatchingOutcome.person_id),
    Kind.MATCHING_DAY: Rule(MatchingDay, open=True),
    Kind.ORGANISATION: Rule(Organisation, open=True),
    Kind.POSTING: Rule(Posting, open=True),
    Kind.PARTICIPATION: Rule(Participation, site=lambda site: or_(
        Participation.campus_code == site, Participation.person_id.in_(select(Person.id).where(_people_at(site)))),
        people=lambda ids: or_(Participation.person_id.in_(ids), _nobodys(Participation))),
    Kind.ALUMNI_MEMBER: Rule(AlumniMember, site=lambda site: AlumniMember.campus_code == site,
                             people=lambda ids: or_(AlumniMember.person_id.in_(ids), _nobodys(AlumniMember),
                                                    AlumniMember.id.in_(select(MentoringPair.mentor_member_id)
                                                                        .where(MentoringPair.mentee_person_id.in_(ids))))),
    Kind.MESSAGE: _person_of(OutboxMessage.person_id),
    Kind.VERIFICATION_DOCUMENT: _through(VerificationDocument.application_id, Application.id,
                                         Kind.APPLICATION),
}

