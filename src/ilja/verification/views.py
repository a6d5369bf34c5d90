"""Pages of verification for staff: the round's queue, an application's facts beside their
evidence (accept, correct with a reason, record a paper), the household entered from a
주민등록등본, the records-check import, and an uploaded paper's download. Korean first, English
with ``?lang=en``; every page ``no-store``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import (
    ApplicationImporter,
    ApplicationReader,
    DbSession,
    PersonalDataReader,
    Principal,
    StatusChanger,
)
from ilja.accounts.roles import Permission
from ilja.accounts.scope import SEE_ALL, Scope
from ilja.applications import rounds
from ilja.applications.errors import ApplicationError
from ilja.config import get_settings
from ilja.people.keys import get_keyring
from ilja.people.records import mask_name
from ilja.people.registry import get_person
from ilja.selection import service as selection
from ilja.selection import verification_gate
from ilja.verification import catalogue, records_check, service
from ilja.verification.evaluation import persons_of
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"active": "verification", **context}, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("verification.title")},
                  status_code=404)


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _fact_label(code: str, lang: str) -> str:
    fact = catalogue.FACTS[code]
    return _label((fact.ko, fact.en), lang)


def citizen_facts(request: Request, session: DbSession, application: Any) -> dict[str, Any]:
    """The applicant's verified facts for their own application page: what was verified, how
    (the paper seen at the counter or uploaded, or the records check and its date) and by whom
    (the role), in words; and what the draw did with their verification."""
    t = translator(request)
    lines = []
    for item in service.evidence_of(session, application.id):
        fact = item.fact
        if item.checked_on is not None:
            how = t("verification.mine.how_records", date=item.checked_on.isoformat())
        elif item.document is not None:
            paper = _label(catalogue.DOCUMENTS[item.document.document], t.lang)
            how = t(f"verification.mine.how_{item.document.via}", paper=paper)
        else:
            how = t("verification.mine.how_staff")
        role = f"accounts.roles.{item.role}"
        lines.append({
            "label": _fact_label(fact.fact, t.lang),
            "value": catalogue.shown(fact.fact, fact.value, t.lang), "how": how,
            "corrected": fact.method == "corrected", "reason": fact.reason,
            "at": fact.verified_at,
            "who": t(role) if item.role and t.has(role) else t("verification.mine.staff")})
    at_run = verification_gate.at_selection(session, application.id)
    return {"lines": lines, "at_run": at_run.state if at_run else None,
            "deadline": at_run.deadline if at_run else None}


# --------------------------------------------------------------------------------------------
# The round's queue and the records check
# --------------------------------------------------------------------------------------------
def _queue_page(request: Request, session: DbSession, principal: Principal, round_id: int, *,
                problems: list[records_check.Problem] | None = None, imported: int | None = None,
                show: str = "open", status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    try:
        row = rounds.get_round(session, round_id)
    except ApplicationError:
        return _not_found(request)
    scope = Scope.of(principal)
    rows = service.queue(session, round_id, scope=scope, only_open=show != "all")
    names = {}
    for item in rows:
        person = get_person(session, item.application.person_id, scope)
        names[item.application.id] = mask_name(person.name) if person else ""
    facts = [_label((catalogue.FACTS[f].ko, catalogue.FACTS[f].en), t.lang)
             for f in catalogue.facts_to_verify(row.program_code, row.starts_on)]
    treatment = catalogue.parameter("unverified_at_selection", row.program_code, row.starts_on)
    fields = {"checked_on": t("verification.checked_on"), "records_file": t("verification.records_file")}
    messages = [(p.row, fields.get(p.column, p.column), p.en if t.lang == "en" else p.ko) for p in problems or []]
    return _page(request, "verification/queue.html", {
        "round": row, "rows": rows, "names": names, "facts": facts, "treatment": treatment,
        "problems": messages, "imported": imported, "show": show,
        "can_import": scope.role in SEE_ALL and principal.can(Permission.APPLICATION_IMPORT),
        "today": clock.today().isoformat(),
        "error_list": [("records_file", t("verification.file_refused", count=len(messages)))] if messages else []},
        status_code=status_code)


@router.get("/rounds/{round_id}/verification", response_class=HTMLResponse)
def queue_page(request: Request, round_id: int, session: DbSession, principal: ApplicationReader,
               show: str = "open", imported: int | None = None) -> HTMLResponse:
    """확인 대기열: the round's applications whose facts or papers still wait."""
    return _queue_page(request, session, principal, round_id, show=show, imported=imported)


