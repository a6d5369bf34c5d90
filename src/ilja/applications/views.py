"""Citizen pages: open rounds, a round's notice with the apply form, my applications with their
eligibility reasons and status history.

The apply form carries the session's CSRF token and an idempotency key made when the form was
shown, so a double click or a resent form still makes one application.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts.deps import CurrentPrincipal, DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import eligibility, rounds, service, snapshot
from ilja.applications.errors import ApplicationError, ApplicationNotFound, DuplicateApplication
from ilja.applications.models import Application, Channel, Round, RoundStatus
from ilja.people import consent_texts, consents, registry
from ilja.people.consent_models import ConsentVia
from ilja.programs.loader import load_plan
from ilja.rules.engine import default_engine
from ilja.rules.explain import condition_lines
from ilja.selection import offer_service
from ilja.selection import service as selection
from ilja.selection.standing import standing
from ilja.verification import views as verification_views
from ilja.web import citizen
from ilja.web.navigation import links_for
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)


def page(request: Request, template: str, context: dict[str, Any],
         status_code: int = 200) -> HTMLResponse:
    """A page that may show personal data: never kept in a shared browser's cache."""
    return private_page(request, template, context, status_code=status_code)


def not_found(request: Request, what: str) -> HTMLResponse:
    return render(request, "not_found.html", {"what": what}, status_code=404)


def last_day(deadline: dt.datetime) -> str:
    """The last day to answer, in Korea time (the deadline is 24:00 of it)."""
    aware = deadline if deadline.tzinfo else deadline.replace(tzinfo=dt.UTC)
    return (aware.astimezone(clock.SEOUL) - dt.timedelta(seconds=1)).date().isoformat()


def selection_context(request: Request, session: Session, application: Application, *,
                      staff: bool = False) -> dict[str, Any]:
    """What the application page shows of the selection: the standing and the offer (lapsing
    the round's overdue offers first); ``staff`` pages show it without the applicant's buttons."""
    offer_service.lapse_offers(session, round_id=application.round_id)
    session.refresh(application)
    row = session.get_one(Round, application.round_id)
    mine = standing(session, application)
    withdraw_key = {"selected": "withdraw", "waitlisted": "withdraw_waitlist"}.get(
        application.status, "withdraw_before_draw")
    done = request.query_params.get("done")
    return {"selection": {
        "standing": mine, "deadline": last_day(mine.offer.deadline_at) if mine.offer else None,
        "can_withdraw": offer_service.can_withdraw(row, application, clock.today()),
        "withdraw_key": withdraw_key, "done": done if done in ("accepted", "withdrawn") else None,
        "staff": staff}}


def program_label(request: Request, code: str) -> str:
    program = default_engine().programs.get(code)
    if program is None:
        return code
    return translator(request).pick(program.label_ko, program.label_en)


def track_label(request: Request, program_code: str, track_code: str | None) -> str | None:
    """A round's track by its name in the plan (citizens read names, not codes)."""
    if not track_code:
        return None

    try:
        tracks = load_plan().program(program_code).tracks
    except (KeyError, ValueError):
        return track_code
    for track in tracks:
        if track_code in (track.code, track.code.rsplit(".", 1)[-1]):
            return translator(request).pick(track.name.ko, track.name.en)
    return track_code


def round_card(request: Request, session: Session, row: Round) -> dict[str, Any]:
    units = rounds.round_units(session, row.id)
    return {"row": row, "program": program_label(request, row.program_code),
            "track": track_label(request, row.program_code, row.track_code),
            "units": rounds.choosable(units), "all_units": units,
            "seats": sum(u.seats or 0 for u in rounds.choosable(units)),
            "taking": rounds.taking_applications(row)}


def eligibility_view(session: Session, application: Application, lang: str) -> dict[str, Any]:
    """The snapshot as the page shows it: the verdict, each condition with its reason lines."""
    context = eligibility.eligibility_context(session, application)
    result = snapshot.stored_result(application.eligibility, context)
    conditions = []
    for condition in result.conditions:
        lines = condition_lines(condition, lang)  # type: ignore[arg-type]
        conditions.append({"status": condition.status,
                           "label": condition.label_en if lang == "en" else condition.label_ko,
                           "head": lines[0], "details": [line.strip(" ·") for line in lines[1:]]})
    verdict = "eligible" if result.eligible and not result.to_verify else (
        "to_verify" if result.eligible else "not_eligible")
    return {"verdict": verdict, "conditions": conditions, "bonus_points": result.bonus_points,
            "priority_group": result.priority_group, "on": application.evaluated_on,
            "announced": application.announced_on,
            "parameter_version": application.parameter_version,
            "code_version": application.code_version}


