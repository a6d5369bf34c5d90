"""Selection pages: a round's selection (run it, review each person's score, rank, outcome and
reasons, the 경쟁률, the offers with their deadlines and the waitlists, record a no-show, export
with a reason) and the public page of a round's seats, cut-offs and lottery verification."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import rounds
from ilja.applications import service as applications
from ilja.applications.errors import ApplicationError
from ilja.applications.manage_views import _masked_names
from ilja.applications.models import Round, RoundStatus
from ilja.applications.views import last_day, not_found, page, program_label, round_card
from ilja.paging import Page
from ilja.selection import offer_service, service, standing
from ilja.selection.api import XLSX
from ilja.selection.errors import SelectionError
from ilja.text import TEXT_PROBLEMS, text_problem
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def _selection_page(request: Request, session: Session, principal: Principal, row: Round,
                    page_number: int = 1, errors: list[tuple[str, str]] | None = None,
                    status_code: int = 200) -> HTMLResponse:
    run = service.get_run(session, row.id)
    pager = Page.at(page_number, PAGE_SIZE, param="page_number")
    rows: list[service.ResultRow] = []
    total = 0
    offers: list[Any] = []
    waitlists: dict[str, list[tuple[int, int, int]]] = {}
    if run is not None and run.status == "completed":
        offer_service.lapse_offers(session, round_id=row.id)
        rows, total = service.results(session, row.id, limit=pager.size, offset=pager.offset,
                                      scope=Scope.of(principal))
        offers = offer_service.round_offers(session, row.id, scope=Scope.of(principal))
        waitlists = standing.waitlists(session, run, scope=Scope.of(principal))
        service.audit_results_read(session, row.id, rows, actor=principal.actor)
    people = {r.person_id for r in rows} | {a.person_id for _, a in offers} | {
        p for line in waitlists.values() for _, _, p in line}
    units = {u.code: u for u in rounds.round_units(session, row.id)}
    return page(request, "selection/selection.html", {
        "round": row, "card": round_card(request, session, row), "run": run, "rows": rows,
        "total": total, "pager": pager.of(total),
        "names": _masked_names(session, people), "units": units,
        "offers": offers, "waitlists": waitlists, "deadline": last_day,
        "competition": service.competition(session, row.id),
        "stats": (run.stats if run is not None else None) or {},
        "unit_stats": {u["unit"]: u for u in ((run.stats or {}) if run else {}).get("units", [])},
        "can_run": principal.can(Permission.SELECTION_RUN),
        "can_export": principal.can(Permission.SELECTION_EXPORT),
        "errors": errors or [], "field_errors": dict(errors or []), "values": {},
        "has_errors": bool(errors), "program": program_label(request, row.program_code), "active": "manage"},
        status_code=status_code)


@router.get("/manage/rounds/{round_id}/selection", response_class=HTMLResponse)
def selection_page(request: Request, round_id: int, session: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))],
                   page_number: int = 1) -> HTMLResponse:
    row = session.get(Round, round_id)
    if row is None or row.status == RoundStatus.DRAFT:
        return not_found(request, translator(request)("applications.round"))
    return _selection_page(request, session, principal, row, max(1, min(page_number, 10_000)))


@router.get("/manage/rounds/{round_id}/selection/run", response_class=HTMLResponse)
def run_confirm(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]
                ) -> Response:
    """A draw cannot be undone and closes the round: the page says so, with the counts, first
    (and says when there is nothing to draw, so no empty run is started)."""
    row = session.get(Round, round_id)
    if row is None or row.status == RoundStatus.DRAFT:
        return not_found(request, translator(request)("applications.round"))
    run_row = service.get_run(session, round_id)
    if run_row is not None and run_row.status == "completed":
        return RedirectResponse(f"/manage/rounds/{round_id}/selection", status_code=303)
    return page(request, "selection/run_confirm.html", {
        "round": row, "count": service.to_draw(session, round_id),
        "competition": service.competition(session, round_id), "active": "manage"})


@router.post("/manage/rounds/{round_id}/selection/run", response_class=HTMLResponse)
def run(request: Request, round_id: int, session: DbSession,
        principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]) -> Response:
    """Draw the round (once: a second click shows the same result); with nothing to draw it is
    refused and nothing is recorded, the round stays as it was."""
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    try:
        with session.begin_nested():
            service.run_selection(session, round_id, actor=principal.actor)
    except ApplicationError as error:
        session.expire_all()
        return _selection_page(request, session, principal, row,
                               errors=[("run-heading", error.message(translator(request).lang))],
                               status_code=error.status_code)
    return RedirectResponse(f"/manage/rounds/{round_id}/selection", status_code=303)


@router.post("/manage/applications/{application_id}/no-show", response_class=HTMLResponse)
def no_show(request: Request, application_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))],
            note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """A selected applicant did not show up: the seat goes to the next on the waitlist."""
    try:
        application = applications.get_application(session, application_id, Scope.of(principal))
    except ApplicationError:
        return not_found(request, translator(request)("applications.application"))
    row = session.get_one(Round, application.round_id)
    text = note.strip()
    try:
        if (code := text_problem(text)) is not None:
            en, ko = TEXT_PROBLEMS[code]
            raise SelectionError(f"불참 사유: {ko}.", f"Why (no-show): {en}.")
        with session.begin_nested():
            offer_service.no_show(session, application_id, scope=Scope.of(principal),
                                  actor=principal.actor, note=text or None)
    except ApplicationError as error:
        session.expire_all()
        return _selection_page(request, session, principal, row,
                               errors=[("offers-heading", error.message(translator(request).lang))],
                               status_code=error.status_code)
    return RedirectResponse(f"/manage/rounds/{row.id}/selection#offers-heading", status_code=303)


@router.post("/manage/rounds/{round_id}/selection/export", response_class=HTMLResponse)
def export(request: Request, round_id: int, session: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.SELECTION_EXPORT))],
           reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """The results as XLSX; the reason goes into the audit log (다운로드 사유)."""
    row = session.get(Round, round_id)
    if row is None:
        return not_found(request, translator(request)("applications.round"))
    buffer = io.BytesIO()
    try:
        with session.begin_nested():
            service.export_results(session, round_id, buffer, reason=reason,
                                   actor=principal.actor, scope=Scope.of(principal))
    except ApplicationError as error:
        return _selection_page(request, session, principal, row,
                               errors=[("reason", error.message(translator(request).lang))],
                               status_code=422)
    return Response(buffer.getvalue(), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="round-{round_id}-results.xlsx"',
        "Cache-Control": "no-store"})


@router.get("/selection/rounds", response_class=HTMLResponse,
            dependencies=[Depends(requires(Permission.SELECTION_VERIFY))])
def drawn_rounds(request: Request, session: DbSession) -> HTMLResponse:
    """The rounds drawn so far, for the auditor to verify."""
    rows = rounds.list_rounds(session, [RoundStatus.SELECTED])
    return render(request, "selection/rounds.html", {
        "cards": [{**round_card(request, session, r), "run": service.get_run(session, r.id)}
                  for r in rows], "active": "verify"})


@router.get("/selection/rounds/{round_id}/verify", response_class=HTMLResponse)
def verify_page(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(public())]) -> HTMLResponse:
    """A round for the public (issue 18 §3): its seats, the seed's commitment and, after the
    draw, the seed, the cut-offs per unit and kind of seat, the offers' counts, and the draw
    re-run from what was stored with every check shown.

    Public, as the page promises anyone can check: it shows hashes and counts, never people."""
    row = session.get(Round, round_id)
    if row is None or row.status == RoundStatus.DRAFT:
        return not_found(request, translator(request)("applications.round"))
    offer_service.lapse_offers(session, round_id=round_id)
    figures = standing.public_round(session, row)
    report: Any = None
    problem = None
    if figures.drawn:
        try:
            report = service.verify(session, round_id, actor=principal.actor)
        except ApplicationError as error:
            problem = error.message(translator(request).lang)
    return render(request, "selection/verify.html", {
        "round": row, "report": report, "problem": problem, "public": figures,
        "units": {u["unit"]: u for u in figures.seats},
        "program": program_label(request, row.program_code), "active": "verify",
        "can_list": principal.can(Permission.SELECTION_VERIFY)},
        status_code=200 if problem is None else 409)
