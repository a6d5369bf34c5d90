"""Nobody reaches what is not theirs (DESIGN.md "Scope", issue 17 §1).

Two of every scope: two sites, each with an operator, a job coordinator, a citizen and one
person who is that site's trainee, placed in its project, on its coordinator's caseload and its
citizen's own record, owning one object of every kind (training, applications, matching and
outcomes included). The rules are checked against the table of who should see what; then every
API route and page of people, public jobs, support, training, applications, matching and outcomes
with a path parameter is called by every user with every object: what is out of scope is 404,
what is in scope is not. A route whose path parameter ``ilja.accounts.scope.PATH_KINDS`` does not
know fails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ilja.accounts import service as accounts
from ilja.accounts.deps import requires
from ilja.accounts.models import User
from ilja.accounts.roles import Permission, Role, has_permission
from ilja.accounts.scope import PATH_KINDS, RULES, Kind, Scope
from ilja.applications import rounds
from ilja.applications import service as applications
from ilja.applications.models import Channel, UnitKind
from ilja.applications.rounds import UnitInput
from ilja.attendance import evidence
from ilja.config import get_settings
from ilja.db import engine_for, transaction
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
from ilja.people import registry
from ilja.people.consent_models import Consent
from ilja.people.keys import get_keyring
from ilja.people.models import DuplicateFlag, Person
from ilja.privacy.models import CorrectionRequest
from ilja.publicjobs import payroll_service
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.attendance_models import ExcusedDay, ProjectCheckinBoard, TimesheetOverride
from ilja.publicjobs.models import PayLine
from ilja.publicjobs.payment_models import Payment
from ilja.publicjobs.timesheet import prefill_month
from ilja.support import receipts
from ilja.support.models import (
    Certification,
    CsrProgram,
    EmployerEvent,
    EventSignup,
    ExamAttempt,
    FeeClaim,
    MentoringPair,
    Startup,
    StartupMember,
    StartupMilestone,
    SubsidyGrant,
    SupportBudget,
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
from tests.accounts.test_route_permissions import _declared
from tests.applications.factories import round_input
from tests.publicjobs.factories import MANAGER, add_person, add_project
from tests.support.factories import PDF

SITES = ("campus.a", "campus.b")
PREFIXES = ("/api/v1/people", "/api/v1/publicjobs", "/api/v1/support", "/api/v1/training",
            "/api/v1/applications", "/api/v1/me/applications", "/api/v1/matching", "/api/v1/outcomes")
PAGES = ("/people/", "/publicjobs/", "/support/", "/training/", "/manage/applications/", "/my/applications/",
         "/matching/", "/outcomes/", "/messages/", "/me/messages/", "/my/decisions/", "/rights/", "/my/privacy/",
         "/privacy/", "/verification/")
UNSCOPED_PAGES: set[str] = set()
"""Pages whose scope is still to be applied: their path parameter has a rule, the walk names them,
and only the 404 check skips them. None are left; a new one must be named here."""
NOW = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
PASSWORD = "correct-horse-9"


@dataclass
class World:
    url: str
    client: TestClient
    scopes: dict[str, Scope] = field(default_factory=dict)  # login → scope
    tokens: dict[str, str] = field(default_factory=dict)  # login → bearer token
    objects: dict[Kind, dict[str, int]] = field(default_factory=dict)  # kind → site → id
    fixed: dict[str, dict[str, str]] = field(default_factory=dict)  # site → path parameter → value

    def headers(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}


def _user(session, world: World, login: str, role: Role, **fields: Any) -> int:
    user = accounts.create_user(session, login=login, password=PASSWORD, role=role, display_name=login,
                                **fields)
    world.tokens[login] = accounts.issue_token(session, user, "test")[1]
    world.scopes[login] = Scope(role, user.site_code, user.id, user.person_id)
    return user.id


def _site(session, world: World, site: str, certification: int, event: int, program: int) -> None:
    """One site: its trainee (placed, on the caseload, the citizen) and one object of each kind."""
    tag = site.split(".")[1]
    department = TrainingDepartment(code=f"D-{tag}", site_code=site, name="AI", created_at=NOW)
    session.add(department)
    session.flush()
    course = TrainingCourse(code=f"C-{tag}", department_id=department.id, program_code="youth_academy",
                            name="AI", kind="ai_core", created_at=NOW)
    session.add(course)
    session.flush()
    cohort = TrainingCohort(code=f"K-{tag}", course_id=course.id, number=1, capacity=10,
                            starts_on=dt.date(2025, 3, 3), ends_on=dt.date(2025, 8, 29),
                            weekdays=[0, 1, 2, 3, 4], closures=[], created_at=NOW)
    session.add(cohort)
    session.flush()
    person = add_person(session)
    project = add_project(session, "attractive_jobs", host=site)
    placement = publicjobs.place(session, project_id=project, person_id=person, actor=MANAGER,
                                 start_on=dt.date(2025, 3, 1))
    pj_board = ProjectCheckinBoard(project_id=project, day=dt.date(2025, 7, 7), secret="cd" * 32, opened_at=NOW)
    pj_sealed = evidence.store(get_settings().data_dir, PDF, 10**6, get_keyring())
    pj_excused = ExcusedDay(placement_id=placement.id, day=dt.date(2025, 7, 15), kind="sick", paid=False, rule={},
                            evidence_sha256=pj_sealed.sha256, evidence_type=pj_sealed.media_type,
                            evidence_bytes=pj_sealed.size, recorded_at=NOW)
    pj_override = TimesheetOverride(placement_id=placement.id, day=dt.date(2025, 7, 9), kind="paid_leave",
                                    milli_hours=6000, reason="정정", status="pending", requested_by="1",
                                    requested_at=NOW)
    session.add_all([pj_board, pj_excused, pj_override])
    session.flush()
    entries = prefill_month(publicjobs.terms_of(placement), 2025, 7)
    publicjobs.enter_month(session, project, 2025, 7, entries, actor=MANAGER)
    publicjobs.approve_month(session, project, 2025, 7, actor=MANAGER)
    coordinator = _user(session, world, f"coordinator-{tag}", Role.JOB_COORDINATOR)
    _user(session, world, f"operator-{tag}", Role.OPERATOR, site_code=site)
    _user(session, world, f"citizen-{tag}", Role.CITIZEN, person_id=person)
    startup = Startup(name=f"S-{tag}", idea="idea", stage="idea", campus_code=site, created_at=NOW)
    attempt = ExamAttempt(person_id=person, certification_id=certification, attempt_no=1,
                          exam_on=dt.date(2025, 5, 1), fee_paid_won=50_000, result="pending", created_at=NOW)
    session.add_all([
        Enrolment(cohort_id=cohort.id, person_id=person, trainee_no=f"T-{tag}", enrolled_at=NOW),
        Candidate(person_id=person, training_status="enrolled", description="", skills=[], certifications=[],
                  preferred_districts=[], preferred_fields=[], coordinator_user_id=coordinator,
                  created_at=NOW, updated_at=NOW),
        startup, attempt])
    session.flush()
    receipt = receipts.store(get_settings().data_dir, PDF, 10**6, get_keyring())
    claim = FeeClaim(attempt_id=attempt.id, person_id=person, claimed_on=dt.date(2025, 5, 2),
                     amount_entitled_won=50_000, entitlement={}, status="submitted", receipt_sha256=receipt.sha256,
                     receipt_type=receipt.media_type, receipt_bytes=receipt.size, created_at=NOW)
    milestone = StartupMilestone(startup_id=startup.id, title="MVP", due_on=dt.date(2025, 9, 1))
    grant = SubsidyGrant(person_id=person, program_id=program, course_label="AI",
                         starts_on=dt.date(2025, 3, 1), months=6, monthly_amount_won=300_000, eligibility={},
                         status="active", created_at=NOW)
    signup = EventSignup(event_id=event, person_id=person, status="confirmed", signed_up_at=NOW)
    mentor = AlumniMember(campus_code=site, joined_on=dt.date(2024, 1, 1))
    session.add(mentor)
    session.flush()
    pair = MentoringPair(mentor_member_id=mentor.id, mentee_person_id=person, started_on=dt.date(2025, 4, 1))
    flag = DuplicateFlag(person_a_id=person, reason="same_name_birth_date_phone", status="open", created_at=NOW)
    message = OutboxMessage(person_id=person, topic="decision_notice", language="ko", subject="결과", body="본문",
                            mandatory=True, status="delivered", created_at=NOW)
    session.add_all([claim, milestone, grant, signup, pair, flag, message,
                     StartupMember(startup_id=startup.id, person_id=person, role="founder",
                                   joined_on=dt.date(2025, 4, 1))])
    session.flush()
    for kind, row_id in {Kind.PERSON: person, Kind.PROJECT: project, Kind.PLACEMENT: placement.id,
                         Kind.PJ_CHECKIN_BOARD: pj_board.id, Kind.PJ_EXCUSED_DAY: pj_excused.id,
                         Kind.PJ_OVERRIDE: pj_override.id,
                         Kind.EXAM_ATTEMPT: attempt.id, Kind.FEE_CLAIM: claim.id, Kind.STARTUP: startup.id,
                         Kind.STARTUP_MILESTONE: milestone.id, Kind.SUBSIDY_GRANT: grant.id,
                         Kind.EVENT_SIGNUP: signup.id, Kind.MENTORING_PAIR: pair.id,
                         Kind.DUPLICATE_FLAG: flag.id, Kind.MESSAGE: message.id}.items():
        world.objects.setdefault(kind, {})[site] = row_id


def _training_and_after(session, world: World, site: str, instructor_user: int) -> None:
    """The site's objects beyond people, public jobs and support: its department, course and
    cohort (recruited by its own round), the trainee's enrolment and application, an instructor
    teaching the cohort, a one-day class the trainee attended, the trainee's matching candidate,
    participation and mentor."""
    tag = site.split(".")[1]
    person = world.objects[Kind.PERSON][site]
    cohort = session.scalar(select(TrainingCohort).where(TrainingCohort.code == f"K-{tag}"))
    course = session.get(TrainingCourse, cohort.course_id)
    enrolment = session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id))
    round_ = rounds.create_round(session, round_input(
        "youth_academy", units=[UnitInput("c1", "1기", UnitKind.COHORT, 5)], announced=dt.date(2025, 1, 10),
        starts=dt.date(2025, 3, 3), title=f"공고 {tag}"), actor=MANAGER)
    rounds.open_round(session, round_.id, actor=MANAGER)
    cohort.round_id, cohort.unit_code = round_.id, "c1"
    application = applications.submit(
        session, round_id=round_.id, person_id=person,
        person=registry.person_format(registry.get_person(session, person)), preferences=["c1"],
        channel=Channel.STAFF, idempotency_key=f"k-{tag}", actor=MANAGER, staff=True).application
    consent = Consent(person_id=person, application_id=application.id, purpose="collection_use", version="2025-01-01",
                      given_via="paper", given_at=NOW)
    correction = CorrectionRequest(person_id=person, item="other", wrong="틀림", asked="고침", filed_at=NOW,
                                   due_on=dt.date(2025, 6, 11), status="open")
    instructor = Instructor(name=f"강사 {tag}", industry_months=36, user_id=instructor_user, created_at=NOW)
    oneday = OneDayClass(code=f"OD-{tag}", title="원데이", site_code=site, held_on=dt.date(2025, 2, 10),
                         linked_course_id=course.id, created_at=NOW)
    participation = Participation(person_id=person, program_code="youth_academy", campus_code=site,
                                  started_on=dt.date(2025, 3, 3), started_year=2025, status="completed",
                                  completed_on=dt.date(2025, 8, 29), completed_year=2025, completed_month="2025-08",
                                  source_ref=f"own:{tag}", created_at=NOW)
    session.add_all([instructor, oneday, participation, consent, correction])
    session.flush()
    participant = OneDayParticipant(class_id=oneday.id, person_id=person, referred_by="50+", registered_at=NOW)
    board = CheckinBoard(cohort_id=cohort.id, day=dt.date(2025, 6, 2), secret="ab" * 32, opened_at=NOW)
    sealed = evidence.store(get_settings().data_dir, PDF, 10**6, get_keyring())
    excused = ExcusedAbsence(enrolment_id=enrolment.id, day=dt.date(2025, 7, 15), kind="sick", excused=True,
                             rule={}, evidence_sha256=sealed.sha256, evidence_type=sealed.media_type,
                             evidence_bytes=sealed.size, recorded_at=NOW)
    override = AttendanceOverride(enrolment_id=enrolment.id, day=dt.date(2025, 6, 3), mark_after=0, reason="정정",
                                  status="pending", requested_by="1", requested_at=NOW)
    session.add_all([participant, CohortInstructor(cohort_id=cohort.id, instructor_id=instructor.id,
                                                   qualification={}, assigned_at=NOW), board, excused, override])
    session.flush()
    candidate = session.scalar(select(Candidate.id).where(Candidate.person_id == person))
    mentor = session.scalar(select(MentoringPair.mentor_member_id).where(MentoringPair.mentee_person_id == person))
    for kind, row_id in {Kind.TRAINING_DEPARTMENT: course.department_id, Kind.TRAINING_COURSE: course.id,
                         Kind.TRAINING_COHORT: cohort.id, Kind.ENROLMENT: enrolment.id,
                         Kind.INSTRUCTOR: instructor.id, Kind.ONEDAY_CLASS: oneday.id,
                         Kind.ONEDAY_PARTICIPANT: participant.id, Kind.APPLICATION: application.id,
                         Kind.CHECKIN_BOARD: board.id, Kind.EXCUSED_ABSENCE: excused.id,
                         Kind.ATTENDANCE_OVERRIDE: override.id,
                         Kind.CANDIDATE: candidate, Kind.PARTICIPATION: participation.id,
                         Kind.ALUMNI_MEMBER: mentor, Kind.CONSENT: consent.id, Kind.CORRECTION: correction.id}.items():
        world.objects.setdefault(kind, {})[site] = row_id
    world.fixed.setdefault(site, {})["round_id"] = str(round_.id)


def _rights(session, world: World, site: str) -> None:
    """A decision about the site's person (not selected) and their objection to it."""
    from ilja.decisions import service as decisions
    from ilja.rights import service as rights

    person, application = world.objects[Kind.PERSON][site], world.objects[Kind.APPLICATION][site]
    decision = decisions.record_decision(session, MANAGER, person_id=person, kind="not_selected",
                                         subject_ref=f"application:{application}", reasons=("점수 순위", "By score"))
    appeal = rights.file_appeal(session, MANAGER, decision_id=decision.id, text="이의", attachment=None,
                                keyring=get_keyring(), store=get_settings().data_dir)
    world.objects.setdefault(Kind.DECISION, {})[site] = decision.id
    world.objects.setdefault(Kind.APPEAL, {})[site] = appeal.id


