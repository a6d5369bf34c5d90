"""Citizen pages of an offer (issue 18 §3): on their application page, why they were (not)
selected and the seat offered; accept it, or withdraw (decline a seat, leave the waitlist, or
withdraw the application before the draw) after a page that says what that does.

Every view of these pages first lapses the round's offers past their deadline, so nobody
accepts a seat that has already gone to the waitlist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts.deps import Applicant, DbSession, OwnApplicationReader, Principal
from ilja.accounts.scope import Scope
from ilja.applications import rounds, service
from ilja.applications.errors import ApplicationError, ApplicationNotFound
from ilja.applications.models import Application, Round
from ilja.applications.views import not_found, page
from ilja.selection import offer_service
from ilja.text import TEXT_PROBLEMS, text_problem
from ilja.web.templating import translator

router = APIRouter(include_in_schema=False)


def _own(session: Session, principal: Principal, application_id: int) -> Application | None:
    try:
        return service.get_application(session, application_id, Scope.of(principal))
    except ApplicationNotFound:
        return None


def _problem(request: Request, application_id: int, error: ApplicationError) -> HTMLResponse:
    return page(request, "applications/offer_problem.html", {
        "problem": error.message(translator(request).lang), "application_id": application_id,
        "active": "my"}, status_code=error.status_code)


@router.post("/my/applications/{application_id}/accept", response_class=HTMLResponse)
def accept(request: Request, application_id: int, session: DbSession,
           principal: Applicant) -> Response:
    """Accept the seat offered (before its deadline)."""
    if _own(session, principal, application_id) is None:
        return not_found(request, translator(request)("applications.application"))
    try:
        offer_service.accept(session, application_id, scope=Scope.of(principal),
                             actor=principal.actor)
    except ApplicationError as error:
        return _problem(request, application_id, error)
    return RedirectResponse(f"/my/applications/{application_id}?done=accepted", status_code=303)


def _confirm(request: Request, session: Session, application: Application,
             errors: list[tuple[str, str]] | None = None, values: dict[str, str] | None = None,
             status_code: int = 200) -> HTMLResponse:
    offer = offer_service.current_offer(session, application.id)
    units = {u.code: u.name for u in rounds.round_units(session, application.round_id)}
    return page(request, "applications/offer_withdraw.html", {
        "application": application,
        "unit": units.get(offer.unit_code, offer.unit_code) if offer else "",
        "errors": errors or [], "field_errors": dict(errors or []), "values": values or {},
        "has_errors": bool(errors), "active": "my"}, status_code=status_code)


@router.get("/my/applications/{application_id}/withdraw", response_class=HTMLResponse)
def withdraw_page(request: Request, application_id: int, session: DbSession,
                  principal: OwnApplicationReader) -> Response:
    """What withdrawing does, asked before it is done (it cannot be undone)."""
    application = _own(session, principal, application_id)
    if application is None:
        return not_found(request, translator(request)("applications.application"))
    offer_service.lapse_offers(session, round_id=application.round_id)
    session.refresh(application)
    row = session.get_one(Round, application.round_id)
    if not offer_service.can_withdraw(row, application, clock.today()):
        return RedirectResponse(f"/my/applications/{application_id}", status_code=303)
    return _confirm(request, session, application)


@router.post("/my/applications/{application_id}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, application_id: int, session: DbSession, principal: Applicant,
             note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Withdraw: decline the seat, leave the waitlist, or withdraw before the draw."""
    application = _own(session, principal, application_id)
    if application is None:
        return not_found(request, translator(request)("applications.application"))
    t = translator(request)
    text = note.strip()
    if (code := text_problem(text)) is not None:  # the page posts the note without a schema
        en, ko = TEXT_PROBLEMS[code]
        message = f"{t('offers.confirm.note')}: {en if t.lang == 'en' else ko}"
        return _confirm(request, session, application, [("note", message)], {"note": note},
                        status_code=422)
    try:
        offer_service.withdraw(session, application_id, scope=Scope.of(principal),
                               actor=principal.actor, note=text or None)
    except ApplicationError as error:
        return _problem(request, application_id, error)
    return RedirectResponse(f"/my/applications/{application_id}?done=withdrawn", status_code=303)
