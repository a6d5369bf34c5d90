"""Staff pages: set up, open and close rounds; import a district office's file; the applicants
with their eligibility; one application with its reasons, history and status change.

Every listing or reading of applicants' data is written to the audit log (whose, by id).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import eligibility, importer, rounds, service
from ilja.applications.errors import (
    ApplicationError,
    ApplicationNotFound,
    ImportRejected,
    InvalidRound,
)
from ilja.applications.models import (
    Application,
    ApplicationStatus,
    Round,
    RoundStatus,
    UnitKind,
)
from ilja.applications.views import (
    eligibility_view,
    history_view,
    not_found,
    page,
    program_label,
    round_card,
    selection_context,
)
from ilja.i18n import Translator
from ilja.paging import Page
from ilja.people.keys import get_keyring
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.rules.engine import default_engine
from ilja.selection import offer_service
from ilja.selection import service as selection
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
SEOUL = clock.SEOUL
PAGE_SIZE = 50
FIELD_LABELS = {"program_code": "program", "track_code": "track", "project": "project",
                "title": "title", "announced_on": "announced_on", "opens_at": "opens_at",
                "closes_at": "closes_at", "starts_on": "starts_on",
                "max_preferences": "max_preferences", "units": "units"}
"""Each form field and the key of its label under ``applications.f.``."""
UNIT_LABELS = {"code": "code", "name": "unit", "seats": "seats", "parent_code": "field"}
S = ApplicationStatus


def _masked_names(session: Session, person_ids: set[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()
    return {person_id: mask_name(name) for person_id, name in rows}


@router.get("/manage/rounds", response_class=HTMLResponse,
            dependencies=[Depends(requires(Permission.ROUND_MANAGE))])
def manage_rounds(request: Request, session: DbSession) -> HTMLResponse:
    rows = rounds.list_rounds(session)
    cards = [{**round_card(request, session, r), "counts": service.status_counts(session, r.id)}
             for r in rows]
    return render(request, "applications/manage_rounds.html", {"cards": cards,
                                                                "active": "manage"})


def _program_options(request: Request) -> list[tuple[str, str]]:
    t = translator(request)
    return [(code, t.pick(p.label_ko, p.label_en)) for code, p in default_engine().programs.items()]


def field_label(t: Translator, where: str) -> tuple[str, str]:
    """The form field a problem's place belongs to, and how the page names it: by its label,
    a unit by its line in the list (``units[2].seats`` → "모집 단위 3번째 줄 · 모집 인원")."""
    field = where.split("[")[0].split(".")[0]
    if field == "units" and "[" in where:
        number = int(where.split("[")[1].split("]")[0]) + 1
        part = where.split(".", 1)[1] if "." in where else ""
        label = t("applications.form.unit_line", n=number)
        if part in UNIT_LABELS:
            label += f" · {t('applications.f.' + UNIT_LABELS[part])}"
        return "units", label
    if field in FIELD_LABELS:
        return field, t(f"applications.f.{FIELD_LABELS[field]}")
    return "units", t("applications.form.other")


def _form_context(request: Request, values: dict[str, Any], problems: list[tuple[str, str]],
                  row: Round | None = None) -> dict[str, Any]:
    t = translator(request)
    errors, by_field = [], {}
    for where, message in problems:
        field, label = field_label(t, where)
        errors.append((field, f"{label}: {message}"))
        by_field.setdefault(field, f"{label}: {message}" if field == "units" else message)
    return {"values": values, "errors": errors, "field_errors": by_field, "round": row,
            "has_errors": bool(errors), "program_options": _program_options(request),
            "limits": _date_limits(), "active": "manage"}


def _date_limits() -> dict[str, str]:
    """The date inputs' own min and max: the browser's picker stays within what is accepted."""
    today = clock.today()
    return {"min": min(d for p in default_engine().programs if (d := rounds.rules_since(p))).isoformat(),
            "max": (today + rounds.LIMITS.notice_ahead + rounds.LIMITS.start_after_notice).isoformat()}


@router.get("/manage/rounds/new", response_class=HTMLResponse,
            dependencies=[Depends(requires(Permission.ROUND_MANAGE))])
def new_round(request: Request) -> HTMLResponse:
    today = clock.today()
    values = {"program_code": "companion_jobs", "announced_on": today.isoformat(),
              "opens_at": f"{today.isoformat()}T09:00",
              "closes_at": f"{(today + dt.timedelta(days=14)).isoformat()}T18:00",
              "starts_on": (today + dt.timedelta(days=30)).isoformat(), "max_preferences": "1",
              "units_from_plan": "1"}
    return render(request, "applications/round_form.html", _form_context(request, values, []))


def parse_units(text: str, training: bool, t: Translator | None = None
                ) -> tuple[list[rounds.UnitInput], list[tuple[str, str]], list[int]]:
    """Units typed one per line: ``code, name, seats[, field code]`` (a field without seats of
    its own leaves them empty); problems in the page's language (English without ``t``), and
    each unit's line (0 = the first non-empty line), so later problems name the right line."""
    lines = [line for line in text.splitlines() if line.strip()]
    parts = [[p.strip() for p in line.replace("\t", ",").split(",")] for line in lines]
    parents = {p[3] for p in parts if len(p) > 3 and p[3]}
    units, problems, numbers = [], [], []
    for number, cells in enumerate(parts, 1):
        if len(cells) < 2 or not cells[0]:
            problems.append((f"units[{number - 1}]", t("applications.form.unit_format") if t else
                             "write: code, name, seats[, field code]"))
            continue
        seats: int | None = None
        if len(cells) > 2 and cells[2]:
            try:
                seats = int(cells[2].replace(",", ""))
            except ValueError:
                problems.append((f"units[{number - 1}].seats", t("applications.form.whole_number") if t
                                 else "seats must be a whole number"))
                continue
        kind = UnitKind.FIELD if cells[0] in parents else (
            UnitKind.COHORT if training else UnitKind.PROJECT)
        units.append(rounds.UnitInput(cells[0], cells[1], kind, seats,
                                      cells[3] if len(cells) > 3 and cells[3] else None))
        numbers.append(number - 1)
    return units, problems, numbers