def _verification(session, world: World, site: str) -> None:
    """A paper uploaded for the site's person's application."""
    from ilja.verification import service as verification

    paper = verification.upload_document(session, world.objects[Kind.APPLICATION][site], "personal_data_consent",
                                         PDF, actor=MANAGER, keyring=get_keyring(), store=get_settings().data_dir)
    world.objects.setdefault(Kind.VERIFICATION_DOCUMENT, {})[site] = paper.id


def _matching(session, world: World) -> None:
    """One city-wide matching run with a proposal and an offer for each site's candidate, one
    matching day with an interview for each, and each site's hire."""
    organisation = Organisation(code="ORG-1", name="회사", kind="company", created_at=NOW)
    session.add(organisation)
    session.flush()
    posting = Posting(code="P-1", organisation_id=organisation.id, round_code="2025-1", kind="job", title="개발",
                      seats=5, required_skills=[], preferred_skills=[], ncs_codes=[], required_certifications=[],
                      created_at=NOW)
    run = MatchingRun(round_code="2025-1", method="stable", status="proposed", seed="00", seed_commitment="c",
                      inputs_hash="h", parameters={"alternative": {
                          "method": "max_fit", "matched": 0, "total_fit": 0, "blocking_pairs": 0, "assignment": {}}},
                      candidates=2, postings=1, matched=2, total_fit=0,
                      blocking_pairs=0, created_at=NOW)
    day = MatchingDay(code="MD-1", title="매칭데이", kind="matching_day", held_on=dt.date(2025, 9, 10),
                      first_slot="10:00", slot_minutes=20, slot_count=8, status="scheduled", seed="00",
                      created_at=NOW)
    session.add_all([posting, run, day])
    session.flush()
    for slot, site in enumerate(SITES):
        candidate = world.objects[Kind.CANDIDATE][site]
        proposal = Proposal(run_id=run.id, candidate_id=candidate, posting_id=posting.id, fit=50,
                            candidate_choice=1, status="proposed")
        session.add(proposal)
        session.flush()
        offer = Offer(proposal_id=proposal.id, candidate_id=candidate, posting_id=posting.id, status="hired",
                      offered_on=dt.date(2025, 9, 1), decided_on=dt.date(2025, 9, 5))
        interview = Interview(day_id=day.id, organisation_id=organisation.id, candidate_id=candidate, slot=slot,
                              fit=50)
        session.add_all([offer, interview])
        session.flush()
        hire = MatchingOutcome(offer_id=offer.id, person_id=world.objects[Kind.PERSON][site],
                               organisation_id=organisation.id, posting_id=posting.id, employer="회사", kind="job",
                               job_title="개발", hired_on=dt.date(2025, 9, 5), created_at=NOW)
        session.add(hire)
        session.flush()
        for kind, row_id in {Kind.OFFER: offer.id, Kind.INTERVIEW: interview.id,
                             Kind.MATCHING_OUTCOME: hire.id}.items():
            world.objects.setdefault(kind, {})[site] = row_id
    for kind, row_id in {Kind.MATCHING_RUN: run.id, Kind.MATCHING_DAY: day.id, Kind.ORGANISATION: organisation.id,
                         Kind.POSTING: posting.id}.items():
        world.objects[kind] = dict.fromkeys(SITES, row_id)


