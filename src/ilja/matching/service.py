"""Matching service: organisations, postings, candidates, matching runs, offers and hires.

Loads what the pure modules need (``fit``, ``problem``, ``deferred_acceptance``, ``assignment``),
stores what they return, and audits every write and every staff read of a candidate. The caller
owns the transaction. Issue 5 §1–3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.matching import filters, tokens
from ilja.matching.errors import MatchingInputError, NotFound
from ilja.matching.fit import (
    SCALE,
    CandidateProfile,
    FitModel,
    FitWeights,
    PostingProfile,
    check_ncs_code,
)
from ilja.matching.models import (
    Candidate,
    CourseTags,
    MatchingOutcome,
    MatchingRun,
    Offer,
    Organisation,
    OrganisationMember,
    Posting,
    Proposal,
    Ranking,
)
from ilja.matching.posting_input import (
    ORGANISATION_KINDS,
    PostingFields,
    normalise_district,
    normalise_field,
    posting_problems,
    split_list,
)
from ilja.matching.profile_input import CandidateConditions
from ilja.matching.vocabulary import vocabulary
from ilja.publicjobs.models import Placement, PlacementStatus, Project
from ilja.rules.parameters import default_tree
from ilja.training import service as training
from ilja.training.models import TrainingCourse

METHODS = ("stable", "max_fit")



def _get(session: Session, model: type, key: int, kind: str) -> Any:
    row = session.get(model, key)
    if row is None:
        raise NotFound(kind, key)
    return row


def _clean(items: Sequence[str] | None) -> list[str]:
    return list(dict.fromkeys(s.strip() for s in (items or ()) if s and s.strip()))


# --- organisations and postings -------------------------------------------------------------

def _organisation_fields(name: str, kind: str, association: str | None,
                         district: str | None) -> tuple[str, str | None, str | None]:
    if kind not in ORGANISATION_KINDS:
        raise MatchingInputError("kind", "kind_invalid", f"kind is one of {ORGANISATION_KINDS}")
    if not name.strip():
        raise MatchingInputError("name", "required", "a name is required")
    if len(name.strip()) > 200:
        raise MatchingInputError("name", "too_long", "a name has at most 200 characters")
    association = (association or "").strip() or None
    if association and len(association) > 200:
        raise MatchingInputError("association", "too_long",
                                 "an association has at most 200 characters")
    return name.strip(), association, normalise_district(district, "district")


def create_organisation(session: Session, *, code: str, name: str, kind: str,
                        association: str | None = None, district: str | None = None,
                        actor: audit.Actor) -> Organisation:
    """A company (with its AI-industry association, e.g. 한국인공지능협회), a 서울시 department,
    a university or another partner; the code is unique."""
    if not code.strip():
        raise MatchingInputError("code", "required", "a code is required")
    if len(code.strip()) > 64:
        raise MatchingInputError("code", "too_long", "a code has at most 64 characters")
    name, association, district = _organisation_fields(name, kind, association, district)
    if session.scalar(select(Organisation.id).where(Organisation.code == code.strip())):
        raise MatchingInputError("code", "duplicate", f"organisation code {code.strip()} exists")
    row = Organisation(code=code.strip(), name=name, kind=kind, association=association,
                       district=district, created_at=clock.now())
    audit.created(session, actor, row, "matching.organisation.create", object_type="organisation")
    return row


def update_organisation(session: Session, organisation_id: int, *, name: str, kind: str,
                        association: str | None = None, district: str | None = None,
                        actor: audit.Actor) -> Organisation:
    row = _get(session, Organisation, organisation_id, "organisation")
    row.name, row.association, row.district = _organisation_fields(name, kind, association,
                                                                   district)
    row.kind = kind
    session.flush()
    audit.record(session, actor, "matching.organisation.update", object_type="organisation",
                 object_id=row.id)
    return row


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def add_member(session: Session, *, organisation_id: int, user_id: int,
               actor: audit.Actor) -> None:
    _get(session, Organisation, organisation_id, "organisation")
    session.add(OrganisationMember(organisation_id=organisation_id, user_id=user_id))
    session.flush()
    audit.record(session, actor, "matching.organisation.member", object_type="organisation",
                 object_id=organisation_id, details={"user_id": user_id})


def organisations_of_user(session: Session, user_id: int) -> list[Organisation]:
    return list(session.scalars(
        select(Organisation).join(OrganisationMember,
                                  OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user_id).order_by(Organisation.name)))


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    return _get(session, Organisation, organisation_id, "organisation")


@dataclass(kw_only=True)
class PostingInput(PostingFields):
    """A new posting: its fields, and the code and organisation it keeps for good."""

    code: str
    organisation_id: int


def _checked(data: PostingFields) -> PostingFields:
    cleaned, problems = posting_problems(data)
    if problems:
        raise problems[0]
    return cleaned


def posting_fields(data: PostingInput) -> PostingFields:
    return PostingFields(**{name: getattr(data, name) for name in PostingFields.__dataclass_fields__})


def create_posting(session: Session, data: PostingInput, *, actor: audit.Actor) -> Posting:
    """A posting (채용·인턴 공고); NCS codes are checked (a version is kept), money is whole won."""
    _get(session, Organisation, data.organisation_id, "organisation")
    if not data.code.strip():
        raise MatchingInputError("code", "required", "a code is required")
    if len(data.code.strip()) > 64:
        raise MatchingInputError("code", "too_long", "a code has at most 64 characters")
    fields_ = _checked(posting_fields(data))
    if session.scalar(select(Posting.id).where(Posting.code == data.code.strip())):
        raise MatchingInputError("code", "duplicate", f"posting code {data.code.strip()} exists")
    row = Posting(code=data.code.strip(), organisation_id=data.organisation_id, **asdict(fields_),
                  status="open", created_at=clock.now())
    audit.created(session, actor, row, "matching.posting.create", object_type="posting")
    return row


def update_posting(session: Session, posting_id: int, data: PostingFields, *,
                   actor: audit.Actor) -> Posting:
    """Change a posting's fields (its code and organisation stay)."""
    row = _get(session, Posting, posting_id, "posting")
    for name, value in asdict(_checked(data)).items():
        setattr(row, name, value)
    session.flush()
    audit.record(session, actor, "matching.posting.update", object_type="posting",
                 object_id=row.id)
    return row


