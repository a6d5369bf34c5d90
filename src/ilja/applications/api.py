"""Rounds and applications API under ``/api/v1``: thin routes over ``service``, each with its
permission and an explicit response model (``schemas``: a new column is never exposed by default).

A citizen applies for themselves (their account's ``person_id``, never an id they send) and
reads only their own applications; staff apply on someone's behalf, list and read applications
(audited) and change statuses. ``POST /rounds/{id}/applications`` needs an ``Idempotency-Key``
header: a retry with the same key returns the application the first request made (200 with
``Idempotent-Replayed: true``), never a second one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Header, Query, Response, UploadFile

from ilja import clock, paging
from ilja.accounts import audit, deps
from ilja.accounts.deps import CurrentPrincipal, DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import eligibility, importer, rounds, service
from ilja.applications.errors import ImportFileRefused, PersonNotFound, RoundNotFound
from ilja.applications.linked import Linked
from ilja.applications.models import (
    Application,
    ApplicationStatus,
    Channel,
    Round,
    RoundStatus,
    RoundUnit,
)
from ilja.applications.schemas import (
    ApplicationDetailOut,
    ApplicationOut,
    ApplicationPage,
    ApplicationSummaryOut,
    ApplyIn,
    ApplyOnBehalfIn,
    ConsentIn,
    EligibilityOut,
    EventOut,
    ImportOut,
    MyApplicationOut,
    RoundIn,
    RoundOut,
    StatusIn,
    UnitOut,
)
from ilja.errors import AccountNotLinked
from ilja.people import consents
from ilja.people.consent_models import Consent, ConsentVia
from ilja.people.keys import get_keyring
from ilja.selection import offer_service

router = APIRouter(tags=["applications"])
PUBLIC_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.SELECTED)
MAX_UPLOAD_BYTES = 256 * 1024**2


# --- helpers --------------------------------------------------------------------------------
def round_out(session: DbSession, row: Round, units: list[RoundUnit] | None = None) -> RoundOut:
    units = units if units is not None else rounds.round_units(session, row.id)
    return RoundOut(
        id=row.id, program_code=row.program_code, track_code=row.track_code, project=row.project,
        title=row.title, status=row.status, announced_on=row.announced_on,
        opens_at=rounds.aware(row.opens_at), closes_at=rounds.aware(row.closes_at),
        starts_on=row.starts_on, max_preferences=row.max_preferences,
        taking_applications=rounds.taking_applications(row),
        seed_commitment=row.seed_commitment, seed_revealed=row.seed_revealed,
        units=[UnitOut(code=u.code, name=u.name, kind=u.kind, seats=u.seats,
                       parent_code=u.parent_code) for u in units])


def _eligibility(session: DbSession, application: Application,
                 context: dict[str, Any] | None = None) -> EligibilityOut:
    snap = application.eligibility
    return EligibilityOut(
        eligible=snap["eligible"], failed=snap["failed"], to_verify=snap["to_verify"],
        bonus_points=snap["bonus_points"], priority_group=snap["priority_group"],
        evaluated_on=application.evaluated_on, announced_on=application.announced_on,
        parameter_version=application.parameter_version, code_version=application.code_version,
        reasons=eligibility.reasons(session, application, context=context))


def _history(session: DbSession, application_id: int,
             events: list[Any] | None = None) -> list[EventOut]:
    events = events if events is not None else service.history(session, application_id)
    return [EventOut.model_validate(e, from_attributes=True) for e in events]


def _common(session: DbSession, application: Application, context: dict[str, Any] | None = None,
            history: list[Any] | None = None, row: Any = None) -> dict[str, Any]:
    row = row if row is not None else session.get_one(Round, application.round_id)
    return {"id": application.id, "round_id": application.round_id, "round_title": row.title,
            "status": application.status, "preferences": application.preferences,
            "channel": application.channel,
            "submitted_at": rounds.aware(application.submitted_at),
            "eligibility": _eligibility(session, application, context),
            "history": _history(session, application.id, history)}


def my_application_out(session: DbSession, application: Application,
                       context: dict[str, Any] | None = None,
                       history: list[Any] | None = None, row: Any = None) -> MyApplicationOut:
    return MyApplicationOut(**_common(session, application, context, history, row))


def application_out(session: DbSession, application: Application, detail: bool = False,
                    context: dict[str, Any] | None = None,
                    history: list[Any] | None = None, row: Any = None) -> ApplicationOut:
    """The answer about an application (``row``: its round, if the caller has it at hand)."""
    values = {**_common(session, application, context, history, row),
              "person_id": application.person_id,
              "score": application.score, "priority": application.priority,
              "submitted_by": application.submitted_by}
    if detail:
        return ApplicationDetailOut(**values,
                                    explanation=service.explanation(session, application))
    return ApplicationOut(**values)


def _consents(program: str, consent: ConsentIn | None, staff: bool) -> dict[str, str]:
    """The consents given: as sent, or (staff entering a signed paper form) the texts in force;
    a citizen who sends none is refused (개인정보 보호법 §15)."""
    if consent is None and staff:
        return consents.paper(program, clock.today())
    return consents.checked(program, clock.today(), consent.given() if consent else {})


def _submit(session: DbSession, round_id: int, person_id: int, preferences: list[str],
            key: str, principal: Principal, channel: Channel, staff: bool,
            consent: ConsentIn | None = None) -> Response:
    """Submit, with the consents given written with the application (one statement on
    PostgreSQL), and answer with the application serialised once: 201, or 200 with
    ``Idempotent-Replayed: true`` for a retry (the route's response model documents it),
    committed before the answer leaves."""
    locked, person = service.round_and_applicant(session, round_id, person_id)
    row = locked[0]
    given = _consents(row.program_code, consent, staff)
    if person is None:
        raise PersonNotFound(person_id)
    person = consents.usable_person(person, given, row.starts_on)
    via = ConsentVia.PAPER if staff else ConsentVia.API
    submission = service.submit(
        session, round_id=round_id, person_id=person_id, person=person, preferences=preferences,
        channel=channel, idempotency_key=key, actor=principal.actor, staff=staff, locked=locked,
        linked=[Linked(Consent.__table__, consents.consent_rows(
            person_id, None, given, via=via, actor=principal.actor), "application_id")],
        audited=[consents.given_entry(person_id, given, via=via, object_type="application")])
    out = application_out if staff else my_application_out
    answer = out(session, submission.application, context=submission.context,
                 history=submission.history, row=submission.round)
    response = Response(answer.model_dump_json(), status_code=201 if submission.created else 200,
                        headers=None if submission.created else {"Idempotent-Replayed": "true"},
                        media_type="application/json")
    deps.commit_now(session)  # stored before it is acknowledged, in this thread
    return response


IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=128,
                                       description="A fresh random key per application; send "
                                                   "the same key when retrying")]


# --- rounds ---------------------------------------------------------------------------------
@router.get("/rounds", response_model=list[RoundOut], dependencies=[Depends(public())])
def list_rounds(session: DbSession, principal: CurrentPrincipal,
                status: Annotated[RoundStatus | None, Query()] = None,
                program: Annotated[str | None, Query(max_length=64)] = None) -> list[RoundOut]:
    """Rounds taking applications (``status=open``, the default), or closed and drawn ones;
    drafts only for staff who manage rounds."""
    wanted = [status or RoundStatus.OPEN]
    if RoundStatus.DRAFT in wanted and not principal.can(Permission.ROUND_MANAGE):
        wanted = []
    return [round_out(session, r) for r in rounds.list_rounds(session, wanted, program)]


@router.get("/rounds/{round_id}", response_model=RoundOut, dependencies=[Depends(public())])
def get_round(round_id: int, session: DbSession, principal: CurrentPrincipal) -> RoundOut:
    """A round with its units and seats, the seed commitment and, after the draw, the seed."""
    row = rounds.get_round(session, round_id)
    if row.status == RoundStatus.DRAFT and not principal.can(Permission.ROUND_MANAGE):
        raise RoundNotFound(round_id)
    return round_out(session, row)


@router.post("/rounds", response_model=RoundOut, status_code=201,
             responses={422: {"description": "The set-up is not valid (every problem listed)"}})
def create_round(body: RoundIn, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                 ) -> RoundOut:
    """Set up a round (draft); open it to take applications."""
    row = rounds.create_round(session, body.to_input(), actor=principal.actor)
    return round_out(session, row)


@router.put("/rounds/{round_id}", response_model=RoundOut)
def update_round(round_id: int, body: RoundIn, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                 ) -> RoundOut:
    """Replace a draft round's set-up and units."""
    row = rounds.update_round(session, round_id, body.to_input(), actor=principal.actor)
    return round_out(session, row)


@router.delete("/rounds/{round_id}", status_code=204)
def delete_round(round_id: int, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                 ) -> Response:
    """Delete a draft round."""
    rounds.delete_round(session, round_id, actor=principal.actor)
    return Response(status_code=204)


@router.post("/rounds/{round_id}/open", response_model=RoundOut)
def open_round(round_id: int, session: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
               ) -> RoundOut:
    """Open a draft round: its lottery seed is drawn and sealed, its commitment published."""
    row = rounds.open_round(session, round_id, actor=principal.actor)
    return round_out(session, row)


@router.post("/rounds/{round_id}/close", response_model=RoundOut)
def close_round(round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                ) -> RoundOut:
    """Stop taking applications."""
    row = rounds.close_round(session, round_id, actor=principal.actor)
    return round_out(session, row)


# --- applying -------------------------------------------------------------------------------
@router.post("/rounds/{round_id}/applications", response_model=MyApplicationOut,
             status_code=201,
             responses={200: {"description": "A retry: the application this key made"},
                        409: {"description": "Already applied, or not taking applications"},
                        422: {"description": "Key reused for another request; bad choices"}})
def apply(round_id: int, body: ApplyIn, key: IdempotencyKey, session: DbSession,
          principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))]
          ) -> Any:
    """A citizen applies for themselves; the answer carries their eligibility reasons."""
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        raise AccountNotLinked()
    return _submit(session, round_id, person_id, body.preferences, key, principal,
                   Channel.API, staff=False, consent=body.consent)