def _operator_without_a_known_site(session, world: World, login: str, site: str | None) -> None:
    """Such an account can no longer be made; one left from before is written as it was."""
    with pytest.raises(accounts.AccountError, match="site"):
        accounts.create_user(session, login=login, password=PASSWORD, role=Role.OPERATOR, display_name=login,
                             site_code=site)
    _user(session, world, login, Role.JOB_COORDINATOR)
    session.execute(update(User).where(User.login == login).values(role="operator", site_code=site))
    world.scopes[login] = Scope(Role.OPERATOR, site, world.scopes[login].user_id)


@pytest.fixture
def world(app_sqlite):
    from ilja.web.app import create_app

    with TestClient(create_app()) as client:
        built = World(app_sqlite, client)
        with transaction(engine_for(app_sqlite)) as session:
            certification = Certification(code="SQLD", vendor="K", name="SQLD", fee_won=50_000, active=True,
                                          created_at=NOW)
            program = CsrProgram(code="CSR-1", company="회사", name="지원", budget_won=10**9,
                                 starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31), created_at=NOW)
            event = EmployerEvent(kind="hiring_briefing", title="채용설명회", organisation_name="회사", place="마포",
                                  starts_at=NOW + dt.timedelta(days=30), capacity=10, created_at=NOW)
            budget = SupportBudget(kind="certification_fee", year=2025, amount_won=10**9, source="test",
                                   updated_at=NOW)
            session.add_all([certification, event, program, budget])
            session.flush()
            for site in SITES:
                _site(session, built, site, certification.id, event.id, program.id)
                instructor = _user(session, built, f"instructor-{site.split('.')[1]}", Role.AUDITOR)
                _training_and_after(session, built, site, instructor)
                _rights(session, built, site)
                _verification(session, built, site)
            _matching(session, built)
            run = payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
            for site in SITES:
                placement = built.objects[Kind.PLACEMENT][site]
                built.objects.setdefault(Kind.PAY_LINE, {})[site] = session.scalar(
                    select(PayLine.id).where(PayLine.placement_id == placement))
                built.objects.setdefault(Kind.PAYMENT, {})[site] = session.scalar(
                    select(Payment.id).where(Payment.placement_id == placement))
            built.objects[Kind.PAYROLL_RUN] = dict.fromkeys(SITES, run.run_id)
            built.objects[Kind.EVENT] = dict.fromkeys(SITES, event.id)
            for login, role in [("manager", Role.PROGRAM_MANAGER), ("auditor", Role.AUDITOR), ("admin", Role.ADMIN)]:
                _user(session, built, login, role)
            _operator_without_a_known_site(session, built, "operator-nosite", None)
            _operator_without_a_known_site(session, built, "operator-unknown", "campus.nowhere")
            for site in SITES:  # the instructors' accounts are not among the users walked
                del built.scopes[f"instructor-{site.split('.')[1]}"]
        yield built