def close_posting(session: Session, posting_id: int, *, actor: audit.Actor) -> Posting:
    """Close a posting: it takes no part in later runs or fit lists (closing twice is a no-op)."""
    row = _get(session, Posting, posting_id, "posting")
    if row.status != "closed":
        row.status = "closed"
        session.flush()
        audit.record(session, actor, "matching.posting.close", object_type="posting",
                     object_id=row.id)
    return row


def posting_by_code(session: Session, code: str) -> Posting | None:
    return session.scalar(select(Posting).where(Posting.code == code))


def get_posting(session: Session, posting_id: int) -> Posting:
    return _get(session, Posting, posting_id, "posting")


def list_postings(session: Session, *, round_code: str | None = None,
                  organisation_id: int | None = None, open_only: bool = False) -> list[Posting]:
    query = select(Posting).order_by(Posting.code)
    if round_code:
        query = query.where(Posting.round_code == round_code)
    if organisation_id:
        query = query.where(Posting.organisation_id == organisation_id)
    if open_only:
        query = query.where(Posting.status == "open")
    return list(session.scalars(query))


def round_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Posting.round_code).distinct().order_by(Posting.round_code)))


# --- candidates -------------------------------------------------------------------------------

def set_course_tags(session: Session, *, course_code: str, course_name: str,
                    skills: Sequence[str], ncs_codes: Sequence[str]) -> CourseTags:
    codes = [check_ncs_code(c, f"ncs_codes[{i}]") for i, c in enumerate(_clean(ncs_codes))]
    row = session.scalar(select(CourseTags).where(CourseTags.course_code == course_code))
    if row is None:
        row = CourseTags(course_code=course_code, course_name=course_name, skills=[], ncs_codes=[])
        session.add(row)
    row.course_name, row.skills, row.ncs_codes = course_name, _clean(skills), codes
    session.flush()
    return row


