"""Pages for what used to be created only in code: the coordinator's organisation list with its
create form, an organisation's posting form (create and edit) and closing a posting, and the
trainee's own matching profile (description, preferred districts and fields). Included by
``views.py``. Forms carry the CSRF field; a bad form comes back with an error summary linking to
each field and a title starting "오류:". Issue 5 §1, §5.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.matching import service
from ilja.matching.errors import MatchingInputError
from ilja.matching.posting_input import (
    ORGANISATION_KINDS,
    POSTING_KINDS,
    PostingFields,
    posting_problems,
    split_list,
)
from ilja.web.i18n import Translator
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
Manage = Annotated[Principal, Depends(requires(Permission.MATCHING_MANAGE))]
EditOwn = Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]

ORGANISATION_FIELDS = ("code", "name", "kind", "association", "district")
POSTING_FIELDS = ("code", "round_code", "kind", "title", "seats", "required_skills",
                  "preferred_skills", "ncs_codes", "required_certifications",
                  "preferred_certifications", "experience_years", "experience_field",
                  "education", "district", "starts_on", "ends_on", "deadline", "monthly_pay",
                  "weekly_hours", "shifts", "description")
LIST_FIELDS = ("required_skills", "preferred_skills", "ncs_codes", "required_certifications",
               "preferred_certifications", "shifts")


def field_options(t: Translator) -> list[tuple[str, str]]:
    """The vocabulary's job fields (AI·소프트웨어, 전기, 용접 …) for a select."""
    from ilja.matching.vocabulary import vocabulary

    return [("", t("matching.form.none"))] + [
        (key, t.pick(names["ko"], names["en"])) for key, names in vocabulary().fields.items()]


def education_options(t: Translator) -> list[tuple[str, str]]:
    from ilja.matching.vocabulary import EDUCATION_LEVELS

    return [("", t("matching.form.none"))] + [(level, t("matching.education." + level))
                                              for level in EDUCATION_LEVELS]


def district_options(t: Translator) -> list[tuple[str, str]]:
    from ilja.programs.loader import load_plan

    return [("", t("matching.form.none"))] + [(d.name.ko, t.pick(d.name.ko, d.name.en))
                                              for d in load_plan().districts]


def _errors(t: Translator, problems: list[MatchingInputError], fields: tuple[str, ...]
            ) -> list[tuple[str, str]]:
    """(field id, message) for the summary and the fields: the field's label and the reason."""
    out = []
    for p in problems:
        field = p.location.split("[")[0]
        field = field if field in fields else fields[0]
        out.append((field, f"{t('matching.form.' + field)}: {t('matching.form_error.' + p.code)}"))
    return out


def _form_page(request: Request, template: str, context: dict[str, Any],
               errors: list[tuple[str, str]]) -> HTMLResponse:
    t = translator(request)
    context = {**context, "errors": errors, "field_errors": dict(reversed(errors)),
               "has_errors": bool(errors), "district_options": district_options(t)}
    return render(request, template, context, status_code=422 if errors else 200)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}


# --- organisations -------------------------------------------------------------------------------

def _organisations_page(request: Request, db: Any, values: dict[str, str],
                        errors: list[tuple[str, str]]) -> HTMLResponse:
    t = translator(request)
    rows = service.list_organisations(db)
    counts = {o.id: len(service.list_postings(db, organisation_id=o.id, open_only=True))
              for o in rows}
    kinds = [(k, t("matching.org_kind." + k)) for k in ORGANISATION_KINDS]
    return _form_page(request, "matching/organisations.html", {
        "organisations": rows, "counts": counts, "kind_options": kinds, "values": values}, errors)


@router.get("/matching/organisations", response_class=HTMLResponse)
def organisations(request: Request, db: DbSession, principal: Manage) -> HTMLResponse:
    return _organisations_page(request, db, {"kind": "company"}, [])


@router.post("/matching/organisations", response_model=None)
async def create_organisation(request: Request, db: DbSession,
                              principal: Manage) -> HTMLResponse | RedirectResponse:
    values = await _form(request)
    try:
        row = service.create_organisation(
            db, code=values.get("code", ""), name=values.get("name", ""),
            kind=values.get("kind", ""), association=values.get("association") or None,
            district=values.get("district") or None, actor=principal.actor)
    except MatchingInputError as exc:
        return _organisations_page(request, db, values, _errors(
            translator(request), [exc], ORGANISATION_FIELDS))
    return RedirectResponse(f"/matching/organisations/{row.id}", status_code=303)