def _moment(text: str) -> dt.datetime:
    """A time typed in the form is Korea time (unless it names its own offset)."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


FORM_LIMITS = {"program_code": 64, "track_code": 64, "project": 200, "title": 300,
               "announced_on": 20, "opens_at": 30, "closes_at": 30, "starts_on": 20,
               "max_preferences": 3, "units": 200_000, "units_from_plan": 3}
"""The round form's fields and their longest accepted text."""


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: value if isinstance(value := form.get(name, ""), str) else ""
            for name in FORM_LIMITS}


def units_text(units: list[Any]) -> str:
    """Units as the form's lines: ``code, name, seats[, field code]``."""
    return "\n".join(", ".join([u.code, u.name, "" if u.seats is None else str(u.seats)]
                               + ([u.parent_code] if u.parent_code else [])) for u in units)


def _read_round(t: Translator, values: dict[str, str]
                ) -> tuple[rounds.RoundInput | None, list[tuple[str, str]]]:
    """The form's text as a round, or every field that is too long or not a date, a time or a
    number; the plan's units when asked for (or, when the plan has no head count for some,
    its units written into the list to complete)."""
    problems = [(name, t("applications.form.too_long", n=limit))
                for name, limit in FORM_LIMITS.items() if len(values[name]) > limit]
    parsed: dict[str, Any] = {}
    for name, parse, problem in (("announced_on", dt.date.fromisoformat, "bad_date"),
                                 ("starts_on", dt.date.fromisoformat, "bad_date"),
                                 ("opens_at", _moment, "bad_time"), ("closes_at", _moment, "bad_time"),
                                 ("max_preferences", int, "bad_number")):
        try:
            parsed[name] = parse(values[name])
        except ValueError:
            problems.append((name, t(f"applications.form.{problem}")))
    program_code = values["program_code"]
    unit_list, unit_problems, lines = parse_units(values["units"],
                                                  rounds.program_kind(program_code) == "training", t)
    problems += unit_problems
    if not unit_list and values["units_from_plan"]:
        unit_list = rounds.units_from_plan(program_code)
        lines = list(range(len(unit_list)))
        without = [u.name for u in unit_list if u.seats is None]
        if without:
            values["units"], values["units_from_plan"] = units_text(unit_list), ""
            problems.append(("units", t("applications.form.plan_without_seats", names=", ".join(without))))
    if len(parsed) < 5:
        return None, problems
    data = rounds.RoundInput(program_code=program_code, title=values["title"], units=unit_list,
                             track_code=values["track_code"] or None,
                             project=values["project"] or None, **parsed)
    if problems:  # the units' lines: say what else is wrong too, at once
        try:
            rounds.validate_round(data)
        except InvalidRound as error:
            problems += [(on_line(where, lines), m) for where, m in error.localized(t.lang)]
        return None, problems
    return data, []


