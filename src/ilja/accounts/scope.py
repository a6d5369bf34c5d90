"""Who may see which object (DESIGN.md "Scope"): every kind of object has one owner — a person,
a site, a caseload — and one rule here that says, for the caller's ``Scope``, which rows of that
kind are theirs.

A rule is a SQL condition, so a list or a search filters with it (``scope.where(Kind.X)``) and a
single object is loaded with the same condition (``scope.get(session, Kind.X, id)``); services
answer "not found" for an object outside scope, so the API says 404, never 403, and nobody learns
that it exists. Program managers and auditors see everything; the administrator no personal data;
an operator the objects of their site (a person is theirs through an enrolment in a cohort of that
site or a placement in a project hosted there); a job coordinator their caseload (the matching
candidates assigned to them); a citizen themselves. An operator without a site, like any caller
the rules do not name, gets nothing: scope fails closed.

The rules read other domains' tables, so this module imports their ``models`` (leaf modules that
import nothing of Ilja's but ``ilja.db``), never their services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from ilja.accounts.deps import Principal
from ilja.accounts.roles import Role
from ilja.matching.models import Candidate
from ilja.people.models import DuplicateFlag, Person
from ilja.publicjobs.models import PayLine, PayrollRun, Placement, Project
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
from ilja.training.models import Enrolment, TrainingCohort, TrainingCourse, TrainingDepartment

SEE_ALL = frozenset({Role.PROGRAM_MANAGER, Role.AUDITOR})


@dataclass(frozen=True)
class Scope:
    """The caller as the rules need them: role, site, user (a coordinator's caseload) and person."""

    role: Role | None
    site_code: str | None = None
    user_id: int | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        user = principal.user
        if user is None:
            return cls(None)
        return cls(Role(user.role), user.site_code or None, user.id, user.person_id)

    def where(self, kind: Kind) -> ColumnElement[bool]:
        """The condition on ``kind``'s table that keeps only this caller's rows."""
        return RULES[kind].condition(self)

    def get(self, session: Session, kind: Kind, object_id: int) -> Any:
        """The object ``object_id`` of ``kind`` if it is within this caller's scope, else None (the
        service answers "not found", as for an id that does not exist)."""
        model, condition = RULES[kind].model, self.where(kind)
        if condition is true():  # batch jobs and see-all roles: the identity map, no query
            return session.get(model, object_id)
        return session.scalars(select(model).where(model.id == object_id, condition)).first()


SYSTEM = Scope(Role.PROGRAM_MANAGER)
"""The scope of the command line, batch jobs and other services, which act for the city: the
default of a service function, which the API and the pages always replace with the caller's."""


class Kind(StrEnum):
    PERSON = "person"
    DUPLICATE_FLAG = "duplicate_flag"
    PROJECT = "project"
    PLACEMENT = "placement"
    PAYROLL_RUN = "payroll_run"
    PAY_LINE = "pay_line"
    EXAM_ATTEMPT = "exam_attempt"
    FEE_CLAIM = "fee_claim"
    STARTUP = "startup"
    STARTUP_MILESTONE = "startup_milestone"
    SUBSIDY_GRANT = "subsidy_grant"
    EVENT = "event"
    EVENT_SIGNUP = "event_signup"
    MENTORING_PAIR = "mentoring_pair"


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


def _people_at(site: str) -> ColumnElement[bool]:
    """A person is at a site through an enrolment in one of its cohorts or a placement in one of
    the projects it hosts."""
    trainees = (select(Enrolment.person_id)
                .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
                .join(TrainingCourse, TrainingCourse.id == TrainingCohort.course_id)
                .join(TrainingDepartment, TrainingDepartment.id == TrainingCourse.department_id)
                .where(TrainingDepartment.site_code == site))
    placed = select(Placement.person_id).where(Placement.id.in_(_placements_at(site)))
    return Person.id.in_(trainees.union(placed))


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
    Kind.PROJECT: Rule(Project, site=lambda site: Project.host_code == site),
    Kind.PLACEMENT: Rule(Placement, site=lambda site: Placement.project_id.in_(_projects_at(site)),
                         people=Placement.person_id.in_),
    Kind.PAY_LINE: Rule(PayLine, site=lambda site: PayLine.placement_id.in_(_placements_at(site)),
                        people=PayLine.person_id.in_),
    Kind.PAYROLL_RUN: _through(PayrollRun.id, PayLine.run_id, Kind.PAY_LINE),
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
}

PATH_KINDS: dict[str, Kind | None] = {
    "person_id": Kind.PERSON,
    "flag_id": Kind.DUPLICATE_FLAG,
    "project_id": Kind.PROJECT,
    "placement_id": Kind.PLACEMENT,
    "run_id": Kind.PAYROLL_RUN,
    "line_id": Kind.PAY_LINE,
    "attempt_id": Kind.EXAM_ATTEMPT,
    "claim_id": Kind.FEE_CLAIM,
    "startup_id": Kind.STARTUP,
    "milestone_id": Kind.STARTUP_MILESTONE,
    "grant_id": Kind.SUBSIDY_GRANT,
    "event_id": Kind.EVENT,
    "signup_id": Kind.EVENT_SIGNUP,
    "pair_id": Kind.MENTORING_PAIR,
    "month": None, "year": None, "kind": None, "action": None,
}
"""What each path parameter of a route names: an object of a kind, whose rule its service applies,
or (None) no object. ``tests/accounts/test_scope.py`` fails on a route whose parameter is missing
here, so a new route cannot reach objects without saying whose they are."""