def _organisation_form(request: Request, organisation: Any, values: dict[str, str],
                       errors: list[tuple[str, str]]) -> HTMLResponse:
    t = translator(request)
    kinds = [(k, t("matching.org_kind." + k)) for k in ORGANISATION_KINDS]
    return _form_page(request, "matching/organisation_form.html", {
        "organisation": organisation, "kind_options": kinds, "values": values}, errors)


@router.get("/matching/organisations/{organisation_id}/edit", response_class=HTMLResponse)
def edit_organisation(organisation_id: int, request: Request, db: DbSession,
                      principal: Manage) -> HTMLResponse:
    row = _organisation(db, organisation_id)
    return _organisation_form(request, row, {name: getattr(row, name) or ""
                                             for name in ORGANISATION_FIELDS}, [])


@router.post("/matching/organisations/{organisation_id}", response_model=None)
async def update_organisation(organisation_id: int, request: Request, db: DbSession,
                              principal: Manage) -> HTMLResponse | RedirectResponse:
    row = _organisation(db, organisation_id)
    values = await _form(request) | {"code": row.code}
    try:
        service.update_organisation(
            db, organisation_id, name=values.get("name", ""), kind=values.get("kind", ""),
            association=values.get("association") or None,
            district=values.get("district") or None, actor=principal.actor)
    except MatchingInputError as exc:
        return _organisation_form(request, row, values, _errors(
            translator(request), [exc], ORGANISATION_FIELDS))
    return RedirectResponse(f"/matching/organisations/{organisation_id}", status_code=303)


# --- postings -----------------------------------------------------------------------------------

def _posting_values(row: Any) -> dict[str, str]:
    values = {name: getattr(row, name) for name in POSTING_FIELDS}
    for name in LIST_FIELDS:
        values[name] = ", ".join(values[name] or [])
    for name in ("starts_on", "ends_on", "deadline"):
        values[name] = values[name].isoformat() if values[name] else ""
    return {k: "" if v is None else str(v) for k, v in values.items()}


def _posting_page(request: Request, organisation: Any, posting: Any, values: dict[str, str],
                  errors: list[tuple[str, str]]) -> HTMLResponse:
    t = translator(request)
    return _form_page(request, "matching/posting_form.html", {
        "organisation": organisation, "posting": posting, "values": values,
        "heading": t("matching.form.edit_posting" if posting else "matching.form.new_posting"),
        "kind_options": [(k, t("matching.posting_kind." + k)) for k in POSTING_KINDS],
        "field_options": field_options(t), "education_options": education_options(t)}, errors)


def _parse_posting(values: dict[str, str]) -> tuple[PostingFields, list[MatchingInputError]]:
    """The form's text as posting fields, with every problem (numbers and dates included)."""
    problems: list[MatchingInputError] = []

    def number(name: str) -> int | None:
        text = values.get(name, "").replace(",", "").strip()
        if not text:
            return None
        if not text.lstrip("-").isdigit():
            problems.append(MatchingInputError(name, "number_invalid", "not a whole number"))
            return None
        return int(text)

    def day(name: str) -> dt.date | None:
        text = values.get(name, "").strip()
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError:
            problems.append(MatchingInputError(name, "date_invalid", "YYYY-MM-DD"))
            return None

    seats = number("seats")
    fields, more = posting_problems(PostingFields(
        round_code=values.get("round_code", ""), kind=values.get("kind", ""),
        title=values.get("title", ""), seats=seats if seats is not None else 0,
        description=values.get("description", ""),
        **{name: split_list(values.get(name, "")) for name in LIST_FIELDS},
        district=values.get("district") or None, starts_on=day("starts_on"),
        ends_on=day("ends_on"), monthly_pay=number("monthly_pay"), deadline=day("deadline"),
        weekly_hours=number("weekly_hours"), experience_years=number("experience_years"),
        experience_field=values.get("experience_field") or None,
        education=values.get("education") or None))
    if any(p.location == "seats" for p in problems):
        more = [p for p in more if p.location != "seats"]
    return fields, [*problems, *more]


def _organisation(db: Any, organisation_id: int) -> Any:
    try:
        return service.get_organisation(db, organisation_id)
    except service.NotFound:
        raise HTTPException(404) from None


def _posting(db: Any, posting_id: int) -> Any:
    try:
        return service.get_posting(db, posting_id)
    except service.NotFound:
        raise HTTPException(404) from None


@router.get("/matching/organisations/{organisation_id}/postings/new", response_class=HTMLResponse)
def new_posting(organisation_id: int, request: Request, db: DbSession,
                principal: Manage) -> HTMLResponse:
    organisation = _organisation(db, organisation_id)
    rounds = service.round_codes(db)
    return _posting_page(request, organisation, None, {
        "kind": "job" if organisation.kind in ("university", "partner") else (
            "internship_city" if organisation.kind == "city_department" else "internship_company"),
        "round_code": rounds[-1] if rounds else "", "seats": "1",
        "district": organisation.district or ""}, [])


