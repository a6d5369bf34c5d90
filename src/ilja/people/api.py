"""People API under ``/api/v1``: thin routes over ``registry``, each with its permission.

Responses are explicit models (a new column is never exposed by default); the RRN is masked in
every one of them except ``POST /people/{id}/rrn``, which needs people.read_rrn and a reason and
is audited. Every staff read is audited by the service; a citizen reads only their own record,
found through their account's ``person_id`` (never an id they send).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ilja import paging
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.errors import NotFound
from ilja.people import exports, merging, registry
from ilja.people.consents import shown_to_staff
from ilja.people.keys import get_keyring
from ilja.people.models import DuplicateFlag
from ilja.people.records import PersonRecord
from ilja.people.rrn import KeyRing
from ilja.text import FreeText

router = APIRouter(tags=["people"])


def keyring() -> KeyRing:
    return get_keyring()


Keys = Annotated[KeyRing, Depends(keyring)]


class PersonOut(BaseModel):
    """A person as staff see them: RRN and phone masked; name and address masked unless the
    reader holds people.read_personal (``personal`` says which)."""

    id: int
    name: str
    rrn: str | None = Field(description="Masked: 900101-1******")
    birth_date: dt.date
    phone: str | None
    sido: str
    sigungu: str
    address_detail: str | None
    household_id: int | None
    employment_status: str
    able_to_work: bool
    household_head: bool
    household_size: int
    vulnerable_groups: list[str]
    veteran_service_months: int
    nationality: str
    visa: str
    household_income_krw: int | None
    household_assets_krw: int | None
    receives_livelihood_benefit: bool | None
    personal: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class PeoplePage(BaseModel):
    total: int
    people: list[PersonOut]


class RevealIn(BaseModel):
    reason: FreeText = Field(min_length=registry.MIN_REASON_LENGTH, max_length=500,
                             description="Why the full number is needed (recorded in the audit log).")


class RevealOut(BaseModel):
    person_id: int
    rrn: str


class ProblemOut(BaseModel):
    field: str
    code: str
    msg: str
    msg_ko: str


class PersonIn(PersonRecord):
    """A person to register through ``program``; the RRN is kept only where its legal basis
    permits (개인정보 보호법 §24-2)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
    program: str = Field(min_length=1, max_length=64, examples=["companion_jobs"])


class RegistrationOut(BaseModel):
    id: int
    created: bool
    rrn_refused: bool
    warnings: list[ProblemOut]
    duplicate_flags: list[int]


class FlagOut(BaseModel):
    id: int
    person_a_id: int
    person_b_id: int | None
    reason: str
    status: str
    created_at: dt.datetime
    resolved_by: str | None
    resolved_at: dt.datetime | None
    merged_person_id: int | None


class FlagPage(BaseModel):
    total: int
    flags: list[FlagOut]


class DecisionIn(BaseModel):
    decision: Literal["merge", "dismiss"]


class ExportIn(BaseModel):
    reason: FreeText = Field(min_length=registry.MIN_REASON_LENGTH, max_length=500)
    format: Literal["xlsx", "csv"] = "xlsx"
    q: str | None = Field(None, max_length=100)
    district: str | None = Field(None, max_length=20)


def person_out(view: registry.PersonView) -> PersonOut:
    return PersonOut.model_validate(view, from_attributes=True)


def _unknown() -> NotFound:
    """No such person, or one outside the caller's scope: the same 404, so existence is not told."""
    return NotFound("해당 대상자가 없습니다.", "No such person.", code="person_unknown")


def _load(db: DbSession, person_id: int, principal: Principal):
    person = registry.get_person(db, person_id, Scope.of(principal))
    if person is None:
        raise _unknown()
    return person


@router.get("/people", response_model=PeoplePage)
def search(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))],
           q: Annotated[str | None, Query(max_length=100)] = None,
           district: Annotated[str | None, Query(max_length=20)] = None,
           limit: Annotated[int, Query(ge=1, le=200)] = 50,
           offset: Annotated[int, Query(ge=0, le=10**7)] = 0) -> PeoplePage:
    """Search by name, phone or birth date; masked. The result list is audited (ids)."""
    people, total = registry.search_people(db, q=q, district=district, limit=limit, offset=offset,
                                           scope=Scope.of(principal))
    registry.audit_search(db, people, actor=principal.actor, district=district)
    personal = principal.can(Permission.PEOPLE_READ_PERSONAL)
    return PeoplePage(total=total, people=[person_out(registry.masked_view(p, personal=personal))
                                           for p in people])


