"""Pages: the coordinator's matching desk (caseload, rounds, runs, matching days), a candidate's
profile with their fit list and its explanation, the run review (stable and max-fit side by
side, confirm), offers to hires, a matching day's schedule, an organisation's postings and
proposed candidates, and the trainee's own matches, interviews and offers.

Also what used to be created only in code (issue 5 §1, §5): the coordinator's organisation list
with its create form, an organisation's posting form (create and edit) and closing a posting,
and the trainee's own matching profile and conditions — each page's GET and POST side by side
(they were two modules that imported each other). Forms carry the CSRF field; a bad form comes
back with an error summary linking to each field and a title starting "오류:". A refusal (a
missing record, a run in the wrong state) goes to the shared error page (``ilja.web.errors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, MatchingManager, OwnProfileEditor, Principal, authenticated, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import SYSTEM, Scope
from ilja.i18n import Translator
from ilja.matching import coordination, runs, service
from ilja.matching.acceptance import acceptance
from ilja.matching.errors import MatchingInputError, NoProfile, NotFound
from ilja.matching.filters import SHIFTS
from ilja.matching.models import Candidate, Organisation
from ilja.matching.posting_input import (
    ORGANISATION_KINDS,
    POSTING_KINDS,
    PostingFields,
    posting_problems,
    split_list,
)
from ilja.matching.profile_input import KINDS_WANTED, experience_text, parse_conditions
from ilja.matching.vocabulary import EDUCATION_LEVELS, vocabulary
from ilja.people.registry import get_person, masked_view
from ilja.programs.loader import load_plan
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
FIT_SHOWN = 10
EXCLUDED_SHOWN = 5


def _person_names(db: Any, person_ids: Iterable[int], personal: bool) -> dict[int, str]:
    """Display names by person (masked unless the viewer may read personal details)."""
    names = {}
    for person_id in person_ids:
        person = get_person(db, person_id)
        if person is not None:
            names[person_id] = masked_view(person, personal=personal).name
    return names


def _names(db: Any, candidates: list[Candidate], personal: bool) -> dict[int, str]:
    """Display names by candidate."""
    names = _person_names(db, [c.person_id for c in candidates], personal)
    return {c.id: names.get(c.person_id, f"#{c.id}") for c in candidates}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _date(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        raise MatchingInputError("date", "date_invalid", "YYYY-MM-DD") from None


@router.get("/matching", response_class=HTMLResponse)
def desk(request: Request, db: DbSession, principal: MatchingManager, error: str = "") -> HTMLResponse:
    mine = principal.user.id if request.query_params.get("mine") else None
    scope = Scope.of(principal)
    rows = coordination.caseload(db, coordinator_user_id=mine, on=clock.today(),
                                 actor=principal.actor, scope=scope)
    names = _names(db, [r.candidate for r in rows], principal.can(Permission.PEOPLE_READ_PERSONAL))
    rounds = service.round_codes(db)
    return render(request, "matching/desk.html", {
        "caseload": rows, "names": names, "rounds": [(r, r) for r in rounds],
        "runs": service.runs_in(db, scope), "days": coordination.list_days(db),
        "organisations": service.list_organisations(db), "error": error,
        "imported": request.query_params.get("imported"),
        "values": {"round_code": rounds[0] if rounds else "", "method": "stable"}})


def _site(principal: Principal) -> str | None:
    """A coordinator with a campus or institute takes on that site's trainees only."""
    return principal.user.site_code if principal.user else None