OPEN = {Kind.EVENT, Kind.MATCHING_DAY, Kind.ORGANISATION, Kind.POSTING}  # open to everyone signed in
SHARED = OPEN | {Kind.PAYROLL_RUN, Kind.MATCHING_RUN}  # one object that both sites' rows belong to
# belongs to a site and to no person: no coordinator or citizen sees it
SITE_ONLY = {Kind.PROJECT, Kind.PJ_CHECKIN_BOARD}
REGISTER = {Kind.INSTRUCTOR}  # shared by the training sites: every site's operator sees it whole


def _expected(login: str, kind: Kind) -> set[str]:
    """The sites whose object of ``kind`` this user should see."""
    if kind in OPEN or login in ("manager", "auditor"):
        return set(SITES)
    role, _, tag = login.partition("-")
    site = f"campus.{tag}"
    if site not in SITES:
        return set()  # the administrator, an operator without a site or with an unknown one
    if role == "operator" and kind in REGISTER:
        return set(SITES)
    if role == "operator" or kind not in SITE_ONLY:
        return {site}
    return set()


def test_each_user_sees_exactly_their_own_of_every_kind(world):
    assert set(RULES) == set(Kind), "every kind has its rule"
    with transaction(engine_for(world.url)) as session:
        for login, scope in world.scopes.items():
            for kind, by_site in world.objects.items():
                seen = {site for site, object_id in by_site.items()
                        if scope.get(session, kind, object_id) is not None}
                expected = _expected(login, kind)
                if kind in SHARED and expected:
                    expected = set(SITES)
                assert seen == expected, (login, kind, seen)
            model = RULES[Kind.PERSON].model
            listed = set(session.scalars(select(model.id).where(scope.where(Kind.PERSON))))
            assert listed == {world.objects[Kind.PERSON][s] for s in _expected(login, Kind.PERSON)}, login
        assert session.scalar(select(Person.id).where(Scope(None).where(Kind.PERSON))) is None