def course_tags(session: Session, course_code: str | None) -> CourseTags | None:
    if not course_code:
        return None
    return session.scalar(select(CourseTags).where(CourseTags.course_code == course_code))


CANDIDATE_STATUSES = ("enrolled", "completed", "placed")


@dataclass
class CandidateInput:
    person_id: int
    training_status: str = "enrolled"  # enrolled | completed | placed (public job)
    course_code: str | None = None
    enrolment_id: int | None = None
    description: str = ""
    skills: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    preferred_districts: list[str] = field(default_factory=list)
    preferred_fields: list[str] = field(default_factory=list)
    coordinator_user_id: int | None = None
    conditions: CandidateConditions | None = None  # skills and certificates above are kept


def register_candidate(session: Session, data: CandidateInput, *,
                       actor: audit.Actor) -> Candidate:
    """Add or update the candidate of a person (one per person)."""
    if data.training_status not in CANDIDATE_STATUSES:
        raise MatchingInputError("training_status", "status_invalid",
                                 "a candidate is an enrolled trainee, a completer or placed in a "
                                 "public job")
    fields_ = [normalise_field(f, f"preferred_fields[{i}]")
               for i, f in enumerate(_clean(data.preferred_fields))]
    row = session.scalar(select(Candidate).where(Candidate.person_id == data.person_id))
    now = clock.now()
    if row is None:
        row = Candidate(person_id=data.person_id, created_at=now, active=True)
        session.add(row)
    for name in ("training_status", "course_code", "enrolment_id", "description",
                 "coordinator_user_id"):
        setattr(row, name, getattr(data, name))
    row.skills, row.certifications = _clean(data.skills), _clean(data.certifications)
    row.preferred_districts, row.preferred_fields = _clean(data.preferred_districts), fields_
    if data.conditions is not None:
        _set_conditions(row, data.conditions, keep_lists=True)
    row.updated_at = now
    session.flush()
    audit.record(session, actor, "matching.candidate.save", subject_person_id=row.person_id,
                 object_type="candidate", object_id=row.id)
    return row


def _set_conditions(row: Candidate, data: CandidateConditions, *, keep_lists: bool = False
                    ) -> None:
    if not keep_lists:
        row.skills, row.certifications = _clean(data.skills), _clean(data.certifications)
    row.experience = [[f, int(y)] for f, y in data.experience]
    row.education, row.wanted_kinds = data.education, list(data.wanted_kinds)
    row.min_monthly_pay, row.max_weekly_hours = data.min_monthly_pay, data.max_weekly_hours
    row.shifts, row.home_district = list(data.shifts), data.home_district
    row.max_commute_minutes, row.available_from = data.max_commute_minutes, data.available_from


def update_conditions(session: Session, candidate_id: int, data: CandidateConditions, *,
                      actor: audit.Actor, scope: Scope = SYSTEM) -> Candidate:
    """Replace a candidate's skills, certificates, experience and working conditions (the
    trainee on their page passes their own candidate; a coordinator one of their caseload)."""
    row = get_candidate(session, candidate_id, scope)
    _set_conditions(row, data)
    row.updated_at = clock.now()
    session.flush()
    audit.record(session, actor, "matching.candidate.conditions",
                 subject_person_id=row.person_id, object_type="candidate", object_id=row.id)
    return row


@dataclass(frozen=True)
class Trainee:
    """A person matching takes on, as matching sees them: an enrolled or completed trainee, or a
    public-job participant placed in a project (active), with the site that trains or hosts them.
    ``key`` names the enrolment or placement on the take page's form."""

    person_id: int
    key: str  # "enrolment-12" | "placement-5"
    number: str  # the trainee number or the placement number staff see
    course_code: str  # the course, or the project of a placement
    status: str  # enrolled | completed | placed
    site_code: str
    candidate: Candidate | None
    enrolment_id: int | None = None


