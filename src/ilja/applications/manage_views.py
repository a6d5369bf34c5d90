"""Staff pages: set up, open and close rounds; import a district office's file; the applicants
with their eligibility; one application with its reasons, history and status change.

Every listing or reading of applicants' data is written to the audit log (whose, by id).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.applications import importer, service
from ilja.applications.errors import ApplicationError, ImportRejected, InvalidRound
from ilja.applications.models import (
    Application,
    ApplicationStatus,
    Round,
    UnitKind,
)
from ilja.applications.views import (
    eligibility_view,
    history_view,
    not_found,
    page,
    program_label,
    round_card,
)
from ilja.rules.engine import default_engine
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
SEOUL = ZoneInfo("Asia/Seoul")
PAGE_SIZE = 50
FORM_FIELDS = ("program_code", "track_code", "project", "title", "announced_on", "opens_at",
               "closes_at", "starts_on", "max_preferences", "units")
S = ApplicationStatus


def _masked_names(session: Session, person_ids: set[int]) -> dict[int, str]:
    from ilja.people.models import Person
    from ilja.people.records import mask_name

    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()
    return {person_id: mask_name(name) for person_id, name in rows}


@router.get("/manage/rounds", response_class=HTMLResponse,
            dependencies=[Depends(requires(Permission.ROUND_MANAGE))])
def manage_rounds(request: Request, session: DbSession) -> HTMLResponse:
    rows = service.list_rounds(session)
    cards = [{**round_card(request, session, r), "counts": service.status_counts(session, r.id)}
             for r in rows]
    return render(request, "applications/manage_rounds.html", {"cards": cards,
                                                                "active": "manage"})


def _program_options(request: Request) -> list[tuple[str, str]]:
    t = translator(request)
    return [(code, t.pick(p.label_ko, p.label_en)) for code, p in default_engine().programs.items()]


def _form_context(request: Request, values: dict[str, Any],
                  problems: list[tuple[str, str]]) -> dict[str, Any]:
    errors = []
    for where, message in problems:
        field = where.split("[")[0].split(".")[0]
        errors.append((field if field in FORM_FIELDS else "title", f"{where}: {message}"))
    return {"values": values, "errors": errors, "field_errors": dict(errors),
            "has_errors": bool(errors), "program_options": _program_options(request),
            "active": "manage"}


@router.get("/manage/rounds/new", response_class=HTMLResponse,
            dependencies=[Depends(requires(Permission.ROUND_MANAGE))])
def new_round(request: Request) -> HTMLResponse:
    today = dt.datetime.now(SEOUL).date()
    values = {"program_code": "companion_jobs", "announced_on": today.isoformat(),
              "opens_at": f"{today.isoformat()}T09:00",
              "closes_at": f"{(today + dt.timedelta(days=14)).isoformat()}T18:00",
              "starts_on": (today + dt.timedelta(days=30)).isoformat(), "max_preferences": "1",
              "units_from_plan": "1"}
    return render(request, "applications/round_form.html", _form_context(request, values, []))


def parse_units(text: str, training: bool) -> tuple[list[service.UnitInput], list[tuple[str, str]]]:
    """Units typed one per line: ``code, name, seats[, field code]`` (a field without seats of
    its own leaves them empty)."""
    lines = [line for line in text.splitlines() if line.strip()]
    parts = [[p.strip() for p in line.replace("\t", ",").split(",")] for line in lines]
    parents = {p[3] for p in parts if len(p) > 3 and p[3]}
    units, problems = [], []
    for number, cells in enumerate(parts, 1):
        if len(cells) < 2 or not cells[0]:
            problems.append((f"units[{number - 1}]", "write: code, name, seats[, field code]"))
            continue
        seats: int | None = None
        if len(cells) > 2 and cells[2]:
            try:
                seats = int(cells[2].replace(",", ""))
            except ValueError:
                problems.append((f"units[{number - 1}].seats", "seats must be a whole number"))
                continue
        kind = UnitKind.FIELD if cells[0] in parents else (
            UnitKind.COHORT if training else UnitKind.PROJECT)
        units.append(service.UnitInput(cells[0], cells[1], kind, seats,
                                       cells[3] if len(cells) > 3 and cells[3] else None))
    return units, problems


def _moment(text: str) -> dt.datetime:
    """A time typed in the form is Korea time (unless it names its own offset)."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