def _object_routes(app, prefixes: tuple[str, ...] = PREFIXES) -> list[tuple[str, str, Any, list[str]]]:
    """(method, path, route, path parameters) of every API route of the scoped domains that names an object."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.path.startswith(prefixes):
            continue
        params = re.findall(r"\{([^}:]+)", context.path)
        if not params:
            continue
        unknown = [p for p in params if p not in PATH_KINDS]
        assert not unknown, f"{context.path}: path parameters without a scope rule: {unknown}"
        for method in sorted(context.methods - {"HEAD"}):
            found.append((method, context.path, context, params))
    return found


_FIXED = {"month": "2025-07", "year": "2025", "kind": "certification_fee", "action": "end", "day": "2025-07-15",
          "definition_name": "cumulative_rate", "fmt": "xlsx", "on": "2025-08-29"}


def _sample(schema: dict[str, Any], spec: dict[str, Any], ids: dict[str, int], name: str = "") -> Any:
    """A value that passes ``schema`` (the OpenAPI one), so a write reaches its service; a field
    naming an object (``person_id``) names the one of the site being tried."""
    if name in ids:
        return ids[name]
    if "$ref" in schema:
        return _sample(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec, ids, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _sample(options[0], spec, ids, name)
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    kind = schema.get("type")
    if kind == "object":
        return {k: _sample(v, spec, ids, k) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if kind == "array":
        return [_sample(schema.get("items", {}), spec, ids, name)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2025-07-15"
    if schema.get("format") == "date-time":
        return "2025-07-15T09:00:00+09:00"
    if name in _FIXED:
        return _FIXED[name]
    return "x" * max(10, schema.get("minLength", 0))


def _body(spec: dict[str, Any], path: str, method: str, ids: dict[str, int]) -> dict[str, Any]:
    operation = spec["paths"][path][method.lower()]
    query = {q["name"]: _sample(q.get("schema", {}), spec, ids, q["name"]) for q in operation.get("parameters", [])
             if q.get("in") == "query" and q.get("required")}
    if query:  # a required query parameter (a date) is given, so the object's scope decides
        return {"params": query, **_body_only(operation, spec, ids)}
    return _body_only(operation, spec, ids)


def _body_only(operation: dict[str, Any], spec: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return {"json": _sample(content["application/json"]["schema"], spec, ids)}
    if "multipart/form-data" in content:
        form = _sample(content["multipart/form-data"]["schema"], spec, ids)
        files = {k: ("r.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf") for k, v in form.items() if v == "x" * 10}
        return {"data": {k: v for k, v in form.items() if k not in files}, "files": files}
    return {}


def _form(context: Any, ids: dict[str, int]) -> dict[str, str]:
    """The fields a page's form route requires (so FastAPI lets the request reach the service):
    a field naming an object names the site's, any other gets a placeholder."""
    form = {}
    for param in context.dependant.body_params:
        if param.field_info.is_required():
            form[param.alias] = str(ids.get(param.alias, 1 if param.field_info.annotation is int else "x"))
    return form