def trainees(session: Session, site_code: str | None = None) -> list[Trainee]:
    """Enrolled and completed trainees and placed public-job participants (of one campus,
    institute or host site, when given), each with their candidate record if they have one
    (adapter to the training and public-jobs services)."""
    candidates = {c.person_id: c for c in session.scalars(select(Candidate))}
    found = []
    for cohort in training.list_cohorts(session):
        course = training.get_course(session, cohort.course_id)
        site = training.get_department(session, course.department_id).site_code
        if site_code and site != site_code:
            continue
        found += [Trainee(e.person_id, f"enrolment-{e.id}", e.trainee_no, course.code, e.status,
                          site, candidates.get(e.person_id), enrolment_id=e.id)
                  for e in training.roster(session, cohort.id)
                  if e.status in ("enrolled", "completed")]
    return found + _placed(session, site_code, candidates)


def _placed(session: Session, site_code: str | None,
            candidates: dict[int, Candidate]) -> list[Trainee]:
    """Participants working in a public-job project now (placement active)."""
    query = (select(Placement, Project).join(Project, Placement.project_id == Project.id)
             .where(Placement.status == PlacementStatus.ACTIVE.value)
             .order_by(Project.code, Placement.id))
    if site_code:
        query = query.where(Project.host_code == site_code)
    return [Trainee(pl.person_id, f"placement-{pl.id}", str(pl.id), project.code, "placed",
                    project.host_code, candidates.get(pl.person_id))
            for pl, project in session.execute(query).all()]


def candidates_from_training(session: Session, *, actor: audit.Actor,
                             coordinator_user_id: int | None = None,
                             site_code: str | None = None) -> int:
    """Candidates for every enrolled or completed trainee and placed participant (of one site,
    when given) not yet registered, each course tagged with the skills its name names; returns
    how many were added."""
    new = [t for t in _per_person(trainees(session, site_code)) if t.candidate is None]
    _tag_courses(session, {t.course_code for t in new if t.enrolment_id is not None})
    return len(take_into_caseload(session, new, coordinator_user_id=coordinator_user_id,
                                  actor=actor))


def _tag_courses(session: Session, codes: set[str]) -> None:
    """Tags for training courses that have none: the course name and the vocabulary skills it
    names (a coordinator or operator refines them)."""
    for course in session.scalars(select(TrainingCourse).where(TrainingCourse.code.in_(codes))):
        if course_tags(session, course.code) is None:
            text = " ".join(x for x in (course.name, course.specialisation) if x)
            skills = [vocabulary().skill_label(s) for s in tokens.skills_in(text)]
            set_course_tags(session, course_code=course.code, course_name=course.name,
                            skills=skills, ncs_codes=[])


def _per_person(found: Sequence[Trainee]) -> list[Trainee]:
    """One entry per person (their first cohort, else their first placement): a person is one
    candidate."""
    first: dict[int, Trainee] = {}
    for t in found:
        first.setdefault(t.person_id, t)
    return list(first.values())


def unassigned(session: Session, site_code: str | None = None) -> list[Trainee]:
    """Trainees and placed participants in no coordinator's caseload yet: what a coordinator of
    their site takes on."""
    return [t for t in _per_person(trainees(session, site_code))
            if t.candidate is None or t.candidate.coordinator_user_id is None]


def take_into_caseload(session: Session, taken: Sequence[Trainee], *,
                       coordinator_user_id: int | None, actor: audit.Actor) -> list[Candidate]:
    """Make each trainee a candidate in the coordinator's caseload (their candidate record is
    kept, only the coordinator is set): this is how a caseload fills from enrolments and
    placements."""
    rows = []
    for t in taken:
        if t.candidate is None:
            rows.append(register_candidate(session, CandidateInput(
                person_id=t.person_id, training_status=t.status, course_code=t.course_code,
                enrolment_id=t.enrolment_id, coordinator_user_id=coordinator_user_id),
                actor=actor))
            continue
        t.candidate.coordinator_user_id = coordinator_user_id
        t.candidate.updated_at = clock.now()
        session.flush()
        audit.record(session, actor, "matching.candidate.assign",
                     subject_person_id=t.candidate.person_id, object_type="candidate",
                     object_id=t.candidate.id, details={"coordinator": coordinator_user_id})
        rows.append(t.candidate)
    return rows


MAX_OWN_DESCRIPTION = 3000