@router.get("/matching/caseload/take", response_class=HTMLResponse)
def take_page(request: Request, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    """Trainees and placed public-job participants in no caseload yet (of the coordinator's
    site): the coordinator takes them on."""
    waiting = service.unassigned(db, _site(principal))
    audit.record(db, principal.actor, "matching.caseload.unassigned.read", object_type="caseload",
                 object_id=principal.user.id if principal.user else None,
                 details={"taken_from": [t.key for t in waiting]})
    return render(request, "matching/take.html", {
        "waiting": waiting, "site": _site(principal),
        "names": _person_names(db, [t.person_id for t in waiting],
                               principal.can(Permission.PEOPLE_READ_PERSONAL))})


@router.post("/matching/caseload/take")
def take(db: DbSession, principal: MatchingManager,
         person: Annotated[list[str] | None, Form()] = None) -> RedirectResponse:
    """Take the ticked trainees into my caseload; a trainee someone took meanwhile is skipped."""
    chosen = set(person or ())
    service.take_into_caseload(
        db, [t for t in service.unassigned(db, _site(principal)) if t.key in chosen],
        coordinator_user_id=principal.user.id if principal.user else None, actor=principal.actor)
    return _see_other("/matching?mine=1")


@router.get("/matching/fit", response_class=HTMLResponse)
def cohort_fit(request: Request, db: DbSession, principal: MatchingManager,
               round_code: str = "", fit_round: str = "") -> HTMLResponse:
    """Score the active candidates against a round's open postings: each one's best three."""
    round_code = round_code or fit_round
    postings = service.list_postings(db, round_code=round_code or None, open_only=True)
    candidates = service.active_candidates(db, Scope.of(principal))
    rows = []
    if postings and candidates:
        table = service.fit_table(db, candidates, postings, clock.today())
        for i, c in enumerate(candidates):
            best = sorted(range(len(postings)), key=lambda j: -int(table.scores[i, j]))[:3]
            rows.append((c, [(postings[j], int(table.scores[i, j]) / 100) for j in best]))
    audit_names = _names(db, candidates, principal.can(Permission.PEOPLE_READ_PERSONAL))
    audit.record(db, principal.actor, "matching.cohort.fit", object_type="round",
                 object_id=round_code or None, details={"candidates": len(candidates)})
    return render(request, "matching/fit.html", {
        "rows": rows, "names": audit_names, "round_code": round_code,
        "postings_count": len(postings)})


@router.get("/matching/candidates/{candidate_id}", response_class=HTMLResponse)
def candidate_page(candidate_id: int, request: Request, db: DbSession,
                   principal: MatchingManager) -> HTMLResponse:
    return candidate_page_for(request, db, principal, candidate_id)


def candidate_page_for(request: Request, db: Any, principal: Principal, candidate_id: int,
                       conditions: dict[str, Any] | None = None,
                       errors: list[tuple[str, str]] | None = None) -> HTMLResponse:
    """A candidate's profile, their postings (eligible first, the excluded with the filters that
    excluded them) in the coordinator's terms, and the form of their skills and conditions."""
    candidate = service.get_candidate(db, candidate_id, Scope.of(principal))
    fits = service.fit_list(db, candidate_id, on=clock.today(), actor=principal.actor)
    errors = errors or []
    return render(request, "matching/candidate.html", {
        "candidate": candidate, "fits": _shown(fits),
        "course": service.course_tags(db, candidate.course_code),
        "name": _names(db, [candidate], principal.can(Permission.PEOPLE_READ_PERSONAL))[candidate.id],
        "sessions": coordination.sessions_of(db, candidate_id),
        "offers": runs.offers_of_candidate(db, candidate_id),
        "postings": {p.id: p for p in service.list_postings(db)},
        "organisations": {o.id: o for o in service.list_organisations(db)},
        "conditions": conditions or conditions_values(candidate),
        "options": conditions_options(translator(request)),
        "errors": errors, "field_errors": dict(errors),
        "saved": bool(request.query_params.get("saved")) and not errors,
        "kinds": coordination.SESSION_KINDS, "today": clock.today().isoformat()},
        status_code=422 if errors else 200)


def _shown(fits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best eligible postings, then a few excluded ones with their reasons."""
    eligible = [f for f in fits if not f["excluded_by"]][:FIT_SHOWN]
    return eligible + [f for f in fits if f["excluded_by"]][:EXCLUDED_SHOWN]


@router.post("/matching/candidates/{candidate_id}/sessions")
def add_session(candidate_id: int, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.COUNSELLING_WRITE))],
                kind: Annotated[str, Form()], held_on: Annotated[str, Form()],
                notes: Annotated[str, Form()] = "",
                next_steps: Annotated[str, Form()] = "") -> RedirectResponse:
    service.get_candidate(db, candidate_id, Scope.of(principal))  # outside scope: 404 before the form
    coordination.log_session(db, candidate_id=candidate_id, held_on=_date(held_on),
                             kind=kind, notes=notes, next_steps=next_steps,
                             coordinator_user_id=principal.user.id, actor=principal.actor,
                             scope=Scope.of(principal))
    return _see_other(f"/matching/candidates/{candidate_id}")


@router.post("/matching/runs")
def start_run(db: DbSession, principal: MatchingManager, round_code: Annotated[str, Form()],
              method: Annotated[str, Form()] = "stable") -> RedirectResponse:
    try:
        row = runs.run_matching(db, round_code=round_code, method=method, actor=principal.actor)
    except MatchingInputError as exc:
        return _see_other(f"/matching?error={exc.code}")
    return _see_other(f"/matching/runs/{row.id}")


@router.get("/matching/runs/{matching_run_id}", response_class=HTMLResponse)
def run_page(matching_run_id: int, request: Request, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    """A run's proposals with the alternative beside them, each explained in the coordinator's
    terms and confirmed or vetoed on its own, and why the others stayed unmatched."""
    scope = Scope.of(principal)
    run = service.get_run(db, matching_run_id, scope)
    proposals = service.run_proposals(db, matching_run_id, scope)
    alternative = run.parameters.get("alternative", {})
    other = {int(k): v for k, v in alternative.get("assignment", {}).items()}
    unmatched = {int(k): v for k, v in run.parameters.get("unmatched", {}).items()}
    candidates = service.candidates_in(
        db, sorted({p.candidate_id for p in proposals} | set(other) | set(unmatched)), scope)
    candidate_ids = [c.id for c in candidates]
    postings = {p.id: p for p in service.list_postings(db, round_code=run.round_code)}
    organisations = {o.id: o for o in service.list_organisations(db)}
    mine = {p.candidate_id: p for p in proposals}
    on = dt.date.fromisoformat(run.parameters.get("on", clock.today().isoformat()))
    explained: dict[int, dict[str, Any]] = {}
    if proposals:
        by_id = {c.id: c for c in candidates}
        pairs = [(by_id[p.candidate_id], postings[p.posting_id]) for p in proposals
                 if p.candidate_id in by_id and p.posting_id in postings]
        table = service.fit_table(db, [c for c, _ in pairs], [p for _, p in pairs], on)
        explained = {c.id: table.explain(i, i) for i, (c, _) in enumerate(pairs)}
    rows = [{"candidate": c, "proposal": mine.get(c.id), "other": postings.get(other.get(c.id, -1)),
             "explanation": explained.get(c.id)}
            for c in candidates if c.id in mine or c.id in other]
    return render(request, "matching/run.html", {
        "run": run, "rows": rows, "alternative": alternative, "postings": postings,
        "organisations": organisations,
        "names": _names(db, candidates, principal.can(Permission.PEOPLE_READ_PERSONAL)),
        "offers": service.offers_in(db, candidate_ids, scope),
        "ranked": service.ranked_candidates(db, candidate_ids),
        "unmatched": [(c, unmatched[c.id]) for c in candidates if c.id in unmatched],
        "today": clock.today().isoformat(),
        "error": request.query_params.get("error", ""),
        "can_record": principal.can(Permission.OUTCOME_RECORD)})


@router.post("/matching/runs/{matching_run_id}/proposals")
def decide_proposal(matching_run_id: int, db: DbSession, principal: MatchingManager,
                    proposal_id: Annotated[int, Form()], decision: Annotated[str, Form()],
                    reason: Annotated[str, Form()] = "",
                    offered_on: Annotated[str, Form()] = "") -> RedirectResponse:
    """Confirm one proposal (an offer) or veto it with a reason: the caller's candidates only."""
    try:
        scope = Scope.of(principal)
        service.get_run(db, matching_run_id, scope)
        if proposal_id not in {p.id for p in service.run_proposals(db, matching_run_id, scope)}:
            raise service.NotFound("proposal", proposal_id)
        runs.decide_proposal(db, proposal_id, decision=decision, reason=reason,
                             on=_date(offered_on), actor=principal.actor)
    except MatchingInputError as exc:
        return _see_other(f"/matching/runs/{matching_run_id}?error={exc.code}#proposal-{proposal_id}")
    return _see_other(f"/matching/runs/{matching_run_id}#proposal-{proposal_id}")


@router.post("/matching/runs/{matching_run_id}/confirm")
def confirm_run(matching_run_id: int, request: Request, db: DbSession, principal: MatchingManager,
                offered_on: Annotated[str, Form()] = "") -> RedirectResponse:
    scope = Scope.of(principal)
    service.get_run(db, matching_run_id, scope)
    mine = {p.id for p in service.run_proposals(db, matching_run_id, scope)}  # the caller's candidates only
    runs.confirm_run(db, matching_run_id, on=_date(offered_on), actor=principal.actor, accepted=mine)
    return _see_other(f"/matching/runs/{matching_run_id}")


@router.post("/matching/offers/{offer_id}/decision")
def decide_offer(offer_id: int, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.OUTCOME_RECORD))],
                 decision: Annotated[str, Form()], on: Annotated[str, Form()],
                 back: Annotated[str, Form()] = "/matching") -> RedirectResponse:
    service.get_offer(db, offer_id, Scope.of(principal))
    runs.decide_offer(db, offer_id, decision=decision, on=_date(on), actor=principal.actor)
    return _see_other(back if back.startswith("/matching") else "/matching")