@router.post("/rounds/{round_id}/applications/on-behalf", response_model=ApplicationOut,
             status_code=201,
             responses={200: {"description": "A retry: the application this key made"},
                        409: {"description": "Already applied, or the draw is prepared"}})
def apply_on_behalf(round_id: int, body: ApplyOnBehalfIn, key: IdempotencyKey,
                    session: DbSession,
                    principal: Annotated[Principal,
                                         Depends(requires(Permission.APPLICATION_IMPORT))]
                    ) -> Any:
    """Staff enter an application for a registered person (a paper form, a phone call)."""
    return _submit(session, round_id, body.person_id, body.preferences, key,
                   principal, Channel.STAFF, staff=True, consent=body.consent)


@router.get("/me/applications", response_model=list[MyApplicationOut])
def my_applications(session: DbSession,
                    principal: Annotated[Principal,
                                         Depends(requires(Permission.APPLICATION_READ_OWN))]
                    ) -> list[MyApplicationOut]:
    """The citizen's own applications with their status history and eligibility reasons."""
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        return []
    return [my_application_out(session, a)
            for a in service.applications_of_person(session, person_id)]


@router.get("/me/applications/{application_id}", response_model=MyApplicationOut)
def my_application(application_id: int, session: DbSession,
                   principal: Annotated[Principal,
                                        Depends(requires(Permission.APPLICATION_READ_OWN))]
                   ) -> MyApplicationOut:
    """One of the citizen's own applications (someone else's is not found)."""
    application = service.get_application(session, application_id, Scope.of(principal))
    return my_application_out(session, application)


