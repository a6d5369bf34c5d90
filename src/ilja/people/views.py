"""Pages: staff people search and person detail (masked, RRN shown on a reasoned and audited
request), duplicate flags, a download with its reason, and the citizen's "내 정보".

Pages showing personal data are sent with ``Cache-Control: no-store`` so a shared office
computer's browser cache keeps none of it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.paging import Page
from ilja.people import exports, merging, registry
from ilja.people.consents import shown_to_staff
from ilja.people.keys import get_keyring
from ilja.people.models import Person
from ilja.people.records import Problem, RecordInvalid, RegistryError
from ilja.web import countries, plan_view
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _page(request: Request, template: str, context: dict[str, Any],
          status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, context, status_code=status_code)


def _districts(request: Request) -> list[tuple[str, str]]:
    t = translator(request)
    return [("", t("people.all_districts"))] + plan_view.districts(t)


def _message(request: Request, error: RegistryError) -> str:
    return error.message_ko if translator(request).lang == "ko" else error.message


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("people.person")},
                  status_code=404)


def _search_context(request: Request, db: DbSession, principal: Principal, q: str,
                    district: str, page: int) -> dict[str, Any]:
    q, district = q[:100].strip(), district[:20]
    pager = Page.at(page, PAGE_SIZE, query={"q": q, "district": district}, path="/people")
    searched = bool(q or district)
    people: list[Person] = []
    total = 0
    if searched:
        people, total = registry.search_people(db, q=q, district=district or None,
                                               limit=pager.size, offset=pager.offset,
                                               scope=Scope.of(principal))
        registry.audit_search(db, people, actor=principal.actor, district=district or None)
    personal = principal.can(Permission.PEOPLE_READ_PERSONAL)
    return {
        "views": [registry.masked_view(p, personal=personal) for p in people],
        "total": total, "pager": pager.of(total),
        "searched": searched, "values": {"q": q, "district": district, "reason": "",
                                         "format": "xlsx"},
        "district_options": _districts(request), "active": "people",
        "can_export": principal.can(Permission.PEOPLE_EXPORT),
        "can_merge": principal.can(Permission.PEOPLE_MERGE),
        "errors": {}, "error_list": [],
    }


@router.get("/people", response_class=HTMLResponse)
def people_search(request: Request, db: DbSession,
                  principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))],
                  q: str = "", district: str = "", page: int = 1) -> HTMLResponse:
    return _page(request, "people/search.html",
                 _search_context(request, db, principal, q, district, page))


@router.post("/people/export", response_model=None)
def people_export(request: Request, db: DbSession,
                  principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_EXPORT))],
                  reason: Annotated[str, Form(max_length=500)] = "",
                  format: Annotated[str, Form(max_length=8)] = "xlsx",
                  q: Annotated[str, Form(max_length=100)] = "",
                  district: Annotated[str, Form(max_length=20)] = "") -> Response:
    try:
        result = exports.export_people(db, actor=principal.actor, reason=reason,
                                        file_format=format, q=q or None,
                                        district=district or None, scope=Scope.of(principal))
    except RegistryError as error:
        context = _search_context(request, db, principal, q, district, 1)
        context["values"].update(reason=reason, format=format)
        context["errors"] = {"reason": _message(request, error)}
        context["error_list"] = [("reason", _message(request, error))]
        context["has_errors"] = True
        return _page(request, "people/search.html", context, status_code=422)
    return Response(result.content, media_type=result.media_type, headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"',
        "Cache-Control": "no-store"})


@router.get("/people/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, db: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_MERGE))],
                    status: str = "open") -> HTMLResponse:
    return _page(request, "people/duplicates.html",
                 _duplicates_context(request, db, principal, status))


def _duplicates_context(request: Request, db: DbSession, principal: Principal,
                        status: str) -> dict[str, Any]:
    status = status if status in ("open", "confirmed", "dismissed") else "open"
    flags, total = merging.list_duplicate_flags(db, status=status, limit=100)
    personal = principal.can(Permission.PEOPLE_READ_PERSONAL)
    pairs = []
    shown = []
    for flag in flags:
        views = []
        for person_id in (flag.person_a_id, flag.person_b_id):
            person = registry.get_person(db, person_id) if person_id else None
            views.append(registry.masked_view(person, personal=personal) if person else None)
            if person is not None:
                shown.append(person)
        pairs.append((flag, views))
    if shown:
        registry.audit_search(db, shown, actor=principal.actor)
    return {"pairs": pairs, "total": total, "status": status, "active": "people",
            "errors": {}, "error_list": []}


@router.post("/people/duplicates/{flag_id}", response_model=None)
def resolve_duplicate(request: Request, flag_id: int, db: DbSession,
                      principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_MERGE))],
                      decision: Annotated[str, Form(max_length=10)] = "") -> Response:
    try:
        with db.begin_nested():
            merging.resolve_duplicate(db, flag_id, decision=decision, actor=principal.actor,
                                       keyring=get_keyring())
    except RegistryError as error:
        context = _duplicates_context(request, db, principal, "open")
        context["error_list"] = [(f"flag-{flag_id}", _message(request, error))]
        context["has_errors"] = True
        return _page(request, "people/duplicates.html", context, status_code=409)
    return RedirectResponse("/people/duplicates", status_code=303)


def _detail(request: Request, db: DbSession, principal: Principal, person_id: int,
            *, revealed: str | None = None, reason: str = "", error: str | None = None,
            status_code: int = 200) -> HTMLResponse:
    view = registry.read_person(db, person_id, actor=principal.actor,
                                personal=principal.can(Permission.PEOPLE_READ_PERSONAL),
                                scope=Scope.of(principal))
    if view is None:
        return _not_found(request)

    view = shown_to_staff(db, view)
    return _page(request, "people/detail.html", {
        "view": view, "revealed": revealed, "active": "people",
        "can_reveal": principal.can(Permission.PEOPLE_READ_RRN) and view.rrn is not None,
        "values": {"reason": reason}, "errors": {"reason": error} if error else {},
        "error_list": [("reason", error)] if error else [], "has_errors": bool(error)},
        status_code=status_code)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: int, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))]
                ) -> HTMLResponse:
    return _detail(request, db, principal, person_id)


@router.post("/people/{person_id}/rrn", response_class=HTMLResponse)
def reveal_rrn(request: Request, person_id: int, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ_RRN))],
               reason: Annotated[str, Form(max_length=500)] = "") -> HTMLResponse:
    person = registry.get_person(db, person_id, Scope.of(principal))
    if person is None:
        return _not_found(request)
    try:
        number = registry.reveal_rrn(db, person, actor=principal.actor, reason=reason,
                                     keyring=get_keyring())
    except RegistryError as error:
        return _detail(request, db, principal, person_id, reason=reason,
                       error=_message(request, error), status_code=422)
    return _detail(request, db, principal, person_id, revealed=number)


def _own_person(db: DbSession, principal: Principal) -> Person | None:
    """The citizen's own registry record (None when the account is linked to no one)."""
    person_id = principal.user.person_id if principal.user else None
    return registry.get_person(db, person_id, Scope.of(principal)) if person_id else None