@router.post("/manage/rounds", response_class=HTMLResponse)
def create_round(request: Request, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))],
                 program_code: Annotated[str, Form(max_length=64)] = "",
                 track_code: Annotated[str, Form(max_length=64)] = "",
                 project: Annotated[str, Form(max_length=200)] = "",
                 title: Annotated[str, Form(max_length=300)] = "",
                 announced_on: Annotated[str, Form(max_length=20)] = "",
                 opens_at: Annotated[str, Form(max_length=30)] = "",
                 closes_at: Annotated[str, Form(max_length=30)] = "",
                 starts_on: Annotated[str, Form(max_length=20)] = "",
                 max_preferences: Annotated[str, Form(max_length=3)] = "1",
                 units: Annotated[str, Form(max_length=200_000)] = "",
                 units_from_plan: Annotated[str, Form(max_length=3)] = "") -> Response:
    values = {"program_code": program_code, "track_code": track_code, "project": project,
              "title": title, "announced_on": announced_on, "opens_at": opens_at,
              "closes_at": closes_at, "starts_on": starts_on, "max_preferences": max_preferences,
              "units": units, "units_from_plan": units_from_plan}
    problems: list[tuple[str, str]] = []
    parsed: dict[str, Any] = {}
    for name, parse in (("announced_on", dt.date.fromisoformat), ("starts_on", dt.date.fromisoformat),
                        ("opens_at", _moment), ("closes_at", _moment), ("max_preferences", int)):
        try:
            parsed[name] = parse(values[name])
        except ValueError:
            problems.append((name, translator(request)("applications.form_invalid_value")))
    training = service.program_kind(program_code) == "training"
    unit_list, unit_problems = parse_units(units, training)
    problems += unit_problems
    if not unit_list and units_from_plan:
        unit_list = service.units_from_plan(program_code)
    if not problems:
        data = service.RoundInput(program_code=program_code, title=title, units=unit_list,
                                  track_code=track_code or None, project=project or None,
                                  **parsed)
        try:
            with session.begin_nested():
                row = service.create_round(session, data, actor=principal.actor)
            return RedirectResponse(f"/manage/rounds/{row.id}", status_code=303)
        except InvalidRound as error:
            problems = error.problems
    return render(request, "applications/round_form.html",
                  _form_context(request, values, problems), status_code=422)


def _round_page(request: Request, session: Session, principal: Principal, row: Round,
                message: str | None = None, import_errors: list[Any] | None = None,
                import_report: Any = None, status_code: int = 200,
                error_field: str = "actions-heading") -> HTMLResponse:
    from ilja.selection import service as selection

    return render(request, "applications/manage_round.html", {
        "round": row, "card": round_card(request, session, row),
        "counts": service.status_counts(session, row.id),
        "competition": selection.competition(session, row.id),
        "run": selection.get_run(session, row.id), "message": message,
        "import_errors": import_errors or [], "import_report": import_report,
        "can_import": principal.can(Permission.APPLICATION_IMPORT),
        "can_read": principal.can(Permission.APPLICATION_READ),
        "can_select": principal.can(Permission.SELECTION_READ),
        "errors": [(error_field, m) for m in ([message] if message and status_code >= 400
                                                 else [])],
        "has_errors": bool(message and status_code >= 400),
        "active": "manage"}, status_code=status_code)


@router.get("/manage/rounds/{round_id}", response_class=HTMLResponse)
def manage_round(request: Request, round_id: int, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                 ) -> HTMLResponse:
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    return _round_page(request, session, principal, row)


def _round_action(request: Request, session: Session, principal: Principal, round_id: int,
                  operation: Any) -> Response:
    try:
        with session.begin_nested():
            operation(session, round_id, actor=principal.actor)
    except ApplicationError as error:
        row = session.get(Round, round_id)
        if row is None:
            return not_found(request, translator(request)("applications.round"))
        return _round_page(request, session, principal, row,
                           message=error.message(translator(request).lang),
                           status_code=error.status_code)
    return RedirectResponse(f"/manage/rounds/{round_id}", status_code=303)


@router.post("/manage/rounds/{round_id}/open", response_class=HTMLResponse)
def open_round(request: Request, round_id: int, session: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
               ) -> Response:
    """Open a round: applications are taken and the lottery seed's commitment is published."""
    return _round_action(request, session, principal, round_id, service.open_round)


@router.post("/manage/rounds/{round_id}/close", response_class=HTMLResponse)
def close_round(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                ) -> Response:
    return _round_action(request, session, principal, round_id, service.close_round)