def _fields(body: Any) -> set[str]:
    """The field names of a sample body (of its first item, for a list)."""
    first = body[0] if isinstance(body, list) and body else body
    return set(first) if isinstance(first, dict) else set()


def _walk(world: World, prefixes: tuple[str, ...], pages: bool = False) -> tuple[int, int]:
    """Call every route under ``prefixes`` that names an object as every user allowed to use it,
    with each site's objects: (calls in scope, calls refused with 404). A page gets an empty form
    and is held to "not found" only where the object is out of scope (a page in scope may still
    refuse the empty form, with 404 for an unknown action among others)."""
    app = world.client.app
    spec = app.openapi()
    routes = _object_routes(app, prefixes)
    assert routes
    reached = refused = 0
    tried: set[tuple[str, ...]] = set()
    for method, path, context, params in routes:
        permission = next((d.permission for d in _declared(context.dependant) if hasattr(d, "permission")), None)
        for login, scope in world.scopes.items():
            if permission is not None and not has_permission(scope.role, permission):
                continue
            for site in SITES:
                ids = {name: world.objects.get(kind, {}).get(site, 0) for name, kind in PATH_KINDS.items() if kind}
                values = {p: ids.get(p, world.fixed.get(site, {}).get(p, _FIXED.get(p))) for p in params}
                body = ({"data": _form(context, ids)} if pages and method != "GET" else {} if pages
                        else _body(spec, path, method, ids))
                named = set(params) | _fields(body.get("json") or body.get("data"))
                request = (login, method, path.format(**values), repr(body))
                if request in tried:  # a shared object (the event) is tried once
                    continue
                tried.add(request)
                with transaction(engine_for(world.url)) as session:
                    inside = all(scope.get(session, PATH_KINDS[p], ids[p]) is not None
                                 for p in named if PATH_KINDS.get(p) is not None)
                response = world.client.request(method, path.format(**values), headers=world.headers(login),
                                                **body)
                where = (login, method, path, site, response.status_code, response.text[:200])
                if pages and path in UNSCOPED_PAGES:
                    continue
                if inside:
                    # a route open to every signed-in user checks membership itself (an organisation's)
                    assert response.status_code != 404 or (pages and method != "GET") or permission is None, where
                    reached += 1
                else:
                    assert response.status_code == 404, where
                    refused += 1
    return reached, refused