@router.post("/rounds/{round_id}/verification/records-check", response_model=None)
async def import_records(request: Request, round_id: int, session: DbSession, principal: ApplicationImporter,
                         records_file: Annotated[UploadFile | None, File()] = None,
                         checked_on: Annotated[str, Form()] = "") -> Response:
    """Import a records-check result file: refused whole with row and column, or stored."""
    if Scope.of(principal).role not in SEE_ALL:
        return _not_found(request)
    problems: list[records_check.Problem] = []
    try:
        on = dt.date.fromisoformat(checked_on.strip())
    except ValueError:
        problems.append(records_check.Problem(0, "checked_on", "조회일을 YYYY-MM-DD로 입력하십시오.",
                                              "Give the date of the check as YYYY-MM-DD."))
    data = await records_file.read() if records_file is not None else b""
    if not data:
        problems.append(records_check.Problem(0, "records_file", "결과 파일을 고르십시오.", "Choose the result file."))
    if not problems:
        try:
            with session.begin_nested():
                result = records_check.import_check(
                    session, data, records_file.filename or "" if records_file else "", round_id,
                    checked_on=on, actor=principal.actor, keyring=get_keyring(), withdraw=selection.withdraw)
        except records_check.FileRefused as refused:
            problems = refused.problems
        except ApplicationError:
            return _not_found(request)
        else:
            return RedirectResponse(f"/rounds/{round_id}/verification?imported={result.rows}", status_code=303)
    return _queue_page(request, session, principal, round_id, problems=problems, status_code=422)


# --------------------------------------------------------------------------------------------
# One application
# --------------------------------------------------------------------------------------------
def _in_scope(session: DbSession, principal: Principal, application_id: int) -> tuple[Any, Any, str] | None:
    """The application within the principal's scope, its round and the applicant's masked name;
    None if it is not there."""
    scope = Scope.of(principal)
    try:
        application = service.application_in_scope(session, application_id, scope)
    except service.NotFound:
        return None
    person = get_person(session, application.person_id, scope)
    return application, rounds.get_round(session, application.round_id), mask_name(person.name) if person else ""


def _refusal(error: service.VerificationError | ApplicationError) -> service.VerificationError:
    """A step's refusal as the page shows it (an application's refusal in the same words)."""
    if isinstance(error, service.VerificationError):
        return error
    return service.VerificationError(error.message("ko"), error.message("en"))


