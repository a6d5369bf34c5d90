"""Pages of start-up incubation for campus operators: the teams, and one team's members,
mentors, milestones, funding, stage and Seoul Startup Center link, each with its form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, TrainingManager, TrainingReader, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import startup_service as svc
from ilja.support.errors import Invalid, SupportError
from ilja.support.pages import page as _page
from ilja.support.pages import parse_date as _date
from ilja.support.pages import parse_int as _int
from ilja.support.pages import person_names
from ilja.support.startups import ORDER, Stage
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
ACTIONS = ("members", "mentors", "milestones", "funding", "stage", "center")


def _message(request: Request, error: SupportError) -> list[str]:
    t = translator(request)
    refusals = getattr(error, "refusals", None)
    if refusals:
        return [t("support.startup.refusal." + r) for r in refusals]
    return [error.message(t.lang)]


@router.get("/support/startups", response_class=HTMLResponse)
def teams(request: Request, db: DbSession, principal: TrainingReader) -> HTMLResponse:
    return _page(request, "support/startups.html", {"teams": svc.startups(db, Scope.of(principal)), "values": {},
                                                     "can_manage": principal.can(Permission.TRAINING_MANAGE)})


@router.post("/support/startups", response_model=None)
async def create(request: Request, db: DbSession, principal: TrainingManager) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, ""))[:5000] for k in ("name", "idea", "campus_code")}
    try:
        with db.begin_nested():
            row = svc.create_startup(db, name=values["name"], idea=values["idea"],
                                     campus_code=values["campus_code"] or None, on=clock.today(),
                                     actor=principal.actor)
        return RedirectResponse(f"/support/startups/{row.id}", status_code=303)
    except SupportError as error:
        return _page(request, "support/startups.html",
                     {"teams": svc.startups(db, Scope.of(principal)), "values": values,
                      "errors": _message(request, error), "can_manage": True},
                     status_code=422)


def _detail(request: Request, db: DbSession, principal: Principal, startup_id: int,
            errors: list[str] | None = None, status_code: int = 200) -> HTMLResponse:
    try:
        view = svc.detail(db, startup_id, Scope.of(principal))
    except SupportError:
        return render(request, "not_found.html", {"what": translator(request)("support.startup.team")},
                      status_code=404)
    audit.record(db, principal.actor, "support.startup.read", object_type="startup", object_id=startup_id)
    current = view["startup"].stage  # type: ignore[attr-defined]
    following = [s.value for s in ORDER if current in ORDER and ORDER.index(s) == ORDER.index(Stage(current)) + 1]
    return _page(request, "support/startup.html", {
        **view, "names": person_names(db, principal, (m.person_id for m in view["members"])),  # type: ignore[attr-defined]
        "next_stages": [*following, Stage.CLOSED.value] if current != Stage.CLOSED else [],
        "today": clock.today().isoformat(), "can_manage": principal.can(Permission.TRAINING_MANAGE),
        "errors": errors or []}, status_code=status_code)


@router.get("/support/startups/{startup_id}", response_class=HTMLResponse)
def team(request: Request, startup_id: int, db: DbSession, principal: TrainingReader) -> HTMLResponse:
    return _detail(request, db, principal, startup_id)


def _apply(db: DbSession, startup_id: int, action: str, form: dict[str, str], actor: audit.Actor,
           scope: Scope) -> None:
    on = _date(form.get("on", "")) or clock.today()
    if action == "members":
        person_id = _int(form.get("person_id", ""))
        if person_id is None:
            raise Invalid("대상자 번호를 입력해 주세요.", "Enter the person number.", field="person_id")
        svc.add_member(db, startup_id=startup_id, person_id=person_id, role=form.get("role") or "member", on=on,
                       actor=actor, scope=scope)
    elif action == "mentors":
        svc.add_mentor(db, startup_id=startup_id, name=form.get("name", ""), organisation=form.get("organisation"),
                       expertise=form.get("expertise"), since=on, actor=actor, scope=scope)
    elif action == "milestones":
        due = _date(form.get("due_on", ""))
        if due is None:
            raise Invalid("날짜를 YYYY-MM-DD로 입력해 주세요.", "Enter the date as YYYY-MM-DD.", field="due_on")
        svc.add_milestone(db, startup_id=startup_id, title=form.get("title", ""), due_on=due, actor=actor, scope=scope)
    elif action == "funding":
        amount = _int(form.get("amount_won", ""))
        svc.add_funding(db, startup_id=startup_id, kind=form.get("kind", ""), funder=form.get("funder", ""),
                        amount_won=amount or 0, received_on=on, actor=actor, scope=scope)
    elif action == "stage":
        svc.move_stage(db, startup_id=startup_id, stage=form.get("stage", ""), on=on, note=form.get("note", ""),
                       actor=actor, scope=scope)
    else:
        svc.link_startup_center(db, startup_id=startup_id, reference=form.get("reference", ""), on=on,
                                actor=actor, scope=scope)


@router.post("/support/startups/{startup_id}/{action}", response_model=None)
async def act(request: Request, startup_id: int, action: str, db: DbSession, principal: TrainingManager) -> Response:
    if action not in ACTIONS:
        return render(request, "not_found.html", {"what": action}, status_code=404)
    form = {k: str(v)[:2000] for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        with db.begin_nested():
            scope = Scope.of(principal)
            svc.get_startup(db, startup_id, scope)
            _apply(db, startup_id, action, form, principal.actor, scope)
    except SupportError as error:
        if error.status_code == 404 and error.field is None and "startup" in error.message_en:
            return render(request, "not_found.html", {"what": translator(request)("support.startup.team")},
                          status_code=404)
        return _detail(request, db, principal, startup_id, _message(request, error), status_code=422)
    return RedirectResponse(f"/support/startups/{startup_id}", status_code=303)


@router.post("/support/startups/{startup_id}/milestones/{milestone_id}/done", response_model=None)
def milestone_done(request: Request, startup_id: int, milestone_id: int, db: DbSession,
                   principal: TrainingManager) -> Response:
    try:
        with db.begin_nested():
            svc.complete_milestone(db, milestone_id=milestone_id, on=clock.today(), actor=principal.actor,
                                   scope=Scope.of(principal))
    except SupportError as error:
        return _detail(request, db, principal, startup_id, _message(request, error), status_code=422)
    return RedirectResponse(f"/support/startups/{startup_id}", status_code=303)


@router.get("/support/me/startups", response_class=HTMLResponse)
def my_startups(request: Request, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    """The trainee's own teams with their stage, mentors and milestones."""
    person_id = principal.user.person_id
    teams = [svc.detail(db, s.id) for s in svc.startups_of_person(db, person_id)] if person_id is not None else []
    return _page(request, "support/my_startups.html", {"teams": teams})