def history_view(request: Request, session: Session, application_id: int) -> list[dict[str, Any]]:
    t = translator(request)
    rows = []
    for event in service.history(session, application_id):
        key = f"applications.reasons.{event.reason_code}"
        rows.append({"event": event, "reason": t(key) if t.has(key) else event.reason_code,
                     "who": _who(t, event.actor_role),
                     "details": event.details or {}})
    return rows


def _who(t: Any, role: str) -> str:
    for key in (f"accounts.roles.{role}", f"applications.actors.{role}"):
        if t.has(key):
            return str(t(key))
    return role


@router.get("/rounds", response_class=HTMLResponse, dependencies=[Depends(public())])
def rounds_page(request: Request, session: DbSession) -> HTMLResponse:
    """Rounds taking applications now, then those closed or drawn."""
    open_rounds = rounds.list_rounds(session, [RoundStatus.OPEN])
    others = rounds.list_rounds(session, [RoundStatus.CLOSED, RoundStatus.SELECTED])
    return render(request, "applications/rounds.html", {
        "open_rounds": [round_card(request, session, r) for r in open_rounds],
        "other_rounds": [round_card(request, session, r) for r in others[:20]],
        "active": "rounds"})


def _round_context(request: Request, session: Session, principal: Principal,
                   row: Round) -> dict[str, Any]:
    card = round_card(request, session, row)
    mine = None
    person_id = principal.user.person_id if principal.user else None
    if person_id is not None:
        mine = session.execute(select(Application).where(
            Application.round_id == row.id, Application.person_id == person_id)).scalar_one_or_none()

    options = [(u.code, f"{u.name} ({u.seats or 0:,})") for u in card["units"]]
    first_field = ("preference-" + options[0][0]) if row.max_preferences == 1 and options \
        else "preference-1"
    return {"card": card, "round": row, "mine": mine, "unit_options": options,
            "first_field": first_field,
            "can_apply": principal.can(Permission.APPLICATION_SUBMIT_OWN),
            "linked": person_id is not None, "competition": selection.competition(session, row.id),
            "idempotency_key": service.new_idempotency_key(), "errors": [], "field_errors": {},
            "consent_texts": consent_texts.purposes_for(row.program_code, clock.today()), "consent_values": {},
            "has_errors": False,
            "values": {}, "active": "rounds"}


@router.get("/rounds/{round_id}", response_class=HTMLResponse, dependencies=[Depends(public())])
def round_page(request: Request, round_id: int, session: DbSession,
               principal: CurrentPrincipal) -> HTMLResponse:
    row = session.get(Round, round_id)
    if row is None or (row.status == RoundStatus.DRAFT
                       and not principal.can(Permission.ROUND_MANAGE)):
        return not_found(request, translator(request)("applications.round"))
    return render(request, "applications/round.html",
                  _round_context(request, session, principal, row))