def update_own_profile(session: Session, *, person_id: int, description: str,
                       preferred_districts: Sequence[str] | str,
                       preferred_fields: Sequence[str] | str,
                       actor: audit.Actor) -> Candidate:
    """A trainee edits their own description (Korean free text), preferred districts and fields:
    only the candidate record of ``person_id`` (the caller passes the logged-in person's id)."""
    row = candidate_of_person(session, person_id)
    if row is None:
        raise NotFound("candidate of person", person_id)
    text = description.strip()
    if len(text) > MAX_OWN_DESCRIPTION:
        raise MatchingInputError("description", "too_long",
                                 f"a description has at most {MAX_OWN_DESCRIPTION} characters")
    districts = [normalise_district(d, f"preferred_districts[{i}]")
                 for i, d in enumerate(split_list(preferred_districts))]
    fields_ = [normalise_field(f, f"preferred_fields[{i}]")
               for i, f in enumerate(split_list(preferred_fields))]
    row.description = text
    row.preferred_districts = list(dict.fromkeys(d for d in districts if d))
    row.preferred_fields = list(dict.fromkeys(fields_))
    row.updated_at = clock.now()
    session.flush()
    audit.record(session, actor, "matching.candidate.edit_own", subject_person_id=person_id,
                 object_type="candidate", object_id=row.id)
    return row


def _scoped(session: Session, kind: Kind, key: int, what: str, scope: Scope) -> Any:
    """The object if it is within ``scope`` (``accounts.scope``), else not found (404)."""
    row = scope.get(session, kind, key)
    if row is None:
        raise NotFound(what, key)
    return row


def get_candidate(session: Session, candidate_id: int, scope: Scope = SYSTEM) -> Candidate:
    return _scoped(session, Kind.CANDIDATE, candidate_id, "candidate", scope)


def candidates_in(session: Session, ids: Sequence[int], scope: Scope) -> list[Candidate]:
    """Those of the candidates ``ids`` within ``scope``, by id."""
    return list(session.scalars(select(Candidate).where(Candidate.id.in_(list(ids)), scope.where(Kind.CANDIDATE))
                                .order_by(Candidate.id))) if ids else []


def get_run(session: Session, run_id: int, scope: Scope = SYSTEM) -> MatchingRun:
    """A matching run with a candidate within ``scope`` (a run is city-wide, seen by each
    coordinator with their own candidates), or one the caller started: a run that proposed
    nobody is still theirs to see."""
    row = session.scalars(select(MatchingRun).where(MatchingRun.id == run_id,
                                                    _runs_seen(scope))).first()
    if row is None:
        raise NotFound("matching run", run_id)
    return row


def _runs_seen(scope: Scope) -> ColumnElement[bool]:
    """The runs ``scope``'s rule gives (``accounts.scope``) and those the caller started
    (``created_by`` is the starting actor's id)."""
    if scope.user_id is None:
        return scope.where(Kind.MATCHING_RUN)
    return or_(scope.where(Kind.MATCHING_RUN), MatchingRun.created_by == str(scope.user_id))


def run_proposals(session: Session, run_id: int, scope: Scope = SYSTEM) -> list[Proposal]:
    """The run's proposals for the candidates within ``scope``."""
    return list(session.scalars(
        select(Proposal).where(Proposal.run_id == run_id,
                               Proposal.candidate_id.in_(select(Candidate.id).where(scope.where(Kind.CANDIDATE))))
        .order_by(Proposal.posting_id, Proposal.candidate_id)))


def get_offer(session: Session, offer_id: int, scope: Scope = SYSTEM) -> Offer:
    return _scoped(session, Kind.OFFER, offer_id, "offer", scope)


def offers_in(session: Session, candidate_ids: Sequence[int], scope: Scope) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.candidate_id.in_(list(candidate_ids)),
                                                    scope.where(Kind.OFFER))
                                .order_by(Offer.offered_on.desc(), Offer.id.desc()))) if candidate_ids else []


