"""Who may see which object (DESIGN.md "Scope"): every kind of object has one owner — a person,
a site, a caseload — and one rule that says, for the caller's ``Scope``, which rows of that kind
are theirs.

A rule is a SQL condition, so a list or a search filters with it (``scope.where(Kind.X)``) and a
single object is loaded with the same condition (``scope.get(session, Kind.X, id)``); services
answer "not found" for an object outside scope, so the API says 404, never 403, and nobody learns
that it exists.

This module is the mechanism: the caller's ``Scope``, the ``Kind`` of every object and a registry
of rules. The rules themselves read every domain's tables, so they live above all domains, in
``ilja.access``, which says whose each kind is and registers them (``access.load()``, called once
by every entry point: the web app, the command line, the benchmarks, the tests). Scope fails
closed: an unregistered kind raises ``RulesNotLoaded`` rather than answering "everything" or
"nothing there".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ilja.accounts.roles import Role

SEE_ALL = frozenset({Role.PROGRAM_MANAGER, Role.AUDITOR})


class RulesNotLoaded(LookupError):
    """A kind's rule (or the site register) asked for before ``ilja.access`` registered it: an
    entry point that forgot ``access.load()``. Never read as "no rows": that would hide data
    silently, or hide the mistake."""

    def __init__(self, what: str) -> None:
        super().__init__(f"No access rule is registered for {what}: the entry point must call "
                         "ilja.access.load() before it looks anything up.")


class Caller(Protocol):
    """What ``Scope.of`` reads of the request's caller (``accounts.deps.Principal``): its
    account, if any — role, site, id, linked person."""

    @property
    def user(self) -> Any: ...


@dataclass(frozen=True)
class Scope:
    """The caller as the rules need them: role, site, user (a coordinator's caseload) and person."""

    role: Role | None
    site_code: str | None = None
    user_id: int | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, principal: Caller) -> Scope:
        user = principal.user
        if user is None:
            return cls(None)
        return cls(Role(user.role), user.site_code or None, user.id, user.person_id)

    def where(self, kind: Kind) -> ColumnElement[bool]:
        """The condition on ``kind``'s table that keeps only this caller's rows."""
        return rule(kind).condition(self)

    def get(self, session: Session, kind: Kind, object_id: int) -> Any:
        """The object ``object_id`` of ``kind`` if it is within this caller's scope, else None (the
        service answers "not found", as for an id that does not exist)."""
        model, condition = rule(kind).model, self.where(kind)
        if condition is true():  # batch jobs and see-all roles: the identity map, no query
            return session.get(model, object_id)
        return session.scalars(select(model).where(model.id == object_id, condition)).first()

    def owns_site(self, site_code: str | None) -> bool:
        """Whether this caller may create something at ``site_code`` (a department, a one-day
        class): the see-all roles and batch jobs anywhere, an operator at their own site only."""
        if self.role in SEE_ALL:
            return True
        return self.role == Role.OPERATOR and bool(self.site_code) and site_code == self.site_code


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
    PAYMENT = "payment"
    EXAM_ATTEMPT = "exam_attempt"
    FEE_CLAIM = "fee_claim"
    STARTUP = "startup"
    STARTUP_MILESTONE = "startup_milestone"
    SUBSIDY_GRANT = "subsidy_grant"
    EVENT = "event"
    EVENT_SIGNUP = "event_signup"
    MENTORING_PAIR = "mentoring_pair"
    TRAINING_DEPARTMENT = "training_department"
    TRAINING_COURSE = "training_course"
    TRAINING_COHORT = "training_cohort"
    ENROLMENT = "enrolment"
    CHECKIN_BOARD = "checkin_board"
    EXCUSED_ABSENCE = "excused_absence"
    ATTENDANCE_OVERRIDE = "attendance_override"
    PJ_CHECKIN_BOARD = "pj_checkin_board"
    PJ_EXCUSED_DAY = "pj_excused_day"
    PJ_OVERRIDE = "pj_override"
    INSTRUCTOR = "instructor"
    ONEDAY_CLASS = "oneday_class"
    ONEDAY_PARTICIPANT = "oneday_participant"
    APPLICATION = "application"
    CANDIDATE = "candidate"
    MATCHING_RUN = "matching_run"
    OFFER = "offer"
    INTERVIEW = "interview"
    MATCHING_DAY = "matching_day"
    ORGANISATION = "organisation"
    POSTING = "posting"
    MATCHING_OUTCOME = "matching_outcome"
    PARTICIPATION = "participation"
    ALUMNI_MEMBER = "alumni_member"
    MESSAGE = "message"
    CONSENT = "consent"
    DECISION = "decision"
    APPEAL = "appeal"
    CORRECTION = "correction"
    VERIFICATION_DOCUMENT = "verification_document"