@router.post("/matching/organisations/{organisation_id}/postings", response_model=None)
async def create_posting(organisation_id: int, request: Request, db: DbSession,
                         principal: Manage) -> HTMLResponse | RedirectResponse:
    organisation = _organisation(db, organisation_id)
    values = await _form(request)
    fields, problems = _parse_posting(values)
    code = values.get("code", "").strip()
    if not code:
        problems.insert(0, MatchingInputError("code", "required", "a code is required"))
    elif service.posting_by_code(db, code) is not None:
        problems.insert(0, MatchingInputError("code", "duplicate", "the code exists"))
    if not problems:
        try:
            service.create_posting(db, service.PostingInput(
                code=code, organisation_id=organisation_id, **vars(fields)), actor=principal.actor)
        except MatchingInputError as exc:
            problems = [exc]
    if problems:
        return _posting_page(request, organisation, None, values, _errors(
            translator(request), problems, POSTING_FIELDS))
    return RedirectResponse(f"/matching/organisations/{organisation_id}", status_code=303)


@router.get("/matching/postings/{posting_id}/edit", response_class=HTMLResponse)
def edit_posting(posting_id: int, request: Request, db: DbSession,
                 principal: Manage) -> HTMLResponse:
    posting = _posting(db, posting_id)
    return _posting_page(request, _organisation(db, posting.organisation_id), posting,
                         _posting_values(posting), [])


@router.post("/matching/postings/{posting_id}", response_model=None)
async def update_posting(posting_id: int, request: Request, db: DbSession,
                         principal: Manage) -> HTMLResponse | RedirectResponse:
    posting = _posting(db, posting_id)
    values = await _form(request) | {"code": posting.code}
    fields, problems = _parse_posting(values)
    if not problems:
        service.update_posting(db, posting_id, fields, actor=principal.actor)
        return RedirectResponse(f"/matching/organisations/{posting.organisation_id}",
                                status_code=303)
    return _posting_page(request, _organisation(db, posting.organisation_id), posting, values,
                         _errors(translator(request), problems, POSTING_FIELDS))


@router.post("/matching/postings/{posting_id}/close")
def close_posting(posting_id: int, db: DbSession, principal: Manage) -> RedirectResponse:
    posting = _posting(db, posting_id)
    service.close_posting(db, posting_id, actor=principal.actor)
    return RedirectResponse(f"/matching/organisations/{posting.organisation_id}", status_code=303)


# --- the trainee's own profile -----------------------------------------------------------------

@router.post("/matching/me", response_model=None)
async def edit_my_profile(request: Request, db: DbSession,
                          principal: EditOwn) -> HTMLResponse | RedirectResponse:
    """Only the logged-in person's own candidate record is ever written."""
    from ilja.matching.views import my_matching_page

    person_id = principal.user.person_id if principal.user else None
    if not person_id or service.candidate_of_person(db, person_id) is None:
        raise HTTPException(404)
    form = await request.form()
    values: dict[str, Any] = {"description": str(form.get("description", "")),
              "preferred_districts": [str(v) for v in form.getlist("preferred_districts")],
              "preferred_fields": str(form.get("preferred_fields", ""))}
    try:
        service.update_own_profile(db, person_id=person_id, actor=principal.actor, **values)
    except MatchingInputError as exc:
        errors = _errors(translator(request), [exc], ("description", "preferred_districts",
                                                      "preferred_fields"))
        return my_matching_page(request, db, principal, values=values, errors=errors)
    return RedirectResponse("/matching/me?saved=1", status_code=303)


# --- a candidate's skills and conditions (issue 23 §5) -------------------------------------------

CONDITION_FIELDS = ("skills", "certifications", "experience", "education", "wanted_kinds",
                    "min_monthly_pay", "max_weekly_hours", "shifts", "home_district",
                    "max_commute_minutes", "available_from")


def conditions_options(t: Translator) -> dict[str, Any]:
    from ilja.matching.filters import SHIFTS
    from ilja.matching.profile_input import KINDS_WANTED
    from ilja.matching.vocabulary import vocabulary

    fields = vocabulary().fields
    return {"education": education_options(t), "districts": district_options(t),
            "kinds": [(k, t("matching.kind_wish." + k)) for k in KINDS_WANTED],
            "shifts": [(s, t("matching.shift." + s)) for s in SHIFTS],
            "fields_text": ", ".join(t.pick(f["ko"], f["en"]) for k, f in fields.items()
                                     if k != "general")}