def _profile(request: Request, person: Person | None, principal: Principal,
             saved: bool = False) -> HTMLResponse:
    view = registry.own_view(person) if person else None
    return _page(request, "people/profile.html", {
        "view": view, "active": "profile", "saved": saved,
        "nationality": countries.name(view.nationality, translator(request).lang) if view else "",
        "can_edit": principal.can(Permission.PROFILE_EDIT_OWN)})


@router.get("/me/profile", response_class=HTMLResponse)
def my_profile(request: Request, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
               saved: str = "") -> HTMLResponse:
    return _profile(request, _own_person(db, principal), principal, saved=saved == "1")


def _contact_form(request: Request, person: Person, values: dict[str, str],
                  problems: list[Problem] | None = None, status_code: int = 200) -> HTMLResponse:
    lang = translator(request).lang
    errors = [(p.field, p.message_ko if lang == "ko" else p.message) for p in problems or []]
    return _page(request, "people/contact.html", {
        "view": registry.own_view(person), "values": values, "active": "profile",
        "errors": dict(errors), "error_list": errors, "has_errors": bool(errors)},
        status_code=status_code)


@router.get("/me/profile/contact", response_class=HTMLResponse)
def my_contact(request: Request, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]
               ) -> HTMLResponse:
    """내 정보 수정: the citizen's phone, e-mail and detailed address, filled in as stored."""
    person = _own_person(db, principal)
    if person is None:
        return _profile(request, None, principal)
    view = registry.own_view(person)
    return _contact_form(request, person, {"phone": view.phone or "", "email": view.email or "",
                                           "address_detail": view.address_detail or ""})


@router.post("/me/profile/contact", response_model=None)
def save_my_contact(request: Request, db: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))],
                    phone: Annotated[str, Form(max_length=1000)] = "",
                    email: Annotated[str, Form(max_length=1000)] = "",
                    address_detail: Annotated[str, Form(max_length=1000)] = "") -> Response:
    person = _own_person(db, principal)
    if person is None:
        return _profile(request, None, principal)
    try:
        registry.update_own_contact(db, person.id, actor=principal.actor, scope=Scope.of(principal),
                                    phone=phone, email=email, address_detail=address_detail)
    except RecordInvalid as error:
        return _contact_form(request, person, {"phone": phone, "email": email,
                                               "address_detail": address_detail},
                             error.problems, status_code=422)
    return RedirectResponse("/me/profile?saved=1", status_code=303)
