"""Pages of employer events: trainees see upcoming hiring briefings, company visits and
visiting-academy sessions and sign up or cancel; job coordinators create events, see sign-ups,
mark attendance and record whether a hire came of it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, MatchingManager, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import event_service as ev
from ilja.support.errors import Invalid, SupportError
from ilja.support.events import EventKind
from ilja.support.pages import page, parse_date, parse_int, person_names
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
KST = dt.timezone(dt.timedelta(hours=9))


def _mine(db: DbSession, principal: Principal) -> dict[str, Any]:
    person_id = principal.user.person_id
    signed = {s.event_id: s for s, _ in ev.signups_of(db, person_id)} if person_id is not None else {}
    return {"events": ev.events(db, upcoming_from=ev.now()), "signed": signed, "linked": person_id is not None,
            "can_sign_up": principal.can(Permission.APPLICATION_SUBMIT_OWN), "kst": KST}


@router.get("/support/events", response_class=HTMLResponse)
def trainee_events(request: Request, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    return page(request, "support/events.html", _mine(db, principal))


@router.post("/support/events/{event_id}/signup", response_model=None)
async def trainee_signup(request: Request, event_id: int, db: DbSession,
                         principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))],
                         ) -> Response:
    form = await request.form()
    person_id = principal.user.person_id
    try:
        if person_id is None:
            raise Invalid("교육생 정보와 연결되지 않은 계정입니다.", "This account is not linked to a person.")
        with db.begin_nested():
            if form.get("action") == "cancel":
                ev.cancel(db, event_id=event_id, person_id=person_id, actor=principal.actor)
            else:
                ev.sign_up(db, event_id=event_id, person_id=person_id, actor=principal.actor)
    except SupportError as error:
        if error.status_code == 404 and "event" in error.message_en:
            return render(request, "not_found.html", {"what": translator(request)("support.event.event")},
                          status_code=404)
        return page(request, "support/events.html",
                    {**_mine(db, principal), "errors": [error.message(translator(request).lang)]}, status_code=422)
    return RedirectResponse("/support/events", status_code=303)


def _desk(db: DbSession, year: int) -> dict[str, Any]:
    return {"events": ev.events(db), "figures": ev.figures(db, year=year), "year": year,
            "kinds": [k.value for k in EventKind], "kst": KST}


@router.get("/support/events/manage", response_class=HTMLResponse)
def desk(request: Request, db: DbSession, principal: MatchingManager, year: int | None = None) -> HTMLResponse:
    chosen = year if year and 2020 <= year <= 2100 else clock.today().year
    return page(request, "support/events_manage.html", _desk(db, chosen))


@router.post("/support/events/manage", response_model=None)
async def create(request: Request, db: DbSession, principal: MatchingManager) -> Response:
    form = {k: str(v)[:300] for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        day, capacity = parse_date(form.get("date", "")), parse_int(form.get("capacity", ""))
        try:
            time_of_day = dt.time.fromisoformat(form.get("time", "") or "14:00")
        except ValueError:
            time_of_day = None
        if day is None or time_of_day is None:
            raise Invalid("날짜와 시각을 확인해 주세요.", "Check the date and time.", field="date")
        with db.begin_nested():
            ev.create_event(db, kind=form.get("kind", ""), title=form.get("title", ""),
                            starts_at=dt.datetime.combine(day, time_of_day, tzinfo=KST), place=form.get("place", ""),
                            capacity=capacity or 0, organisation_code=form.get("organisation_code"),
                            organisation_name=form.get("organisation_name"), university=form.get("university"),
                            campus_code=form.get("campus_code"), actor=principal.actor)
    except SupportError as error:
        return page(request, "support/events_manage.html",
                    {**_desk(db, clock.today().year), "errors": [error.message(translator(request).lang)]},
                    status_code=422)
    return RedirectResponse("/support/events/manage", status_code=303)


def _event_context(db: DbSession, principal: Principal, event: Any) -> dict[str, Any]:
    """The event with its sign-ups within the caller's scope, each named beside their number."""
    signups = ev.signups(db, event.id, Scope.of(principal))
    return {"event": event, "signups": signups, "kst": KST,
            "names": person_names(db, principal, (s.person_id for s in signups))}


@router.get("/support/events/manage/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    try:
        event = ev.get_event(db, event_id)
    except SupportError:
        return render(request, "not_found.html", {"what": translator(request)("support.event.event")}, status_code=404)
    return page(request, "support/event.html", _event_context(db, principal, event))


@router.post("/support/events/manage/{event_id}/signups/{signup_id}", response_model=None)
async def record(request: Request, event_id: int, signup_id: int, db: DbSession,
                 principal: MatchingManager) -> Response:
    form = {k: str(v)[:2000] for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        with db.begin_nested():
            if form.get("what") == "attendance":
                ev.mark_attendance(db, signup_id=signup_id, attended=form.get("attended") == "yes",
                                   actor=principal.actor, scope=Scope.of(principal))
            else:
                ev.follow_up(db, signup_id=signup_id, hired=form.get("hired") == "yes",
                             hired_on=parse_date(form.get("hired_on", "")), note=form.get("note", ""),
                             actor=principal.actor, scope=Scope.of(principal))
    except SupportError as error:
        try:
            event = ev.get_event(db, event_id)
        except SupportError:
            event = None
        if event is None or error.status_code == 404:  # no such event or sign-up, or not the caller's
            return render(request, "not_found.html", {"what": translator(request)("support.event.event")},
                          status_code=404)
        return page(request, "support/event.html", {**_event_context(db, principal, event),
                                                    "errors": [error.message(translator(request).lang)]},
                    status_code=422)
    return RedirectResponse(f"/support/events/manage/{event_id}", status_code=303)