def conditions_values(candidate: Any) -> dict[str, Any]:
    """A candidate's record as the form shows it."""
    from ilja.matching.profile_input import experience_text

    return {"skills": ", ".join(candidate.skills), "certifications": ", ".join(candidate.certifications),
            "experience": experience_text(candidate.experience),
            "education": candidate.education or "", "wanted_kinds": candidate.wanted_kinds or [],
            "min_monthly_pay": "" if candidate.min_monthly_pay is None else str(candidate.min_monthly_pay),
            "max_weekly_hours": "" if candidate.max_weekly_hours is None else str(candidate.max_weekly_hours),
            "shifts": candidate.shifts or [], "home_district": candidate.home_district or "",
            "max_commute_minutes": "" if candidate.max_commute_minutes is None
            else str(candidate.max_commute_minutes),
            "available_from": candidate.available_from.isoformat() if candidate.available_from else ""}


async def _conditions_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")) for name in CONDITION_FIELDS}
    for name in ("wanted_kinds", "shifts"):
        values[name] = [str(v) for v in form.getlist(name)]
    return values


def _save_conditions(request: Request, db: Any, principal: Principal, candidate_id: int,
                     values: dict[str, Any], scope: Any) -> list[tuple[str, str]]:
    """Check and save; the (field, message) errors, none when saved."""
    from ilja.matching.profile_input import parse_conditions

    conditions, problems = parse_conditions(values)
    if problems:
        return _errors(translator(request), problems, CONDITION_FIELDS)
    service.update_conditions(db, candidate_id, conditions, actor=principal.actor, scope=scope)
    return []


@router.post("/matching/me/conditions", response_model=None)
async def edit_my_conditions(request: Request, db: DbSession,
                             principal: EditOwn) -> HTMLResponse | RedirectResponse:
    """The trainee's own skills, certificates, experience and conditions (their record only)."""
    from ilja.accounts.scope import SYSTEM
    from ilja.matching.views import my_matching_page

    person_id = principal.user.person_id if principal.user else None
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise HTTPException(404)
    values = await _conditions_form(request)
    errors = _save_conditions(request, db, principal, candidate.id, values, SYSTEM)
    if errors:
        return my_matching_page(request, db, principal, conditions=values, errors=errors)
    return RedirectResponse("/matching/me?saved=conditions", status_code=303)


@router.post("/matching/candidates/{candidate_id}/conditions", response_model=None)
async def edit_conditions(candidate_id: int, request: Request, db: DbSession,
                          principal: Manage) -> HTMLResponse | RedirectResponse:
    """A coordinator records a candidate's skills and conditions (their caseload's only)."""
    from ilja.accounts.scope import Scope
    from ilja.matching.views import candidate_page_for

    scope = Scope.of(principal)
    try:
        service.get_candidate(db, candidate_id, scope)
    except service.NotFound:
        raise HTTPException(404) from None
    values = await _conditions_form(request)
    errors = _save_conditions(request, db, principal, candidate_id, values, scope)
    if errors:
        return candidate_page_for(request, db, principal, candidate_id, conditions=values,
                                  errors=errors)
    return RedirectResponse(f"/matching/candidates/{candidate_id}?saved=1", status_code=303)


@router.post("/matching/caseload/import")
def import_from_training(db: DbSession, principal: Manage) -> RedirectResponse:
    """Every enrolled or completed trainee and placed participant not yet a candidate becomes one
    (in the caller's caseload), with their course's skills."""
    added = service.candidates_from_training(
        db, actor=principal.actor, coordinator_user_id=principal.user.id if principal.user else None,
        site_code=principal.user.site_code if principal.user else None)
    return RedirectResponse(f"/matching?mine=1&imported={added}", status_code=303)


RANKED = 3  # choices a trainee ranks on their page


@router.post("/matching/me/rankings")
async def rank_my_postings(request: Request, db: DbSession, principal: EditOwn) -> RedirectResponse:
    """The trainee's own ranked choices among the open postings (1st to 3rd); a run then keeps
    their order, and the proposal says which choice it is."""
    person_id = principal.user.person_id if principal.user else None
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise HTTPException(404)
    form = await request.form()
    open_ids = {p.id for p in service.list_postings(db, open_only=True)}
    chosen = []
    for n in range(1, RANKED + 1):
        value = str(form.get(f"choice_{n}", "")).strip()
        if value.isdigit() and int(value) in open_ids:
            chosen.append(int(value))
    service.set_ranking(db, side="candidate", candidate_id=candidate.id, posting_ids=chosen,
                        actor=principal.actor)
    return RedirectResponse("/matching/me?saved=rankings", status_code=303)
