"""Selection pages: a round's selection (run it, review each person's score, rank, outcome and
reasons, the 경쟁률, export with a reason) and the auditor's verification of the lottery."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import service as applications
from ilja.applications.errors import ApplicationError
from ilja.applications.manage_views import _masked_names
from ilja.applications.models import Round, RoundStatus
from ilja.applications.views import not_found, page, program_label, round_card
from ilja.selection import service
from ilja.selection.api import XLSX
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def _selection_page(request: Request, session: Session, principal: Principal, row: Round,
                    page_number: int = 1, errors: list[tuple[str, str]] | None = None,
                    status_code: int = 200) -> HTMLResponse:
    run = service.get_run(session, row.id)
    rows: list[service.ResultRow] = []
    total = 0
    if run is not None and run.status == "completed":
        rows, total = service.results(session, row.id, limit=PAGE_SIZE,
                                      offset=(page_number - 1) * PAGE_SIZE, scope=Scope.of(principal))
        service.audit_results_read(session, row.id, rows, actor=principal.actor)
    units = {u.code: u for u in applications.round_units(session, row.id)}
    return page(request, "selection/selection.html", {
        "round": row, "card": round_card(request, session, row), "run": run, "rows": rows,
        "total": total, "page": page_number, "pages": max(1, -(-total // PAGE_SIZE)),
        "names": _masked_names(session, {r.person_id for r in rows}), "units": units,
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
            service.run(session, round_id, actor=principal.actor)
    except ApplicationError as error:
        session.expire_all()
        return _selection_page(request, session, principal, row,
                               errors=[("run-heading", error.message(translator(request).lang))],
                               status_code=error.status_code)
    return RedirectResponse(f"/manage/rounds/{round_id}/selection", status_code=303)


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
    rows = applications.list_rounds(session, [RoundStatus.SELECTED])
    return render(request, "selection/rounds.html", {
        "cards": [{**round_card(request, session, r), "run": service.get_run(session, r.id)}
                  for r in rows], "active": "verify"})


@router.get("/selection/rounds/{round_id}/verify", response_class=HTMLResponse)
def verify_page(request: Request, round_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(public())]) -> HTMLResponse:
    """Re-run the draw from what was stored and show every check: commitment, seed, hashes.

    Public, as the page promises anyone can check: it shows hashes and counts, never people."""
    row = session.get(Round, round_id)
    if row is None or row.status == RoundStatus.DRAFT:
        return not_found(request, translator(request)("applications.round"))
    report: Any = None
    problem = None
    try:
        report = service.verify(session, round_id, actor=principal.actor)
    except ApplicationError as error:
        problem = error.message(translator(request).lang)
    return render(request, "selection/verify.html", {
        "round": row, "report": report, "problem": problem,
        "program": program_label(request, row.program_code), "active": "verify",
        "can_list": principal.can(Permission.SELECTION_VERIFY)},
        status_code=200 if problem is None else 409)