@router.post("/manage/rounds/{round_id}/import", response_class=HTMLResponse)
def import_file(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_IMPORT))],
                file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Import a district office's file: all rows or none, with every bad row listed."""
    from ilja.people.keys import get_keyring

    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    t = translator(request)
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv", ".jsonl", ".ndjson"):
        return _round_page(request, session, principal, row,
                           message=t("applications.import_type"), status_code=415,
                           error_field="import-file")
    with tempfile.TemporaryDirectory(prefix="ilja-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        try:
            with session.begin_nested():
                report = importer.import_applications(session, path, round_id, principal.actor,
                                                      keyring=get_keyring())
        except ImportRejected as error:
            return _round_page(request, session, principal, row,
                               message=error.message(t.lang), import_errors=error.rows,
                               status_code=422, error_field="import-file")
        except ApplicationError as error:
            return _round_page(request, session, principal, row, message=error.message(t.lang),
                               status_code=error.status_code, error_field="import-file")
    return _round_page(request, session, principal, row, import_report=report)


@router.get("/manage/rounds/{round_id}/applicants", response_class=HTMLResponse)
def applicants(request: Request, round_id: int, session: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_READ))],
               status: str = "", page_number: int = 1) -> HTMLResponse:
    """The round's applicants with their eligibility, highest score first (audited)."""
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    wanted = status if status in {s.value for s in S} else None
    page_number = max(1, min(page_number, 100_000))
    rows, total = service.list_applications(session, round_id, status=wanted, limit=PAGE_SIZE,
                                            offset=(page_number - 1) * PAGE_SIZE)
    audit.record(session, principal.actor, "application.read", object_type="round",
                 object_id=round_id, details={"applications": [a.id for a in rows]})
    context = service.eligibility_context(session, rows[0]) if rows else {"conditions": {}}
    t = translator(request)
    labels = {cid: t.pick(label["ko"], label["en"]) for cid, label in context["conditions"].items()}
    return page(request, "applications/applicants.html", {
        "round": row, "program": program_label(request, row.program_code), "rows": rows,
        "names": _masked_names(session, {a.person_id for a in rows}), "labels": labels,
        "total": total, "page": page_number, "pages": max(1, -(-total // PAGE_SIZE)),
        "status": wanted or "", "statuses": [s.value for s in S],
        "counts": service.status_counts(session, round_id), "active": "manage"})


def _application_page(request: Request, session: Session, principal: Principal,
                      application: Application, errors: list[tuple[str, str]] | None = None,
                      status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    row = session.get_one(Round, application.round_id)
    return page(request, "applications/application.html", {
        "application": application, "round": row,
        "program": program_label(request, row.program_code),
        "name": _masked_names(session, {application.person_id}).get(application.person_id, ""),
        "units": {u.code: u for u in service.round_units(session, row.id)},
        "eligibility": eligibility_view(session, application, t.lang),
        "history": history_view(request, session, application.id),
        "can_change": principal.can(Permission.APPLICATION_STATUS),
        "statuses": [s.value for s in S if s != S.SUBMITTED],
        "errors": errors or [], "field_errors": dict(errors or []), "values": {},
        "has_errors": bool(errors), "active": "manage"}, status_code=status_code)


@router.get("/manage/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: int, session: DbSession,
                     principal: Annotated[Principal,
                                          Depends(requires(Permission.APPLICATION_READ))]
                     ) -> HTMLResponse:
    application = session.get(Application, application_id)
    if application is None:
        return not_found(request, translator(request)("applications.application"))
    audit.record(session, principal.actor, "application.read",
                 subject_person_id=application.person_id, object_type="application",
                 object_id=application.id)
    return _application_page(request, session, principal, application)


@router.post("/manage/applications/{application_id}/status", response_class=HTMLResponse)
def change_status(request: Request, application_id: int, session: DbSession,
                  principal: Annotated[Principal,
                                       Depends(requires(Permission.APPLICATION_STATUS))],
                  status: Annotated[str, Form(max_length=20)] = "",
                  note: Annotated[str, Form(max_length=1000)] = "",
                  withdrawal: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Move an application with a note; leaving a seat promotes the next on the waitlist."""
    application = session.get(Application, application_id)
    if application is None:
        return not_found(request, translator(request)("applications.application"))
    t = translator(request)
    if status not in {s.value for s in S}:
        return _application_page(request, session, principal, application,
                                 [("status", t("applications.choose_status"))], 422)
    try:
        with session.begin_nested():
            leaving = (application.status in (S.SELECTED, S.WAITLISTED)
                       and status in (S.WITHDRAWN, S.INELIGIBLE))
            if leaving:
                from ilja.selection import service as selection

                kind = withdrawal if withdrawal in ("declined", "dropped", "ineligible") else (
                    "ineligible" if status == S.INELIGIBLE else "declined")
                selection.withdraw(session, application.round_id, {application.id: kind},
                                   actor=principal.actor, note=note)
            else:
                service.change_status(session, application_id, status, actor=principal.actor,
                                      note=note)
    except ApplicationError as error:
        session.expire_all()
        return _application_page(request, session, principal, application,
                                 [("note", error.message(t.lang))], error.status_code)
    return RedirectResponse(f"/manage/applications/{application_id}", status_code=303)