def on_line(where: str, lines: list[int]) -> str:
    """``units[i]…`` of the parsed units as ``units[line]…`` of the text as typed."""
    if not where.startswith("units["):
        return where
    index, rest = where[6:].split("]", 1)
    return f"units[{lines[int(index)]}]{rest}"


@router.post("/manage/rounds", response_class=HTMLResponse)
async def create_round(request: Request, session: DbSession,
                       principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                       ) -> Response:
    t, values = translator(request), await _form_values(request)
    data, problems = _read_round(t, values)
    if data is not None:
        try:
            with session.begin_nested():
                row = rounds.create_round(session, data, actor=principal.actor)
            return RedirectResponse(f"/manage/rounds/{row.id}", status_code=303)
        except InvalidRound as error:
            problems = error.localized(t.lang)
    return render(request, "applications/round_form.html",
                  _form_context(request, values, problems), status_code=422)


def _round_values(session: Session, row: Round) -> dict[str, str]:
    """A saved round as the form shows it (times in Korea time)."""
    def local(moment: dt.datetime) -> str:
        return rounds.aware(moment).astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M")

    return {"program_code": row.program_code, "track_code": row.track_code or "",
            "project": row.project or "", "title": row.title,
            "announced_on": row.announced_on.isoformat(), "opens_at": local(row.opens_at),
            "closes_at": local(row.closes_at), "starts_on": row.starts_on.isoformat(),
            "max_preferences": str(row.max_preferences),
            "units": units_text(rounds.round_units(session, row.id)), "units_from_plan": ""}


def _edit_page(request: Request, session: Session, row: Round, values: dict[str, str],
               problems: list[tuple[str, str]], status_code: int = 200) -> HTMLResponse:
    """A draft's whole form; an open round's title and closing time only; else nothing to edit."""
    if row.status == RoundStatus.DRAFT:
        return render(request, "applications/round_form.html",
                      _form_context(request, values, problems, row), status_code=status_code)
    context = _form_context(request, values, problems, row)
    return render(request, "applications/round_amend.html", {
        **context, "card": round_card(request, session, row)}, status_code=status_code)


@router.get("/manage/rounds/{round_id}/edit", response_class=HTMLResponse)
def edit_round(request: Request, round_id: int, session: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
               ) -> HTMLResponse:
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    return _edit_page(request, session, row, _round_values(session, row), [])


@router.post("/manage/rounds/{round_id}/edit", response_class=HTMLResponse)
async def save_round(request: Request, round_id: int, session: DbSession,
                     principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                     ) -> Response:
    """Save a draft round whole, or an open round's title and later closing time (audited)."""
    t, values = translator(request), await _form_values(request)
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    problems: list[tuple[str, str]] = []
    try:
        with session.begin_nested():
            if row.status == RoundStatus.DRAFT:
                data, problems = _read_round(t, values)
                if data is not None:
                    rounds.update_round(session, round_id, data, actor=principal.actor)
            elif row.status == RoundStatus.OPEN:
                problems = [(n, t("applications.form.too_long", n=FORM_LIMITS[n]))
                            for n in ("title", "closes_at") if len(values[n]) > FORM_LIMITS[n]]
                try:
                    closes = _moment(values["closes_at"])
                except ValueError:
                    problems.append(("closes_at", t("applications.form.bad_time")))
                if not problems:
                    rounds.amend_open_round(session, round_id, title=values["title"],
                                            closes_at=closes, actor=principal.actor)
            else:
                return _edit_page(request, session, row, _round_values(session, row), [], 409)
    except InvalidRound as error:
        problems = error.localized(t.lang)
    except ApplicationError as error:
        session.expire_all()
        row = session.get_one(Round, round_id)
        return _edit_page(request, session, row, _round_values(session, row),
                          [("title", error.message(t.lang))], error.status_code)
    if problems:
        session.expire_all()
        row = session.get_one(Round, round_id)
        return _edit_page(request, session, row, values, problems, 422)
    return RedirectResponse(f"/manage/rounds/{round_id}?saved=1", status_code=303)


def _round_page(request: Request, session: Session, principal: Principal, row: Round,
                message: str | None = None, import_errors: list[Any] | None = None,
                import_report: Any = None, status_code: int = 200,
                error_field: str = "actions-heading") -> HTMLResponse:
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
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))],
                 saved: str = "") -> HTMLResponse:
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    return _round_page(request, session, principal, row,
                       message=translator(request)("applications.saved") if saved else None)


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