@router.post("/rounds/{round_id}/apply", response_class=HTMLResponse)
def apply(request: Request, round_id: int, session: DbSession,
          principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))],
          idempotency_key: Annotated[str, Form(max_length=128)] = "",
          preference: Annotated[list[str] | None, Form()] = None,
          consent_collection_use: Annotated[str, Form(max_length=32)] = "",
          consent_sensitive: Annotated[str, Form(max_length=32)] = "",
          consent_unique_id: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Apply for oneself; on success, the application page with the eligibility reasons."""
    row = session.get(Round, round_id)
    if row is None or row.status == RoundStatus.DRAFT:
        return not_found(request, translator(request)("applications.round"))
    t = translator(request)
    context = _round_context(request, session, principal, row)
    person_id = principal.user.person_id if principal.user else None
    chosen = [p for p in (preference or []) if p]
    context["values"] = {f"preference-{i + 1}": p for i, p in enumerate(chosen)}
    given = {"collection_use": consent_collection_use, "sensitive": consent_sensitive,
             "unique_id": consent_unique_id}
    context["consent_values"] = given
    if person_id is None:
        context.update(errors=[("apply-heading", t("applications.not_linked"))], has_errors=True)
        return render(request, "applications/round.html", context, status_code=409)

    person_row = registry.get_person(session, person_id)
    if person_row is None:
        context.update(errors=[("apply-heading", t("applications.not_linked"))], has_errors=True)
        return render(request, "applications/round.html", context, status_code=409)

    try:
        given = consents.checked(row.program_code, clock.today(), given)
    except consents.ConsentError as error:
        context.update(errors=[(error.field, error.message(t.lang))], has_errors=True,
                       field_errors={error.field: error.message(t.lang)})
        return render(request, "applications/round.html", context, status_code=422)
    try:
        with session.begin_nested():
            submission = service.submit(
                session, round_id=round_id, person_id=person_id,
                person=consents.usable_person(service.applicant(session, person_row), given, row.starts_on),
                preferences=chosen,
                channel=Channel.WEB, idempotency_key=idempotency_key or service.new_idempotency_key(),
                actor=principal.actor)
            if submission.created:
                consents.record(session, person_id=person_id, application_id=submission.application.id,
                                given=given, via=ConsentVia.WEB, actor=principal.actor)
    except DuplicateApplication as error:
        context.update(errors=[("apply-heading", error.message(t.lang))], has_errors=True)
        context["mine"] = session.get(Application, error.existing_id)
        return render(request, "applications/round.html", context, status_code=409)
    except ApplicationError as error:
        field = (context["first_field"] if error.code == "invalid_preferences"
                 else "apply-heading")
        context.update(errors=[(field, error.message(t.lang))], has_errors=True)
        context["field_errors"] = {field: error.message(t.lang)}
        return render(request, "applications/round.html", context,
                      status_code=error.status_code)
    application_id = submission.application.id
    return RedirectResponse(f"/my/applications/{application_id}?submitted=1", status_code=303)


@router.get("/my", response_class=HTMLResponse)
def my_home(request: Request, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_READ_OWN))]
            ) -> HTMLResponse:
    """Where a citizen lands after log-in: their applications with what happens next, the
    rounds open now, and their other pages (training, pay, profile)."""
    person_id = principal.user.person_id if principal.user else None
    rows = service.applications_of_person(session, person_id) if person_id is not None else []
    items = []
    for application in rows:
        row = session.get_one(Round, application.round_id)
        items.append({"application": application, "round": row,
                      "program": program_label(request, row.program_code)})
    open_rounds = [r for r in rounds.list_rounds(session, [RoundStatus.OPEN])
                   if rounds.taking_applications(r)]
    return page(request, "my.html", {
        "items": items, "linked": person_id is not None, "open_count": len(open_rounds),
        "links": [(href, key) for href, key in links_for(principal)
                  if href not in ("/my/applications",)],
        "active": "my"})


@router.get("/my/applications", response_class=HTMLResponse)
def my_applications(request: Request, session: DbSession,
                    principal: Annotated[Principal,
                                         Depends(requires(Permission.APPLICATION_READ_OWN))]
                    ) -> HTMLResponse:
    person_id = principal.user.person_id if principal.user else None
    rows = service.applications_of_person(session, person_id) if person_id is not None else []
    items = [{"application": a, "round": session.get_one(Round, a.round_id),
              "program": program_label(request, session.get_one(Round, a.round_id).program_code)}
             for a in rows]
    return page(request, "applications/my_applications.html",
                {"items": items, "linked": person_id is not None, "active": "my"})


@router.get("/my/applications/{application_id}", response_class=HTMLResponse)
def my_application(request: Request, application_id: int, session: DbSession,
                   principal: Annotated[Principal,
                                        Depends(requires(Permission.APPLICATION_READ_OWN))],
                   submitted: int = 0) -> HTMLResponse:
    """One of my applications: where it stands, why, and what happened when."""
    try:
        application = service.get_application(session, application_id, Scope.of(principal))
    except ApplicationNotFound:
        return not_found(request, translator(request)("applications.application"))
    t = translator(request)

    selection = selection_context(request, session, application)
    row = session.get_one(Round, application.round_id)
    return page(request, "applications/my_application.html", {
        **selection, "application": application, "round": row,
        "program": program_label(request, row.program_code),
        "units": {u.code: u for u in rounds.round_units(session, row.id)},
        "eligibility": eligibility_view(session, application, t.lang),
        "conditions": citizen.eligibility(t, snapshot.stored_result(
            application.eligibility, eligibility.eligibility_context(session, application))),
        "cite": lambda source: citizen.cited_titles(t, source),
        "history": history_view(request, session, application.id),
        "verified_facts": verification_views.citizen_facts(request, session, application),
        "submitted": bool(submitted), "active": "my"})
