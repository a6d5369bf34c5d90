"""API for what used to be created only in code: organisations (company with its AI-industry
association, 서울시 department, university, partner), their postings (create, update, close),
and the trainee's own matching profile (description, preferred districts and fields) with the
fit list. Included by ``api.py`` under ``/api/v1/matching``. Issue 5 §1, §5.

Bad input answers 422 naming the field: Pydantic's own checks, then the domain's
(``ncs_codes[1]``, ``district``…) in the same shape (``loc``, ``msg``, ``type``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ilja import clock
from ilja.accounts.deps import DbSession, MatchingManager, OwnProfileEditor, OwnProfileReader, Principal
from ilja.matching import service
from ilja.matching.errors import NoProfile
from ilja.matching.posting_input import PostingFields

router = APIRouter()

OrganisationKind = Literal["company", "city_department", "university", "partner"]
PostingKind = Literal["internship_company", "internship_city", "job"]
Items = Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=50)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationUpdate(_In):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    association: str | None = Field(default=None, max_length=200,
                                    description="AI-industry association of a company")
    district: str | None = Field(default=None, max_length=20, description="Seoul 자치구")


class OrganisationIn(OrganisationUpdate):
    code: str = Field(min_length=1, max_length=64)


class OrganisationOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    association: str | None
    district: str | None
    open_postings: int


def _organisation(db: Any, row: Any) -> OrganisationOut:
    count = len(service.list_postings(db, organisation_id=row.id, open_only=True))
    return OrganisationOut(id=row.id, code=row.code, name=row.name, kind=row.kind,
                           association=row.association, district=row.district,
                           open_postings=count)


@router.get("/organisations", response_model=list[OrganisationOut])
def organisations(db: DbSession, principal: MatchingManager) -> list[OrganisationOut]:
    return [_organisation(db, o) for o in service.list_organisations(db)]


@router.post("/organisations", response_model=OrganisationOut, status_code=201)
def create_organisation(body: OrganisationIn, db: DbSession, principal: MatchingManager) -> OrganisationOut:
    row = service.create_organisation(db, **body.model_dump(), actor=principal.actor)
    return _organisation(db, row)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut)
def organisation(organisation_id: int, db: DbSession, principal: MatchingManager) -> OrganisationOut:
    return _organisation(db, service.get_organisation(db, organisation_id))


@router.put("/organisations/{organisation_id}", response_model=OrganisationOut)
def update_organisation(organisation_id: int, body: OrganisationUpdate, db: DbSession,
                        principal: MatchingManager) -> OrganisationOut:
    row = service.update_organisation(db, organisation_id, **body.model_dump(),
                                      actor=principal.actor)
    return _organisation(db, row)


class PostingUpdate(_In):
    round_code: str = Field(min_length=1, max_length=64)
    kind: PostingKind
    title: str = Field(min_length=1, max_length=200)
    seats: int = Field(ge=1, le=1000)
    description: str = Field(default="", max_length=5000, description="Korean free text")
    required_skills: Items = []
    preferred_skills: Items = []
    ncs_codes: Items = Field(default=[], description="8-digit 세분류 or 10-digit 능력단위, "
                                                     "optionally with a version: 2001020202_23v5")
    required_certifications: Items = []
    district: str | None = Field(default=None, max_length=20)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    monthly_pay: int | None = Field(default=None, ge=0, le=100_000_000, description="whole won")


class PostingIn(PostingUpdate):
    code: str = Field(min_length=1, max_length=64)


class PostingDetail(BaseModel):
    id: int
    code: str
    organisation_id: int
    round_code: str
    kind: str
    title: str
    seats: int
    description: str
    required_skills: list[str]
    preferred_skills: list[str]
    ncs_codes: list[str]
    required_certifications: list[str]
    district: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    monthly_pay: int | None
    status: str


def _posting(row: Any) -> PostingDetail:
    return PostingDetail(**{name: getattr(row, name) for name in PostingDetail.model_fields})


@router.get("/organisations/{organisation_id}/postings", response_model=list[PostingDetail])
def organisation_postings(organisation_id: int, db: DbSession,
                          principal: MatchingManager) -> list[PostingDetail]:
    service.get_organisation(db, organisation_id)
    return [_posting(p) for p in service.list_postings(db, organisation_id=organisation_id)]


@router.post("/organisations/{organisation_id}/postings", response_model=PostingDetail,
             status_code=201)
def create_posting(organisation_id: int, body: PostingIn, db: DbSession,
                   principal: MatchingManager) -> PostingDetail:
    row = service.create_posting(db, service.PostingInput(
        organisation_id=organisation_id, **body.model_dump()), actor=principal.actor)
    return _posting(row)


@router.get("/postings/{posting_id}", response_model=PostingDetail)
def posting(posting_id: int, db: DbSession, principal: MatchingManager) -> PostingDetail:
    return _posting(service.get_posting(db, posting_id))


@router.put("/postings/{posting_id}", response_model=PostingDetail)
def update_posting(posting_id: int, body: PostingUpdate, db: DbSession,
                   principal: MatchingManager) -> PostingDetail:
    row = service.update_posting(db, posting_id, PostingFields(**body.model_dump()),
                                 actor=principal.actor)
    return _posting(row)


@router.post("/postings/{posting_id}/close", response_model=PostingDetail)
def close_posting(posting_id: int, db: DbSession, principal: MatchingManager) -> PostingDetail:
    return _posting(service.close_posting(db, posting_id, actor=principal.actor))


# --- the trainee's own profile ----------------------------------------------------------------

class OwnProfileIn(_In):
    description: str = Field(default="", max_length=3000, description="Korean free text")
    preferred_districts: Annotated[list[Annotated[str, Field(max_length=20)]],
                                   Field(max_length=25)] = []
    preferred_fields: Annotated[list[Annotated[str, Field(max_length=4)]],
                                Field(max_length=20)] = Field(
        default=[], description="NCS 대분류 (2 digits) or 중분류 (4 digits)")


class OwnProfileOut(BaseModel):
    candidate_id: int
    training_status: str
    course_code: str | None
    description: str
    skills: list[str]
    certifications: list[str]
    preferred_districts: list[str]
    preferred_fields: list[str]


def _own(db: Any, principal: Principal) -> Any:
    person_id = principal.user.person_id if principal.user else None
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise NoProfile()
    return candidate


def _own_out(row: Any) -> OwnProfileOut:
    return OwnProfileOut(candidate_id=row.id, **{
        name: getattr(row, name) for name in OwnProfileOut.model_fields if name != "candidate_id"})


@router.get("/me/profile", response_model=OwnProfileOut)
def my_profile(db: DbSession, principal: OwnProfileReader) -> OwnProfileOut:
    return _own_out(_own(db, principal))


@router.put("/me/profile", response_model=OwnProfileOut)
def edit_my_profile(body: OwnProfileIn, db: DbSession, principal: OwnProfileEditor) -> OwnProfileOut:
    candidate = _own(db, principal)
    row = service.update_own_profile(db, person_id=candidate.person_id, **body.model_dump(),
                                     actor=principal.actor)
    return _own_out(row)


class OwnFitOut(BaseModel):
    posting: PostingDetail
    organisation: str
    fit: float
    explanation: dict[str, Any]


@router.get("/me/fit", response_model=list[OwnFitOut])
def my_fit(db: DbSession, principal: OwnProfileReader, limit: int = 20) -> list[OwnFitOut]:
    """The trainee's own fit against the open postings, best first, with the reasons."""
    candidate = _own(db, principal)
    names = {o.id: o.name for o in service.list_organisations(db)}
    rows = service.fit_list(db, candidate.id, on=clock.today(), actor=principal.actor)
    return [OwnFitOut(posting=_posting(r["posting"]), fit=r["fit"],
                      organisation=names.get(r["posting"].organisation_id, ""),
                      explanation=r["explanation"]) for r in rows[:max(1, min(limit, 100))]]
