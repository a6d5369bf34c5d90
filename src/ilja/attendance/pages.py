"""The attendance pages training and public jobs both show, written once: the check-in board at
the site (its code and when it changes), the participant's check-in on their phone, and the
download of an excused day's evidence. Each program's views say what differs in a ``Site`` and
do their own scope look-ups (``training.attendance_views``, ``publicjobs.attendance_views``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts.audit import Actor
from ilja.accounts.deps import DbSession, OwnProfileEditor, OwnProfileReader
from ilja.web import forms
from ilja.web.templating import render, translator

MIN_REFRESH_SECONDS = 5
BOARD = "attendance/board.html"
CHECKIN = "attendance/checkin.html"


@dataclass(frozen=True)
class Site:
    """What one program's attendance pages differ by: the navigation's section, the
    participant's own pages and the words for the way back to them, the program's refusal
    type, its message in a language, and what a page about a missing object names."""

    active: str
    home: str
    back: str
    refusal: type[Exception]
    message: Callable[[Any, str], str]
    missing: str

    def page(self, request: Request, template: str, context: dict[str, Any],
             status_code: int = 200) -> HTMLResponse:
        """A page that is never cached (codes and personal data)."""
        response = render(request, template, {"active": self.active, **context},
                          status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        return response

    def not_found(self, request: Request) -> HTMLResponse:
        return render(request, "not_found.html", {"what": translator(request)(self.missing)},
                      status_code=404)

    def say(self, request: Request, error: Exception) -> str:
        return self.message(error, translator(request).lang)


# --- the check-in board ----------------------------------------------------------------------
def board_context(request: Request, view: Any, *, code: str, crumbs: list[tuple[str, str]],
                  action_base: str, subnav: str | None, is_session: bool) -> dict[str, Any]:
    """The board's page: ``view`` is the open board's (``checkin.board_view``) or None."""
    return {"view": view, "error": None, "code": code, "crumbs": crumbs,
            "action_base": action_base, "subnav": subnav, "is_session": is_session,
            "changes_at": view.shown.changes_at.astimezone(clock.SEOUL).strftime("%H:%M:%S")
            if view else None,
            "valid_minutes": int(view.rules.validity.total_seconds() // 60) if view else None}


def board_page(site: Site, request: Request, context: dict[str, Any]) -> HTMLResponse:
    """The screen shown at the site; it reloads itself when the code changes (a ``Refresh``
    header, no script)."""
    response = site.page(request, BOARD, context)
    if context["view"] is not None:
        wait = (context["view"].shown.changes_at - clock.now()).total_seconds()
        response.headers["Refresh"] = str(max(MIN_REFRESH_SECONDS, int(wait) + 1))
    return response


def board_action(site: Site, request: Request, change: Callable[[], object],
                 context: Callable[[], dict[str, Any]], board: str) -> Response:
    """Open or close the board (``change``); a refusal is said on the board's page."""
    try:
        change()
    except site.refusal as error:
        page = context()
        page["error"] = site.say(request, error)
        return site.page(request, BOARD, page, status_code=422)
    return RedirectResponse(board, status_code=303)


# --- the participant's check-in --------------------------------------------------------------


def _checkin_context(site: Site, request: Request) -> dict[str, Any]:
    return {"error": None, "done": False, "today": clock.today().isoformat(),
            "form_action": f"{site.home}/checkin",
            "back": (site.home, translator(request)(site.back))}


def checkin_routes(router: APIRouter, site: Site,
                   check_in: Callable[[Session, int, str, Actor], Any],
                   too_many: type[Exception]) -> None:
    """The participant's check-in page and its form, at ``<site.home>/checkin``: the code they
    typed is checked by ``check_in(db, person_id, code, actor)``; too many attempts is a 429, a
    refused code a 422 (the attempt is committed with the page: the limit counts it)."""

    @router.get(f"{site.home}/checkin", response_class=HTMLResponse)
    def my_checkin(request: Request, principal: OwnProfileReader, note: str | None = None) -> HTMLResponse:
        return site.page(request, CHECKIN,
                         {**_checkin_context(site, request), "done": note == "done"})

    @router.post(f"{site.home}/checkin", response_model=None)
    async def my_checkin_submit(request: Request, db: DbSession, principal: OwnProfileEditor) -> Response:
        form = await request.form()
        person_id = principal.user.person_id if principal.user else None
        context = _checkin_context(site, request)
        if person_id is None:
            context["error"] = translator(request)("attendance.checkin.no_person")
            return site.page(request, CHECKIN, context, status_code=422)
        try:
            outcome = check_in(db, person_id, str(form.get("code", ""))[:32], principal.actor)
        except too_many as error:
            context["error"] = site.say(request, error)
            return site.page(request, CHECKIN, context, status_code=429)
        if outcome.refused is not None:
            context["error"] = site.say(request, outcome.refused)
            return site.page(request, CHECKIN, context, status_code=422)
        return RedirectResponse(f"{site.home}/checkin?note=done", status_code=303)


# --- excused days ----------------------------------------------------------------------------
def day_asked(form: Any) -> dt.date:
    """The form's day; a missing one, or one that is not a day, is ``date.min``, which the
    services refuse as outside every period and session."""
    return forms.day(str(form.get("day", ""))) or dt.date.min


async def evidence_upload(form: Any) -> bytes | None:
    """The evidence file a form carries, if any."""
    upload = form.get("evidence")
    return await upload.read() if upload is not None and not isinstance(upload, str) else None


def evidence_response(site: Site, request: Request, owner: int, day: str,
                      read: Callable[[dt.date], tuple[bytes, str]]) -> Response:
    """An excused day's evidence, shown inline and never cached; a missing one (or one outside
    the caller's scope) is the not-found page."""
    on = forms.day(day)
    try:
        if on is None:
            return site.not_found(request)
        content, media = read(on)
    except site.refusal:
        return site.not_found(request)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'inline; filename="evidence-{owner}-{on.isoformat()}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