def test_every_object_route_answers_404_outside_scope(world):
    reached, refused = _walk(world, PREFIXES)
    assert reached and refused


def test_every_page_that_names_an_object_answers_404_outside_scope(world):
    reached, refused = _walk(world, PAGES, pages=True)
    assert reached and refused


def test_a_route_with_an_unknown_path_parameter_fails_the_walk():
    router = APIRouter()

    @router.get("/api/v1/people/widgets/{widget_id}", dependencies=[Depends(requires(Permission.PEOPLE_READ))])
    def widget(widget_id: int) -> None:  # pragma: no cover - never called
        return None

    probe = FastAPI()
    probe.include_router(router)
    with pytest.raises(AssertionError, match="widget_id"):
        _object_routes(probe)


def test_lists_and_searches_keep_to_the_scope(world):
    names = {}
    with transaction(engine_for(world.url)) as session:
        for site in SITES:
            names[site] = session.get(Person, world.objects[Kind.PERSON][site]).name
    for login in world.scopes:
        if not has_permission(world.scopes[login].role, Permission.PEOPLE_READ):
            continue
        expected = _expected(login, Kind.PERSON)
        found = world.client.get("/api/v1/people", headers=world.headers(login)).json()["people"]
        assert {p["id"] for p in found} == {world.objects[Kind.PERSON][s] for s in expected}, login
        for site in SITES:
            hits = world.client.get("/api/v1/people", params={"q": names[site]},
                                    headers=world.headers(login)).json()["total"]
            assert hits == (1 if site in expected else 0), (login, site)
    run, event = world.objects[Kind.PAYROLL_RUN][SITES[0]], world.objects[Kind.EVENT][SITES[0]]
    lists = {"/api/v1/publicjobs/projects": Kind.PROJECT, f"/api/v1/publicjobs/payroll/runs/{run}": Kind.PAY_LINE,
             "/api/v1/support/claims": Kind.FEE_CLAIM, "/api/v1/support/startups": Kind.STARTUP,
             "/api/v1/support/subsidy/grants": Kind.SUBSIDY_GRANT,
             f"/api/v1/support/events/{event}/signups": Kind.EVENT_SIGNUP,
             "/api/v1/training/departments": Kind.TRAINING_DEPARTMENT, "/api/v1/training/courses": Kind.TRAINING_COURSE,
             "/api/v1/training/cohorts": Kind.TRAINING_COHORT, "/api/v1/training/instructors": Kind.INSTRUCTOR,
             "/api/v1/matching/outcomes": Kind.MATCHING_OUTCOME}
    lists |= {f"/api/v1/training/cohorts/{world.objects[Kind.TRAINING_COHORT][s]}/roster": (Kind.ENROLMENT, s)
              for s in SITES}
    lists |= {f"/api/v1/rounds/{world.fixed[s]['round_id']}/applications": (Kind.APPLICATION, s) for s in SITES}
    checked = 0
    for path, what in lists.items():
        kind, only = what if isinstance(what, tuple) else (what, None)  # a list within one site's cohort or round
        for login in world.scopes:
            response = world.client.get(path, headers=world.headers(login))
            if response.status_code == 403:  # the role may not use the list at all
                continue
            expected = {world.objects[kind][s] for s in _expected(login, kind) if only in (None, s)}
            if kind in (Kind.PAY_LINE, Kind.ENROLMENT) and not expected:
                assert response.status_code == 404, (login, path)  # a run or cohort with none of theirs
            else:
                body = response.json()
                rows = body["items"] if isinstance(body, dict) else body
                assert {row["id"] for row in rows} == expected, (login, path)
            checked += 1
    assert checked