def hires(session: Session, *, since: dt.date | None = None, scope: Scope = SYSTEM) -> list[MatchingOutcome]:
    """Hires through matching within ``scope`` (the coordinator's caseload's)."""
    query = select(MatchingOutcome).where(scope.where(Kind.MATCHING_OUTCOME))
    if since:
        query = query.where(MatchingOutcome.hired_on >= since)
    return list(session.scalars(query.order_by(MatchingOutcome.hired_on, MatchingOutcome.id)))


def candidate_of_person(session: Session, person_id: int) -> Candidate | None:
    return session.scalar(select(Candidate).where(Candidate.person_id == person_id))


def active_candidates(session: Session, scope: Scope = SYSTEM) -> list[Candidate]:
    return list(session.scalars(select(Candidate).where(Candidate.active.is_(True), scope.where(Kind.CANDIDATE))
                                .order_by(Candidate.id)))


def runs_in(session: Session, scope: Scope, limit: int = 20) -> list[MatchingRun]:
    """The latest matching runs holding a candidate within ``scope`` or started by the caller."""
    return list(session.scalars(select(MatchingRun).where(_runs_seen(scope))
                                .order_by(MatchingRun.id.desc()).limit(limit)))


def ranked_candidates(session: Session, candidate_ids: Sequence[int]) -> set[int]:
    """Those of the candidates who ranked postings themselves (a proposal's choice number means
    something only for them)."""
    if not candidate_ids:
        return set()
    return set(session.scalars(select(Ranking.candidate_id).distinct().where(
        Ranking.side == "candidate", Ranking.candidate_id.in_(list(candidate_ids)))))


def candidate_ranking(session: Session, candidate_id: int) -> list[int]:
    """The postings a candidate ranked, first choice first."""
    return list(session.scalars(select(Ranking.posting_id).where(
        Ranking.side == "candidate", Ranking.candidate_id == candidate_id)
        .order_by(Ranking.rank)))


def posting_ranking(session: Session, posting_id: int) -> list[int]:
    """The candidates a posting ranked, best first."""
    return list(session.scalars(select(Ranking.candidate_id).where(
        Ranking.side == "posting", Ranking.posting_id == posting_id).order_by(Ranking.rank)))


def set_ranking(session: Session, *, side: str, candidate_id: int, posting_ids: Sequence[int] = (),
                posting_id: int | None = None, candidate_ids: Sequence[int] = (),
                actor: audit.Actor) -> None:
    """Replace a ranked list: a candidate's postings, or a posting's candidates (best first)."""
    if side == "candidate":
        session.query(Ranking).filter_by(side=side, candidate_id=candidate_id).delete()
        for rank, pid in enumerate(dict.fromkeys(posting_ids)):
            session.add(Ranking(side=side, candidate_id=candidate_id, posting_id=pid, rank=rank))
    elif side == "posting" and posting_id is not None:
        session.query(Ranking).filter_by(side=side, posting_id=posting_id).delete()
        for rank, cid in enumerate(dict.fromkeys(candidate_ids)):
            session.add(Ranking(side=side, candidate_id=cid, posting_id=posting_id, rank=rank))
    else:
        raise MatchingInputError("side", "side_invalid", "side is candidate or posting")
    session.flush()
    audit.record(session, actor, "matching.ranking.set", object_type=f"{side}_ranking",
                 object_id=candidate_id if side == "candidate" else posting_id)


# --- fit ----------------------------------------------------------------------------------------

def _tags(session: Session) -> dict[str, CourseTags]:
    return {t.course_code: t for t in session.scalars(select(CourseTags))}


def candidate_profile(row: Candidate, tags: dict[str, CourseTags]) -> CandidateProfile:
    course = tags.get(row.course_code or "")
    text = " ".join(x for x in (course.course_name if course else "", row.description,
                                " ".join(row.skills)) if x)
    return CandidateProfile(
        id=f"C{row.id}", text=text,
        skills=tuple(_clean([*(course.skills if course else []), *row.skills])),
        ncs_codes=tuple(course.ncs_codes if course else ()),
        certifications=tuple(row.certifications),
        preferred_districts=tuple(row.preferred_districts),
        preferred_fields=tuple(row.preferred_fields),
        experience=tuple((str(f), int(y)) for f, y in (row.experience or [])),
        education=row.education, wanted_kinds=tuple(row.wanted_kinds or ()),
        min_monthly_pay=row.min_monthly_pay, max_weekly_hours=row.max_weekly_hours,
        shifts=tuple(row.shifts or ()), home_district=row.home_district,
        max_commute_minutes=row.max_commute_minutes, available_from=row.available_from)