# --- staff ----------------------------------------------------------------------------------
@router.get("/rounds/{round_id}/applications", response_model=ApplicationPage)
def round_applications(
    round_id: int, session: DbSession,
    principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_READ))],
    status: Annotated[ApplicationStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=paging.cap())] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> ApplicationPage:
    """A round's applications, highest score first (the listing is audited)."""
    rounds.get_round(session, round_id)
    rows, total = service.list_applications(session, round_id, status=status, limit=limit,
                                            offset=offset, scope=Scope.of(principal))
    audit.record(session, principal.actor, "application.read", object_type="round",
                 object_id=round_id, details={"applications": [a.id for a in rows]})
    return ApplicationPage(total=total, items=[ApplicationSummaryOut(
        id=a.id, person_id=a.person_id, status=a.status, preferences=a.preferences,
        score=a.score, priority=a.priority, eligible=a.eligible,
        failed=a.eligibility.get("failed", []), channel=a.channel,
        submitted_at=rounds.aware(a.submitted_at)) for a in rows])


@router.get("/applications/{application_id}", response_model=ApplicationDetailOut)
def get_application(application_id: int, session: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_READ))]
                    ) -> Any:
    """One application in full, with the stored explanation (the read is audited)."""
    application = service.get_application(session, application_id, Scope.of(principal))
    audit.record(session, principal.actor, "application.read",
                 subject_person_id=application.person_id, object_type="application",
                 object_id=application.id)
    return application_out(session, application, detail=True)


