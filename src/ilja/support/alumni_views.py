"""The alumni participation page for job coordinators: the year's figures, recent mentoring
pairs, talent-donation sessions and scholarships, and a form for each."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, OutcomeRecorder, Principal
from ilja.accounts.scope import Scope
from ilja.support import alumni_service as alumni
from ilja.support.errors import Invalid, SupportError
from ilja.support.pages import page, parse_date, parse_int, person_names
from ilja.web.templating import translator

router = APIRouter(include_in_schema=False)
ACTIONS = ("pair", "meeting", "talent", "scholarship", "publish")


def _context(db: DbSession, year: int, principal: Principal) -> dict[str, Any]:
    recent = alumni.recent(db, scope=Scope.of(principal))
    people = [p.mentee_person_id for p in recent["pairs"]] + [
        s.recipient_person_id for s in recent["scholarships"]]
    return {"figures": alumni.figures(db, year=year), "year": year, "today": clock.today().isoformat(),
            **recent, "names": person_names(db, principal, people)}


@router.get("/support/alumni", response_class=HTMLResponse)
def desk(request: Request, db: DbSession, principal: OutcomeRecorder, year: int | None = None) -> HTMLResponse:
    chosen = year if year and 2000 <= year <= 2100 else clock.today().year
    return page(request, "support/alumni.html", _context(db, chosen, principal))


def _number(form: dict[str, str], name: str) -> int:
    value = parse_int(form.get(name, ""))
    if value is None:
        raise Invalid("0 이상의 정수로 입력해 주세요.", "Enter a whole number, not negative.", field=name)
    return value


def _apply(db: DbSession, action: str, form: dict[str, str], principal: Principal) -> None:
    on = parse_date(form.get("on", "")) or clock.today()
    actor, scope = principal.actor, Scope.of(principal)
    if action == "pair":
        alumni.pair(db, mentor_member_id=_number(form, "member_id"), mentee_person_id=_number(form, "person_id"),
                    started_on=on, actor=actor, scope=scope)
    elif action == "meeting":
        alumni.record_meeting(db, pair_id=_number(form, "pair_id"), on=on, actor=actor, scope=scope)
    elif action == "talent":
        alumni.talent_session(db, member_id=_number(form, "member_id"), topic=form.get("topic", ""), held_on=on,
                              minutes=_number(form, "minutes"), attendees=_number(form, "attendees"),
                              campus_code=form.get("campus_code"), actor=actor)
    elif action == "scholarship":
        alumni.scholarship(db, donor_member_id=_number(form, "member_id"),
                           recipient_person_id=_number(form, "person_id"),
                           amount_won=_number(form, "amount_won"), awarded_on=on, actor=actor)
    else:
        alumni.publish(db, year=on.year, actor=actor)


@router.post("/support/alumni/{action}", response_model=None)
async def act(request: Request, action: str, db: DbSession, principal: OutcomeRecorder) -> Response:
    form = {k: str(v)[:300] for k, v in (await request.form()).items() if k != "csrf_token"}
    if action not in ACTIONS:
        return page(request, "support/alumni.html", {**_context(db, clock.today().year, principal),
                                                      "errors": [translator(request)("support.alumni.unknown")]},
                    status_code=404)
    try:
        with db.begin_nested():
            _apply(db, action, form, principal)
    except SupportError as error:
        return page(request, "support/alumni.html", {**_context(db, clock.today().year, principal),
                                                      "errors": [error.message(translator(request).lang)]},
                    status_code=422)
    return RedirectResponse("/support/alumni", status_code=303)