PUBLIC = ("/scorecards", "/scorecards.csv", "/scorecards.xlsx", "/open/registers", "/open/registers/public-jobs",
          "/open/registers/public-jobs.csv", "/open/registers/public-jobs.json", "/open/registers/training-courses",
          "/open/registers/training-courses.csv", "/open/registers/training-courses.json",
          "/open/registers/metadata.json")
"""Open to everyone, logged in or not (issue 19 §4–§5): figures of groups of at least the minimum
count, never a person; no scope applies, so every user gets the same answer."""
PUBLIC_PREFIXES = ("/scorecards", "/open/")


def test_the_public_pages_are_open_and_the_same_for_everyone(world):
    from ilja.accounts.deps import public

    declared = {context.path for context in iter_route_contexts(world.client.app.routes)
                if context.path.startswith(PUBLIC_PREFIXES)}
    assert declared == set(PUBLIC), "a new public route is named here"
    for context in iter_route_contexts(world.client.app.routes):
        if context.path in PUBLIC:
            assert any(isinstance(d, public) for d in _declared(context.dependant)), context.path
    with transaction(engine_for(world.url)) as session:
        names = list(session.scalars(select(Person.name)))
    for path in PUBLIC:
        anonymous = world.client.get(path)
        assert anonymous.status_code == 200, path
        text = anonymous.content.decode("utf-8-sig", errors="ignore")
        assert not [name for name in names if name in text], path
        if path.endswith((".csv", ".json")):
            for login in world.scopes:
                assert world.client.get(path, headers=world.headers(login)).content == anonymous.content, (login, path)