@router.post("/applications/{application_id}/status", response_model=ApplicationOut,
             responses={409: {"description": "A move the life cycle does not allow"}})
def change_status(application_id: int, body: StatusIn, session: DbSession,
                  principal: Annotated[Principal,
                                       Depends(requires(Permission.APPLICATION_STATUS))]) -> Any:
    """Move an application with a note saying why. A selected or waitlisted application that
    leaves (``withdrawn`` or ``ineligible``) goes through the selection, which promotes the
    next person on the waitlist in the same transaction."""
    application = service.get_application(session, application_id, Scope.of(principal))
    offer_service.staff_move(session, application.id, body.status, actor=principal.actor,
                             note=body.note, withdrawal=body.withdrawal)
    session.expire_all()
    application = service.get_application(session, application_id)
    return application_out(session, application)


@router.post("/rounds/{round_id}/applications/import", response_model=ImportOut,
             responses={422: {"description": "Bad rows: every one with row, column and reason; "
                                             "nothing was imported"}})
def import_file(round_id: int, session: DbSession,
                      principal: Annotated[Principal,
                                           Depends(requires(Permission.APPLICATION_IMPORT))],
                      file: Annotated[UploadFile, File(description="XLSX, CSV or JSONL")]) -> Any:
    """Import a district office's file of applications: all rows or none."""
    suffix = Path(file.filename or "upload.xlsx").suffix.lower()
    if suffix not in (".xlsx", ".csv", ".jsonl", ".ndjson"):
        raise ImportFileRefused(415, "import_type", ".xlsx, .csv, .jsonl 파일만 올릴 수 있습니다.",
                                "Upload an .xlsx, .csv or .jsonl file.")
    with tempfile.TemporaryDirectory(prefix="ilja-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        size = 0
        with path.open("wb") as handle:
            while chunk := file.file.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise ImportFileRefused(413, "import_size", "파일이 너무 큽니다.",
                                            "The file is too large.")
                handle.write(chunk)
        report = importer.import_applications(session, path, round_id, principal.actor,
                                              keyring=get_keyring())
    return ImportOut(rows=report.rows, applications=report.applications,
                     replayed=report.replayed, persons_created=report.persons_created,
                     persons_matched=report.persons_matched, eligible=report.eligible,
                     ineligible=report.ineligible,
                     warnings=[{"row": w.row, "column": w.column, "reason": w.reason}
                               for w in report.warnings])