def posting_profile(row: Posting) -> PostingProfile:
    return PostingProfile(
        id=row.code, text=f"{row.title}\n{row.description}",
        required_skills=tuple(row.required_skills), preferred_skills=tuple(row.preferred_skills),
        ncs_codes=tuple(row.ncs_codes), required_certifications=tuple(row.required_certifications),
        district=row.district, kind=row.kind, deadline=row.deadline, starts_on=row.starts_on,
        monthly_pay=row.monthly_pay, weekly_hours=row.weekly_hours, shifts=tuple(row.shifts or ()),
        experience_years=row.experience_years, experience_field=row.experience_field,
        education=row.education,
        preferred_certifications=tuple(row.preferred_certifications or ()))


@dataclass
class FitTable:
    """Scores of candidates × postings with the model that explains them.

    The model is always built over the whole pool — every active candidate and every open
    posting, plus any asked for — so a pair's fit (its TF-IDF weights depend on the pool) is the
    same on the profile page, the cohort page and in a run.
    """

    candidates: list[Candidate]
    postings: list[Posting]
    model: FitModel
    scores: np.ndarray  # candidates × postings, as asked
    rows: list[int]  # each candidate's row in the model
    cols: list[int]  # each posting's column in the model
    excluded: np.ndarray  # candidates × postings: the hard filters' bit masks (0: eligible)

    def explain(self, candidate: int, posting: int) -> dict[str, Any]:
        """Explanation of the pair at (candidate, posting) positions of this table, with the
        filters that exclude it (``excluded_by``, empty if eligible)."""
        return {**self.model.explain(self.rows[candidate], self.cols[posting]).as_dict(),
                "excluded_by": filters.reasons(int(self.excluded[candidate, posting]))}


def fit_table(session: Session, candidates: Sequence[Candidate], postings: Sequence[Posting],
              on: dt.date) -> FitTable:
    weights = FitWeights.from_parameters(default_tree(), on)
    tags = _tags(session)
    pool_c = {c.id: c for c in active_candidates(session)} | {c.id: c for c in candidates}
    pool_p = {p.id: p for p in list_postings(session, open_only=True)} | {p.id: p for p in postings}
    c_ids, p_ids = sorted(pool_c), sorted(pool_p)
    model = FitModel.build([candidate_profile(pool_c[i], tags) for i in c_ids],
                           [posting_profile(pool_p[i]) for i in p_ids], weights)
    rows = [c_ids.index(c.id) for c in candidates]
    cols = [p_ids.index(p.id) for p in postings]
    scores = model.scores()[np.ix_(rows, cols)]
    excluded = filters.exclusions([model.candidates[i] for i in rows],
                                  [model.postings[j] for j in cols], on)
    return FitTable(list(candidates), list(postings), model, scores, rows, cols, excluded)


def fit_list(session: Session, candidate_id: int, *, on: dt.date,
             actor: audit.Actor, scope: Scope = SYSTEM) -> list[dict[str, Any]]:
    """A candidate's fit against every open posting, each with its explanation: the eligible
    ones best first, then those a hard filter excluded (``excluded_by`` says which)."""
    candidate = get_candidate(session, candidate_id, scope)
    postings = list_postings(session, open_only=True)
    audit.record(session, actor, "matching.candidate.fit", subject_person_id=candidate.person_id,
                 object_type="candidate", object_id=candidate.id)
    if not postings:
        return []
    table = fit_table(session, [candidate], postings, on)
    order = np.lexsort((-table.scores[0].astype(np.int32), table.excluded[0] != 0))
    return [{"posting": postings[j], "fit": int(table.scores[0, j]) / SCALE,
             "excluded_by": filters.reasons(int(table.excluded[0, j])),
             "explanation": table.explain(0, int(j))} for j in order]