@router.get("/manage/rounds/{round_id}/open", response_class=HTMLResponse)
def open_confirm(request: Request, round_id: int, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                 ) -> HTMLResponse:
    """Opening cannot be undone: the page says what it starts and what is fixed from then on."""
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    return render(request, "applications/open_confirm.html", {
        "round": row, "card": round_card(request, session, row), "active": "manage"})


@router.post("/manage/rounds/{round_id}/open", response_class=HTMLResponse)
def open_round(request: Request, round_id: int, session: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
               ) -> Response:
    """Open a round: applications are taken and the lottery seed's commitment is published."""
    return _round_action(request, session, principal, round_id, rounds.open_round)


@router.post("/manage/rounds/{round_id}/close", response_class=HTMLResponse)
def close_round(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.ROUND_MANAGE))]
                ) -> Response:
    return _round_action(request, session, principal, round_id, rounds.close_round)


@router.post("/manage/rounds/{round_id}/import", response_class=HTMLResponse)
def import_file(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_IMPORT))],
                file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Import a district office's file: all rows or none, with every bad row listed."""
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
    pager = Page.at(page_number, PAGE_SIZE, param="page_number", query={"status": wanted})
    rows, total = service.list_applications(session, round_id, status=wanted, limit=pager.size,
                                            offset=pager.offset, scope=Scope.of(principal))
    audit.record(session, principal.actor, "application.read", object_type="round",
                 object_id=round_id, details={"applications": [a.id for a in rows]})
    context = eligibility.eligibility_context(session, rows[0]) if rows else {"conditions": {}}
    t = translator(request)
    labels = {cid: t.pick(label["ko"], label["en"]) for cid, label in context["conditions"].items()}
    return page(request, "applications/applicants.html", {
        "round": row, "program": program_label(request, row.program_code), "rows": rows,
        "names": _masked_names(session, {a.person_id for a in rows}), "labels": labels,
        "total": total, "pager": pager.of(total),
        "status": wanted or "", "statuses": [s.value for s in S],
        "counts": service.status_counts(session, round_id), "active": "manage"})


def _application_page(request: Request, session: Session, principal: Principal,
                      application: Application, errors: list[tuple[str, str]] | None = None,
                      status_code: int = 200) -> HTMLResponse:
    t = translator(request)

    selection = selection_context(request, session, application, staff=True)
    row = session.get_one(Round, application.round_id)
    return page(request, "applications/application.html", {
        **selection, "application": application, "round": row,
        "program": program_label(request, row.program_code),
        "name": _masked_names(session, {application.person_id}).get(application.person_id, ""),
        "units": {u.code: u for u in rounds.round_units(session, row.id)},
        "eligibility": eligibility_view(session, application, t.lang),
        "history": history_view(request, session, application.id),
        "can_change": principal.can(Permission.APPLICATION_STATUS),
        "statuses": [s.value for s in S if s != S.SUBMITTED],
        "errors": errors or [], "field_errors": dict(errors or []), "values": {},
        "has_errors": bool(errors), "active": "manage"}, status_code=status_code)


def _application(session: DbSession, principal: Principal, application_id: int) -> Application | None:
    """The application if it is within the caller's scope, else None (a 404 page)."""
    try:
        return service.get_application(session, application_id, Scope.of(principal))
    except ApplicationNotFound:
        return None


@router.get("/manage/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: int, session: DbSession,
                     principal: Annotated[Principal,
                                          Depends(requires(Permission.APPLICATION_READ))]
                     ) -> HTMLResponse:
    application = _application(session, principal, application_id)
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
    application = _application(session, principal, application_id)
    if application is None:
        return not_found(request, translator(request)("applications.application"))
    t = translator(request)
    if status not in {s.value for s in S}:
        return _application_page(request, session, principal, application,
                                 [("status", t("applications.choose_status"))], 422)
    try:
        with session.begin_nested():
            offer_service.staff_move(session, application_id, status, actor=principal.actor,
                                     note=note, withdrawal=withdrawal)
    except ApplicationError as error:
        session.expire_all()
        return _application_page(request, session, principal, application,
                                 [("note", error.message(t.lang))], error.status_code)
    return RedirectResponse(f"/manage/applications/{application_id}", status_code=303)