def _application_page(request: Request, session: DbSession, principal: Principal, application_id: int,
                      *, error: service.VerificationError | None = None, values: dict[str, str] | None = None,
                      done: str | None = None, status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    found = _in_scope(session, principal, application_id)
    if found is None:
        return _not_found(request)
    application, row, name = found
    papers = service.documents_of(session, application.id)
    lines = service.fact_lines(session, application, row)

    declared = persons_of(session, [application.person_id])[application.person_id]
    required = catalogue.required_documents(row.program_code, row.starts_on,
                                            livelihood_benefit=declared.get("receives_livelihood_benefit"))
    have = {p.document for p in papers}
    message = error.message(t.lang) if error else None
    field = (error.field or "fact") if error else None
    at_run = verification_gate.at_selection(session, application.id)
    return _page(request, "verification/application.html", {
        "application": application, "round": row, "name": name,
        "lines": [{"fact": line.fact,
                   "label": _label((catalogue.FACTS[line.fact].ko, catalogue.FACTS[line.fact].en), t.lang),
                   "declared": catalogue.shown(line.fact, line.declared, t.lang),
                   "verified": line.verified,
                   "value": catalogue.shown(line.fact, line.verified.value, t.lang) if line.verified else None}
                  for line in lines],
        "papers": [{"row": p, "label": _label(catalogue.DOCUMENTS[p.document], t.lang)} for p in papers],
        "required": [{"code": code, "label": _label(catalogue.DOCUMENTS[code], t.lang), "required": needed,
                      "in": code in have} for code, needed in required],
        "document_options": [("", t("verification.choose"))] + [
            (code, _label(label, t.lang)) for code, label in catalogue.DOCUMENTS.items()],
        "fact_options": [("", t("verification.choose"))] + [
            (line.fact, _fact_label(line.fact, t.lang))
            for line in lines if catalogue.FACTS[line.fact].kind not in ("household", "members")],
        "evidence_options": [("", t("verification.no_paper"))] + [
            (str(p.id), _label(catalogue.DOCUMENTS[p.document], t.lang)) for p in papers],
        "values": values or {}, "errors": {field: message} if error else {},
        "error_list": [(field, message)] if error else [], "done": done, "at_run": at_run,
        "can_read_papers": principal.can(Permission.PEOPLE_READ_PERSONAL),
        "can_verify": principal.can(Permission.APPLICATION_STATUS)}, status_code=status_code)


@router.get("/verification/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: int, session: DbSession, principal: ApplicationReader,
                     done: str | None = None) -> HTMLResponse:
    """One application's declared facts beside their evidence."""
    return _application_page(request, session, principal, application_id,
                             done=done if done in ("paper", "fact", "household") else None)


@router.post("/verification/applications/{application_id}/papers", response_model=None)
async def record_paper(request: Request, application_id: int, session: DbSession, principal: StatusChanger,
                       document: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                       paper_file: Annotated[UploadFile | None, File()] = None) -> Response:
    """A paper uploaded (PDF, JPG, PNG) or, with no file, seen at the counter."""
    scope = Scope.of(principal)
    content = await paper_file.read() if paper_file is not None else b""
    try:
        with session.begin_nested():
            if content:
                service.upload_document(session, application_id, document, content, actor=principal.actor,
                                        keyring=get_keyring(), store=get_settings().data_dir, scope=scope)
            else:
                service.record_counter_document(session, application_id, document, actor=principal.actor,
                                                note=note, scope=scope)
    except service.NotFound:
        return _not_found(request)
    except service.VerificationError as error:
        return _application_page(request, session, principal, application_id, error=error,
                                 values={"document": document, "note": note}, status_code=422)
    return RedirectResponse(f"/verification/applications/{application_id}?done=paper", status_code=303)


@router.post("/verification/applications/{application_id}/facts", response_model=None)
def verify_fact(request: Request, application_id: int, session: DbSession, principal: StatusChanger,
                fact: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "",
                value: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
                document_id: Annotated[str, Form()] = "") -> Response:
    """Accept the declared value, or correct it with the verified value and a reason."""
    scope = Scope.of(principal)
    paper = int(document_id) if document_id.isdigit() else None
    try:
        with session.begin_nested():
            if action == "accept":
                service.accept_fact(session, application_id, fact, actor=principal.actor, document_id=paper,
                                    scope=scope, withdraw=selection.withdraw)
            elif action == "correct":
                service.correct_fact(session, application_id, fact, value, reason=reason,
                                     actor=principal.actor, document_id=paper, scope=scope,
                                     withdraw=selection.withdraw)
            else:
                raise service.VerificationError("확인 또는 정정을 고르십시오.", "Choose accept or correct.",
                                                "action-accept")
    except service.NotFound:
        return _not_found(request)
    except (service.VerificationError, ApplicationError) as error:
        failure = _refusal(error)
        return _application_page(request, session, principal, application_id, error=failure, status_code=422,
                                 values={"fact": fact, "action": action, "value": value, "reason": reason,
                                         "document_id": document_id})
    return RedirectResponse(f"/verification/applications/{application_id}?done=fact", status_code=303)


# --------------------------------------------------------------------------------------------
# The household from a 주민등록등본
# --------------------------------------------------------------------------------------------
MEMBER_ROWS = 8


def _household_page(request: Request, session: DbSession, principal: Principal, application_id: int, *,
                    error: service.VerificationError | None = None, values: dict[str, str] | None = None,
                    status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    found = _in_scope(session, principal, application_id)
    if found is None:
        return _not_found(request)
    application, row, name = found
    copies = [p for p in service.documents_of(session, application.id) if p.document == "resident_registration_copy"]
    facts = service.verified_facts(session, application.id)
    if values is None:  # the members verified before, or the applicant alone
        members = facts["household_members"].value if "household_members" in facts else [["self", ""]]
        values = {"document_id": str(copies[-1].id) if copies else ""}
        for at, (relation, income) in enumerate(members):
            values[f"relation-{at}"], values[f"income-{at}"] = relation, str(income)
    message = error.message(t.lang) if error else None
    field = (error.field or "relation-0") if error else None
    return _page(request, "verification/household.html", {
        "application": application, "round": row, "name": name,
        "rows": range(MEMBER_ROWS), "copies": copies,
        "relation_options": [("", t("verification.choose"))] + [
            (code, _label(pair, t.lang)) for code, pair in catalogue.RELATIONS.items()],
        "evidence_options": [("", t("verification.choose"))] + [
            (str(p.id), f"{_label(catalogue.DOCUMENTS[p.document], t.lang)} ({t('verification.via.' + p.via)})")
            for p in copies],
        "current": {code: catalogue.shown(code, facts[code].value, t.lang)
                    for code in ("household_members", "household_size", "household_income_krw") if code in facts},
        "values": values, "errors": {field: message} if error else {},
        "error_list": [(field, message)] if error else []}, status_code=status_code)


@router.get("/verification/applications/{application_id}/household", response_class=HTMLResponse)
def household_page(request: Request, application_id: int, session: DbSession,
                   principal: StatusChanger) -> HTMLResponse:
    """The household entered from a 주민등록등본: its members with their monthly incomes."""
    return _household_page(request, session, principal, application_id)


@router.post("/verification/applications/{application_id}/household", response_model=None)
async def set_household(request: Request, application_id: int, session: DbSession,
                        principal: StatusChanger) -> Response:
    """Store the household (members, size, income) and judge the application again."""
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ["document_id", "note"] + [
        f"{kind}-{at}" for at in range(MEMBER_ROWS) for kind in ("relation", "income")]}
    entries = [(values[f"relation-{at}"], values[f"income-{at}"]) for at in range(MEMBER_ROWS)]
    paper = int(values["document_id"]) if values["document_id"].isdigit() else None
    try:
        with session.begin_nested():
            service.set_household(session, application_id, entries, document_id=paper, actor=principal.actor,
                                  note=values["note"], scope=Scope.of(principal), withdraw=selection.withdraw)
    except service.NotFound:
        return _not_found(request)
    except (service.VerificationError, ApplicationError) as error:
        failure = _refusal(error)
        return _household_page(request, session, principal, application_id, error=failure, values=values,
                               status_code=422)
    return RedirectResponse(f"/verification/applications/{application_id}?done=household", status_code=303)


@router.get("/verification/documents/{document_id}", response_model=None)
def paper_download(request: Request, document_id: int, session: DbSession, principal: PersonalDataReader) -> Response:
    """An uploaded paper, for staff who may see the application (the read is audited)."""
    try:
        row, content = service.read_document(session, document_id, actor=principal.actor, keyring=get_keyring(),
                                             store=get_settings().data_dir, scope=Scope.of(principal))
    except service.NotFound:
        return _not_found(request)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[row.media_type or ""]
    return Response(content, media_type=row.media_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="paper-{row.id}.{extension}"'})
