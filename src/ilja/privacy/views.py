"""Pages: the citizen's "내 개인정보" (consents and their withdrawal, the download as JSON and PDF,
correction requests) and staff's queue of correction requests.

A citizen reaches only their own rows (their scope is themselves); staff the requests of the
people they may see (``accounts.scope``), answering with ``people.read_personal`` and, to correct
the registry's own fields, ``people.edit``. Every page is sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, OwnProfileEditor, OwnProfileReader, PersonalDataReader, Principal
from ilja.accounts.roles import PermissionDenied
from ilja.accounts.scope import Kind, Scope
from ilja.applications.errors import ApplicationError
from ilja.applications.models import Application, Round
from ilja.people import consent_texts, consents, registry
from ilja.people.consent_models import Consent
from ilja.people.records import RecordInvalid, RegistryError
from ilja.privacy import consent, corrections, export, pdf
from ilja.privacy.errors import PrivacyError
from ilja.privacy.models import CorrectionStatus
from ilja.support.pages import person_names
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, context, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("personal_data.title")}, status_code=404)


def _person_id(principal: Principal) -> int | None:
    return principal.user.person_id if principal.user else None


def _item_label(lang: str, item: str) -> str:
    ko, en = corrections.ITEM_LABELS[item]
    return en if lang == "en" else ko


def consent_rows(session: DbSession, rows: list[Consent], lang: str) -> list[dict[str, Any]]:
    """A consent as the page shows it: the text's label, the application's round, the status."""
    titles = {}
    for row in rows:
        if row.application_id and row.application_id not in titles:
            application = session.get(Application, row.application_id)
            titles[row.application_id] = session.get_one(Round, application.round_id).title if application else ""
    return [{"row": row, "label": consent_texts.by_version(row.purpose, row.version).label.get(lang, ""),
             "round_title": titles.get(row.application_id or 0, "")} for row in rows]


@router.get("/my/privacy", response_class=HTMLResponse)
def my_privacy(request: Request, session: DbSession, principal: OwnProfileReader, withdrawn: int = 0) -> HTMLResponse:
    """내 개인정보: my consents, the download, my correction requests."""
    person_id = _person_id(principal)
    t = translator(request)
    return _page(request, "privacy/my_privacy.html", {
        "linked": person_id is not None, "withdrawn": bool(withdrawn),
        "consents": consent_rows(session, consents.consents_of(session, person_id), t.lang) if person_id else [],
        "corrections": corrections.of_person(session, person_id) if person_id else [],
        "item_label": lambda item: _item_label(t.lang, item),
        "days": corrections.deadline_days(clock.today()), "active": "my_privacy"})


def _own_consent(session: DbSession, principal: Principal, consent_id: int) -> Consent | None:
    found: Consent | None = Scope.of(principal).get(session, Kind.CONSENT, consent_id)
    return found


def _withdraw_page(request: Request, session: DbSession, row: Consent, error: str | None = None,
                   status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    application = session.get(Application, row.application_id) if row.application_id else None
    return _page(request, "privacy/withdraw.html", {
        "consent": consent_rows(session, [row], t.lang)[0],
        "consequence": consent.consequence(row.purpose, application.status if application else None).value,
        "error": error, "has_errors": error is not None, "active": "my_privacy"}, status_code=status_code)


@router.get("/my/privacy/consents/{consent_id}/withdraw", response_class=HTMLResponse)
def withdraw_page(request: Request, consent_id: int, session: DbSession, principal: OwnProfileEditor) -> HTMLResponse:
    """What withdrawing this consent does, asked before it is done."""
    row = _own_consent(session, principal, consent_id)
    if row is None:
        return _not_found(request)
    return _withdraw_page(request, session, row)


@router.post("/my/privacy/consents/{consent_id}/withdraw", response_model=None)
def withdraw(request: Request, consent_id: int, session: DbSession, principal: OwnProfileEditor) -> Response:
    row = _own_consent(session, principal, consent_id)
    if row is None:
        return _not_found(request)
    try:
        with session.begin_nested():
            consent.withdraw(session, consent_id, actor=principal.actor, scope=Scope.of(principal))
    except (PrivacyError, ApplicationError) as error:  # a move the application's life cycle refuses
        session.refresh(row)
        return _withdraw_page(request, session, row, error.message(translator(request).lang), status_code=409)
    return RedirectResponse("/my/privacy?withdrawn=1", status_code=303)


def _download(session: DbSession, principal: Principal, fmt: str) -> tuple[int, dict[str, Any]] | None:
    person_id = _person_id(principal)
    if person_id is None:
        return None
    audit.record(session, principal.actor, "person.download_own", subject_person_id=person_id,
                 object_type="person", object_id=person_id, details={"format": fmt})
    return person_id, export.collect(session, person_id)


@router.get("/my/privacy/download.json", response_model=None)
def download_json(request: Request, session: DbSession, principal: OwnProfileReader) -> Response:
    """Everything Ilja holds on me, machine-readable (개인정보 보호법 §35)."""
    found = _download(session, principal, "json")
    if found is None:
        return _not_found(request)
    body = json.dumps(found[1], ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="ilja-my-data-{clock.today().isoformat()}.json"',
        "Cache-Control": "no-store"})


@router.get("/my/privacy/download.pdf", response_model=None)
def download_pdf(request: Request, session: DbSession, principal: OwnProfileReader) -> Response:
    """The same, as a PDF to read."""
    found = _download(session, principal, "pdf")
    if found is None:
        return _not_found(request)
    person = registry.get_person(session, found[0])
    body = pdf.render(found[1], name=person.name if person else "")
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ilja-my-data-{clock.today().isoformat()}.pdf"',
        "Cache-Control": "no-store"})


def _correction_form(request: Request, values: dict[str, str], error: PrivacyError | None = None,
                     status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    message = error.message(t.lang) if error else None
    return _page(request, "privacy/correction_form.html", {
        "values": values, "item_options": [("", t("applications.choose"))]
        + [(item, _item_label(t.lang, item)) for item in corrections.ITEMS],
        "errors": {error.field: message} if error else {}, "error_list": [(error.field, message)] if error else [],
        "has_errors": error is not None, "active": "my_privacy"}, status_code=status_code)


@router.get("/my/privacy/corrections/new", response_class=HTMLResponse)
def correction_form(request: Request, principal: OwnProfileEditor, item: str = "") -> HTMLResponse:
    return _correction_form(request, {"item": item if item in corrections.ITEMS else ""})


@router.post("/my/privacy/corrections/new", response_model=None)
def file_correction(request: Request, session: DbSession, principal: OwnProfileEditor,
                    item: Annotated[str, Form(max_length=32)] = "",
                    wrong: Annotated[str, Form(max_length=5000)] = "",
                    asked: Annotated[str, Form(max_length=5000)] = "") -> Response:
    person_id = _person_id(principal)
    if person_id is None:
        return _not_found(request)
    try:
        with session.begin_nested():
            row = corrections.file(session, person_id=person_id, item=item, wrong=wrong, asked=asked,
                                   actor=principal.actor)
    except PrivacyError as error:
        return _correction_form(request, {"item": item, "wrong": wrong, "asked": asked}, error, status_code=422)
    return RedirectResponse(f"/my/privacy/corrections/{row.id}?filed=1", status_code=303)


@router.get("/my/privacy/corrections/{correction_id}", response_class=HTMLResponse)
def my_correction(request: Request, correction_id: int, session: DbSession, principal: OwnProfileReader,
                  filed: int = 0) -> HTMLResponse:
    row = corrections.get(session, correction_id, Scope.of(principal))
    if row is None:
        return _not_found(request)
    t = translator(request)
    return _page(request, "privacy/correction.html", {
        "row": row, "filed": bool(filed), "item": _item_label(t.lang, row.item), "staff": False,
        "active": "my_privacy"})


# --- staff ----------------------------------------------------------------------------------
@router.get("/privacy/corrections", response_class=HTMLResponse)
def queue(request: Request, session: DbSession, principal: PersonalDataReader, status: str = "open") -> HTMLResponse:
    """The requests of the people this member of staff may see, the nearest deadline first."""
    t = translator(request)

    wanted = CorrectionStatus.OPEN.value if status == "open" else None
    rows = corrections.queue(session, Scope.of(principal), status=wanted)
    return _page(request, "privacy/queue.html", {
        "rows": rows, "names": person_names(session, principal, [r.person_id for r in rows]),
        "status": "open" if wanted else "all",
        "today": clock.today(), "item_label": lambda item: _item_label(t.lang, item), "active": "privacy_corrections"})


def _answer_page(request: Request, session: DbSession, principal: Principal, row: Any, values: dict[str, str],
                 errors: list[tuple[str, str]] | None = None, status_code: int = 200,
                 answered: bool = False) -> HTMLResponse:
    t = translator(request)
    audit.record(session, principal.actor, "person.read", subject_person_id=row.person_id, object_type="correction",
                 object_id=row.id, details={"fields": ["correction_request"]})
    return _page(request, "privacy/correction.html", {
        "row": row, "filed": False, "answered": answered, "item": _item_label(t.lang, row.item), "staff": True,
        "registry_item": row.item in corrections.REGISTRY_ITEMS, "values": values,
        "person_name": person_names(session, principal, [row.person_id]).get(row.person_id, ""),
        "errors": dict(errors or []), "error_list": errors or [], "has_errors": bool(errors),
        "today": clock.today(), "active": "privacy_corrections"}, status_code=status_code)


@router.get("/privacy/corrections/{correction_id}", response_class=HTMLResponse)
def correction_page(request: Request, correction_id: int, session: DbSession, principal: PersonalDataReader,
                    answered: int = 0) -> HTMLResponse:
    row = corrections.get(session, correction_id, Scope.of(principal))
    if row is None:
        return _not_found(request)
    return _answer_page(request, session, principal, row, {"value": row.asked}, answered=bool(answered))


@router.post("/privacy/corrections/{correction_id}", response_model=None)
def answer(request: Request, correction_id: int, session: DbSession, principal: PersonalDataReader,
           decision: Annotated[str, Form(max_length=16)] = "",
           value: Annotated[str, Form(max_length=1000)] = "",
           text: Annotated[str, Form(max_length=5000)] = "") -> Response:
    row = corrections.get(session, correction_id, Scope.of(principal))
    if row is None:
        return _not_found(request)
    t = translator(request)
    values = {"decision": decision, "value": value, "text": text}
    if decision not in ("accept", "refuse"):
        return _answer_page(request, session, principal, row, values,
                            [("decision-accept", t("personal_data.decision_required"))], status_code=422)
    try:
        with session.begin_nested():
            corrections.answer(session, correction_id, accept=decision == "accept", text=text, value=value,
                               actor=principal.actor, scope=Scope.of(principal))
    except PrivacyError as error:
        field = "text" if error.field == "answer" else error.field
        return _answer_page(request, session, principal, row, values, [(field, error.message(t.lang))], 422)
    except RecordInvalid as error:
        return _answer_page(request, session, principal, row, values,
                            [("value", p.message_ko if t.lang == "ko" else p.message) for p in error.problems], 422)
    except RegistryError as error:
        return _answer_page(request, session, principal, row, values,
                            [("value", error.message_ko if t.lang == "ko" else error.message)], 422)
    except PermissionDenied as error:
        return _answer_page(request, session, principal, row, values,
                            [("value", error.message_ko if t.lang == "ko" else error.message_en)], 403)
    return RedirectResponse(f"/privacy/corrections/{correction_id}?answered=1", status_code=303)