class Rule(Protocol):
    """How a kind of object belongs (``ilja.access.rules.Rule``): its table's model, and the
    condition that keeps a scope's rows of it."""

    model: Any

    def condition(self, scope: Scope) -> ColumnElement[bool]: ...


SiteCheck = Callable[[Session, str], bool]

RULES: dict[Kind, Rule] = {}
"""The registry, filled by ``ilja.access.load()``; empty until then, and every look-up raises."""
_site_checks: list[SiteCheck] = []


def register(rules: Mapping[Kind, Rule], site_check: SiteCheck) -> None:
    """Install the rules of every kind and the check of which site codes exist (``ilja.access``);
    a second call replaces the first."""
    RULES.clear()
    RULES.update(rules)
    _site_checks[:] = [site_check]


def rule(kind: Kind) -> Rule:
    """``kind``'s registered rule; ``RulesNotLoaded`` when there is none."""
    try:
        return RULES[kind]
    except KeyError:
        raise RulesNotLoaded(f"the kind {kind.value!r}") from None


def known_site(session: Session, site_code: str) -> bool:
    """Whether ``site_code`` names a site (the check ``ilja.access`` registers: a campus or
    institute of the plan, or a site that already hosts records)."""
    if not _site_checks:
        raise RulesNotLoaded("the register of sites")
    return _site_checks[0](session, site_code)

PATH_KINDS: dict[str, Kind | None] = {
    "person_id": Kind.PERSON,
    "flag_id": Kind.DUPLICATE_FLAG,
    "decision_id": Kind.DECISION,
    "appeal_id": Kind.APPEAL,
    "consent_id": Kind.CONSENT,
    "correction_id": Kind.CORRECTION,
    "project_id": Kind.PROJECT,
    "placement_id": Kind.PLACEMENT,
    "run_id": Kind.PAYROLL_RUN,
    "line_id": Kind.PAY_LINE,
    "payment_id": Kind.PAYMENT,
    "attempt_id": Kind.EXAM_ATTEMPT,
    "claim_id": Kind.FEE_CLAIM,
    "startup_id": Kind.STARTUP,
    "milestone_id": Kind.STARTUP_MILESTONE,
    "grant_id": Kind.SUBSIDY_GRANT,
    "event_id": Kind.EVENT,
    "signup_id": Kind.EVENT_SIGNUP,
    "pair_id": Kind.MENTORING_PAIR,
    "department_id": Kind.TRAINING_DEPARTMENT,
    "course_id": Kind.TRAINING_COURSE,
    "cohort_id": Kind.TRAINING_COHORT,
    "enrolment_id": Kind.ENROLMENT,
    "instructor_id": Kind.INSTRUCTOR,
    "class_id": Kind.ONEDAY_CLASS,
    "application_id": Kind.APPLICATION,
    "candidate_id": Kind.CANDIDATE,
    "matching_run_id": Kind.MATCHING_RUN,
    "offer_id": Kind.OFFER,
    "interview_id": Kind.INTERVIEW,
    "day_id": Kind.MATCHING_DAY,
    "organisation_id": Kind.ORGANISATION,
    "posting_id": Kind.POSTING,
    "participation_id": Kind.PARTICIPATION,
    "member_id": Kind.ALUMNI_MEMBER,
    "message_id": Kind.MESSAGE,
    "document_id": Kind.VERIFICATION_DOCUMENT,
    "month": None, "year": None, "kind": None, "action": None, "day": None, "round_id": None,
    "definition_name": None, "fmt": None,
}
"""What each path parameter of a route names: an object of a kind, whose rule its service applies,
or (None) no object. ``tests/accounts/test_scope.py`` fails on a route whose parameter is missing
here, so a new route cannot reach objects without saying whose they are."""