@router.post("/people", response_model=RegistrationOut, status_code=201)
def register(body: PersonIn, db: DbSession, keys: Keys,
             principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_EDIT))]) -> Any:
    """Register a person (or update the one holding the same RRN); near-duplicates are flagged."""
    data = body.model_dump(exclude={"program"}, exclude_unset=True)
    result = registry.register_person(db, data, actor=principal.actor, program=body.program,
                                      keyring=keys)
    return RegistrationOut(id=result.person.id, created=result.created,
                           rrn_refused=result.rrn_refused,
                           warnings=[ProblemOut(**w.as_dict()) for w in result.warnings],
                           duplicate_flags=[f.id for f in result.flags])


@router.get("/people/duplicates", response_model=FlagPage,
            dependencies=[Depends(requires(Permission.PEOPLE_MERGE))])
def duplicates(db: DbSession,
               status: Annotated[Literal["open", "confirmed", "dismissed"] | None, Query()] = "open",
               limit: Annotated[int, Query(ge=1, le=paging.cap())] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> FlagPage:
    """Near-duplicate flags waiting for a decision (ids only)."""
    flags, total = merging.list_duplicate_flags(db, status=status, limit=limit, offset=offset)
    return FlagPage(total=total, flags=[flag_out(f) for f in flags])


def flag_out(flag: DuplicateFlag) -> FlagOut:
    return FlagOut.model_validate(flag, from_attributes=True)


@router.post("/people/duplicates/{flag_id}", response_model=FlagOut)
def resolve(flag_id: int, body: DecisionIn, db: DbSession, keys: Keys,
            principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_MERGE))]) -> FlagOut:
    """Merge (the older record's id is kept) or dismiss a flag; audited."""
    flag = merging.resolve_duplicate(db, flag_id, decision=body.decision,
                                      actor=principal.actor, keyring=keys)
    return flag_out(flag)


@router.post("/people/export", response_class=Response,
             responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                          "officedocument.spreadsheetml.sheet": {}}}})
def export(body: ExportIn, db: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_EXPORT))]) -> Response:
    """Download people (RRN masked) as XLSX or CSV; the reason is recorded (다운로드 사유)."""
    result = exports.export_people(db, actor=principal.actor, reason=body.reason,
                                    file_format=body.format, q=body.q, district=body.district,
                                    scope=Scope.of(principal))
    return Response(result.content, media_type=result.media_type, headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"',
        "Cache-Control": "no-store"})


@router.get("/people/{person_id}", response_model=PersonOut)
def read(person_id: int, db: DbSession,
         principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))]) -> PersonOut:
    """One person, masked; audited as person.read."""
    view = registry.read_person(db, person_id, actor=principal.actor,
                                personal=principal.can(Permission.PEOPLE_READ_PERSONAL),
                                scope=Scope.of(principal))
    if view is None:
        raise _unknown()

    return person_out(shown_to_staff(db, view))


@router.post("/people/{person_id}/rrn", response_model=RevealOut,
             responses={409: {"description": "No RRN is stored for this person"}})
def reveal(person_id: int, body: RevealIn, db: DbSession, keys: Keys, response: Response,
           principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ_RRN))]
           ) -> RevealOut:
    """The full RRN, with the reason recorded in the audit log (person.read_rrn)."""
    person = _load(db, person_id, principal)
    number = registry.reveal_rrn(db, person, actor=principal.actor, reason=body.reason,
                                 keyring=keys)
    response.headers["Cache-Control"] = "no-store"
    return RevealOut(person_id=person.id, rrn=number)


@router.get("/me/profile", response_model=PersonOut,
            responses={404: {"description": "No registry record is linked to this account"}})
def my_profile(db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]
               ) -> PersonOut:
    """The citizen's own record (their account's person), RRN masked."""
    person_id = principal.user.person_id if principal.user else None
    person = registry.get_person(db, person_id) if person_id else None
    if person is None:
        raise NotFound("계정에 연결된 등록 정보가 없습니다.",
                       "No registry record is linked to your account.", code="profile_unlinked")
    return person_out(registry.own_view(person))