@router.post("/matching/days")
def create_day(db: DbSession, principal: MatchingManager, title: Annotated[str, Form()],
               held_on: Annotated[str, Form()], slot_count: Annotated[int, Form()] = 8,
               first_slot: Annotated[str, Form()] = "10:00") -> RedirectResponse:
    try:
        on = _date(held_on)
        day = coordination.create_day(db, code=f"MD-{on.isoformat()}-{clock.seoul_now():%H%M%S}",
                                      title=title, held_on=on, first_slot=first_slot,
                                      slot_count=slot_count, actor=principal.actor)
        organisation_ids = sorted({p.organisation_id
                                   for p in service.list_postings(db, open_only=True)})
        coordination.add_participants(
            db, day.id, organisation_ids=organisation_ids,
            candidate_ids=[c.id for c in service.active_candidates(db)], actor=principal.actor)
        coordination.schedule_day(db, day.id, actor=principal.actor)
    except MatchingInputError as exc:
        return _see_other(f"/matching?error={exc.code}")
    return _see_other(f"/matching/days/{day.id}")


@router.get("/matching/days/{day_id}", response_class=HTMLResponse)
def day_page(day_id: int, request: Request, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    day = coordination.get_day(db, day_id)
    interviews = coordination.interviews(db, day_id=day_id, scope=Scope.of(principal))
    candidates = [db.get(Candidate, i) for i in sorted({i.candidate_id for i in interviews})]
    return render(request, "matching/day.html", {
        "day": day, "interviews": interviews, "slot_time": coordination.slot_time,
        "organisations": {o.id: o for o in service.list_organisations(db)},
        "names": _names(db, [c for c in candidates if c],
                        principal.can(Permission.PEOPLE_READ_PERSONAL)),
        "results": coordination.RESULTS})


@router.post("/matching/interviews/{interview_id}/result")
def interview_result(interview_id: int, db: DbSession, principal: MatchingManager,
                     result: Annotated[str, Form()], day_id: Annotated[int, Form()]
                     ) -> RedirectResponse:
    coordination.record_result(db, interview_id, result=result, actor=principal.actor,
                               scope=Scope.of(principal))
    return _see_other(f"/matching/days/{day_id}")


@router.get("/matching/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(organisation_id: int, request: Request, db: DbSession,
                      principal: Annotated[Principal, Depends(authenticated())]) -> HTMLResponse:
    """An organisation's postings and proposed candidates: for its members and coordinators."""
    organisation = db.get(Organisation, organisation_id)
    member = any(o.id == organisation_id
                 for o in service.organisations_of_user(db, principal.user.id))
    if organisation is None or not (member or principal.can(Permission.MATCHING_MANAGE)):
        raise NotFound("organisation", organisation_id)
    postings = service.list_postings(db, organisation_id=organisation_id)
    proposed: dict[int, list[Any]] = {p.id: [] for p in postings}
    for run in runs.list_runs(db):
        for proposal in runs.proposals(db, run.id):
            if proposal.posting_id in proposed and proposal.status != "rejected":
                proposed[proposal.posting_id].append(proposal)
    candidates = [db.get(Candidate, p.candidate_id) for ps in proposed.values() for p in ps]
    if not member:  # a coordinator sees the proposals of their own candidates only
        mine = {c.id for c in service.candidates_in(db, [c.id for c in candidates if c], Scope.of(principal))}
        proposed = {k: [p for p in ps if p.candidate_id in mine] for k, ps in proposed.items()}
        candidates = [c for c in candidates if c and c.id in mine]
    names = _names(db, [c for c in candidates if c], False)
    return render(request, "matching/organisation.html", {
        "organisation": organisation, "postings": postings, "proposed": proposed,
        "names": names,
        "rankings": {p.id: service.posting_ranking(db, p.id) for p in postings},
        "rank_options": {pid: [(str(c), names[c]) for c in dict.fromkeys(
            x.candidate_id for x in ps) if c in names] for pid, ps in proposed.items()},
        "saved": request.query_params.get("saved", "")})


@router.post("/matching/postings/{posting_id}/rankings")
async def rank_candidates(posting_id: int, request: Request, db: DbSession,
                          principal: Annotated[Principal, Depends(authenticated())]
                          ) -> RedirectResponse:
    """The employer (a member of the posting's organisation) or a coordinator for them ranks
    the candidates proposed for the posting, best first; the next run keeps that order and the
    posting refuses the others. A coordinator ranks only their own caseload's."""
    posting = service.get_posting(db, posting_id)
    member = any(o.id == posting.organisation_id
                 for o in service.organisations_of_user(db, principal.user.id))
    if not (member or principal.can(Permission.MATCHING_MANAGE)):
        raise NotFound("posting", posting_id)
    proposed = {p.candidate_id for run in runs.list_runs(db) for p in runs.proposals(db, run.id)
                if p.posting_id == posting_id and p.status != "rejected"}
    if not member:
        proposed &= {c.id for c in service.candidates_in(db, sorted(proposed), Scope.of(principal))}
    form = await request.form()
    chosen = [int(v) for n in range(1, 4)
              if (v := str(form.get(f"rank_{n}-{posting_id}", "")).strip()).isdigit()
              and int(v) in proposed]
    service.set_ranking(db, side="posting", candidate_id=0, posting_id=posting_id,
                        candidate_ids=chosen, actor=principal.actor)
    return _see_other(f"/matching/organisations/{posting.organisation_id}?saved=ranking"
                      f"#posting-{posting_id}")


@router.get("/matching/acceptance", response_class=HTMLResponse)
def acceptance_page(request: Request, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    """Proposals, offers, interviews and hires counted per posting and per employer (no
    person), with the acceptance rate."""
    by_posting, by_employer = acceptance(db)
    return render(request, "matching/acceptance.html", {
        "by_posting": by_posting, "by_employer": by_employer})


@router.get("/matching/me", response_class=HTMLResponse)
def my_page(request: Request, db: DbSession, principal: Annotated[
        Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    return my_matching_page(request, db, principal)


def my_matching_page(request: Request, db: Any, principal: Principal,
                     values: dict[str, Any] | None = None,
                     errors: list[tuple[str, str]] | None = None,
                     conditions: dict[str, Any] | None = None) -> HTMLResponse:
    """The trainee's own offers and interviews, their profile form (description, preferred
    districts and fields), their skills and conditions, and their fit against the open
    postings (the excluded ones say why)."""
    person_id = principal.user.person_id
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    interviews, offers, days, fits, ranked = [], [], {}, [], []
    if candidate is not None:
        interviews = coordination.interviews(db, candidate_id=candidate.id)
        offers = runs.offers_of_candidate(db, candidate.id)
        days = {d.id: d for d in coordination.list_days(db)}
        fits = _shown(service.fit_list(db, candidate.id, on=clock.today(),
                                       actor=principal.actor))
        conditions = conditions or conditions_values(candidate)
        ranked = service.candidate_ranking(db, candidate.id)
        values = values or {"description": candidate.description,
                            "preferred_districts": candidate.preferred_districts,
                            "preferred_fields": ", ".join(candidate.preferred_fields)}
    errors = errors or []
    return render(request, "matching/me.html", {
        "candidate": candidate, "interviews": interviews, "offers": offers, "days": days,
        "slot_time": coordination.slot_time, "fits": fits, "values": values or {},
        "errors": errors, "field_errors": dict(errors), "has_errors": bool(errors),
        "saved": request.query_params.get("saved", "") if not errors else "",
        "conditions": conditions or {}, "options": conditions_options(translator(request)),
        "ranked": ranked, "rank_options": [("", translator(request)("matching.form.none"))] + [
            (str(f["posting"].id), f["posting"].title) for f in fits if not f["excluded_by"]],
        "can_edit": principal.can(Permission.PROFILE_EDIT_OWN),
        "district_options": district_options(translator(request))[1:],
        "postings": {p.id: p for p in service.list_postings(db)},
        "organisations": {o.id: o for o in service.list_organisations(db)}},
        status_code=422 if errors else 200)


# --- organisations, postings and the trainee's own profile: the forms -----------------------
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
    return [("", t("matching.form.none"))] + [
        (key, t.pick(names["ko"], names["en"])) for key, names in vocabulary().fields.items()]


def education_options(t: Translator) -> list[tuple[str, str]]:
    return [("", t("matching.form.none"))] + [(level, t("matching.education." + level))
                                              for level in EDUCATION_LEVELS]


def district_options(t: Translator) -> list[tuple[str, str]]:
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
def organisations(request: Request, db: DbSession, principal: MatchingManager) -> HTMLResponse:
    return _organisations_page(request, db, {"kind": "company"}, [])


@router.post("/matching/organisations", response_model=None)
async def create_organisation(request: Request, db: DbSession,
                              principal: MatchingManager) -> HTMLResponse | RedirectResponse:
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
                      principal: MatchingManager) -> HTMLResponse:
    row = _organisation(db, organisation_id)
    return _organisation_form(request, row, {name: getattr(row, name) or ""
                                             for name in ORGANISATION_FIELDS}, [])


@router.post("/matching/organisations/{organisation_id}", response_model=None)
async def update_organisation(organisation_id: int, request: Request, db: DbSession,
                              principal: MatchingManager) -> HTMLResponse | RedirectResponse:
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
    return service.get_organisation(db, organisation_id)


def _posting(db: Any, posting_id: int) -> Any:
    return service.get_posting(db, posting_id)


@router.get("/matching/organisations/{organisation_id}/postings/new", response_class=HTMLResponse)
def new_posting(organisation_id: int, request: Request, db: DbSession,
                principal: MatchingManager) -> HTMLResponse:
    organisation = _organisation(db, organisation_id)
    rounds = service.round_codes(db)
    return _posting_page(request, organisation, None, {
        "kind": "job" if organisation.kind in ("university", "partner") else (
            "internship_city" if organisation.kind == "city_department" else "internship_company"),
        "round_code": rounds[-1] if rounds else "", "seats": "1",
        "district": organisation.district or ""}, [])


@router.post("/matching/organisations/{organisation_id}/postings", response_model=None)
async def create_posting(organisation_id: int, request: Request, db: DbSession,
                         principal: MatchingManager) -> HTMLResponse | RedirectResponse:
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
                 principal: MatchingManager) -> HTMLResponse:
    posting = _posting(db, posting_id)
    return _posting_page(request, _organisation(db, posting.organisation_id), posting,
                         _posting_values(posting), [])


@router.post("/matching/postings/{posting_id}", response_model=None)
async def update_posting(posting_id: int, request: Request, db: DbSession,
                         principal: MatchingManager) -> HTMLResponse | RedirectResponse:
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
def close_posting(posting_id: int, db: DbSession, principal: MatchingManager) -> RedirectResponse:
    posting = _posting(db, posting_id)
    service.close_posting(db, posting_id, actor=principal.actor)
    return RedirectResponse(f"/matching/organisations/{posting.organisation_id}", status_code=303)


# --- the trainee's own profile -----------------------------------------------------------------

@router.post("/matching/me", response_model=None)
async def edit_my_profile(request: Request, db: DbSession,
                          principal: OwnProfileEditor) -> HTMLResponse | RedirectResponse:
    """Only the logged-in person's own candidate record is ever written."""

    person_id = principal.user.person_id if principal.user else None
    if not person_id or service.candidate_of_person(db, person_id) is None:
        raise NoProfile()
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
    fields = vocabulary().fields
    return {"education": education_options(t), "districts": district_options(t),
            "kinds": [(k, t("matching.kind_wish." + k)) for k in KINDS_WANTED],
            "shifts": [(s, t("matching.shift." + s)) for s in SHIFTS],
            "fields_text": ", ".join(t.pick(f["ko"], f["en"]) for k, f in fields.items()
                                     if k != "general")}


def conditions_values(candidate: Any) -> dict[str, Any]:
    """A candidate's record as the form shows it."""
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
    conditions, problems = parse_conditions(values)
    if problems:
        return _errors(translator(request), problems, CONDITION_FIELDS)
    service.update_conditions(db, candidate_id, conditions, actor=principal.actor, scope=scope)
    return []


@router.post("/matching/me/conditions", response_model=None)
async def edit_my_conditions(request: Request, db: DbSession,
                             principal: OwnProfileEditor) -> HTMLResponse | RedirectResponse:
    """The trainee's own skills, certificates, experience and conditions (their record only)."""
    person_id = principal.user.person_id if principal.user else None
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise NoProfile()
    values = await _conditions_form(request)
    errors = _save_conditions(request, db, principal, candidate.id, values, SYSTEM)
    if errors:
        return my_matching_page(request, db, principal, conditions=values, errors=errors)
    return RedirectResponse("/matching/me?saved=conditions", status_code=303)


@router.post("/matching/candidates/{candidate_id}/conditions", response_model=None)
async def edit_conditions(candidate_id: int, request: Request, db: DbSession,
                          principal: MatchingManager) -> HTMLResponse | RedirectResponse:
    """A coordinator records a candidate's skills and conditions (their caseload's only)."""

    scope = Scope.of(principal)
    service.get_candidate(db, candidate_id, scope)
    values = await _conditions_form(request)
    errors = _save_conditions(request, db, principal, candidate_id, values, scope)
    if errors:
        return candidate_page_for(request, db, principal, candidate_id, conditions=values,
                                  errors=errors)
    return RedirectResponse(f"/matching/candidates/{candidate_id}?saved=1", status_code=303)


@router.post("/matching/caseload/import")
def import_from_training(db: DbSession, principal: MatchingManager) -> RedirectResponse:
    """Every enrolled or completed trainee and placed participant not yet a candidate becomes one
    (in the caller's caseload), with their course's skills."""
    added = service.candidates_from_training(
        db, actor=principal.actor, coordinator_user_id=principal.user.id if principal.user else None,
        site_code=principal.user.site_code if principal.user else None)
    return RedirectResponse(f"/matching?mine=1&imported={added}", status_code=303)


RANKED = 3  # choices a trainee ranks on their page


@router.post("/matching/me/rankings")
async def rank_my_postings(request: Request, db: DbSession, principal: OwnProfileEditor) -> RedirectResponse:
    """The trainee's own ranked choices among the open postings (1st to 3rd); a run then keeps
    their order, and the proposal says which choice it is."""
    person_id = principal.user.person_id if principal.user else None
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise NoProfile()
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
