"""Pages: the coordinator's matching desk (caseload, rounds, runs, matching days), a candidate's
profile with their fit list and its explanation, the run review (stable and max-fit side by
side, confirm), offers to hires, a matching day's schedule, an organisation's postings and
proposed candidates, and the trainee's own matches, interviews and offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, authenticated, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.matching import coordination, runs, service
from ilja.matching.errors import MatchingInputError
from ilja.matching.models import Candidate, Organisation
from ilja.people.registry import get_person, masked_view
from ilja.web.templating import render

router = APIRouter(include_in_schema=False)
Manage = Annotated[Principal, Depends(requires(Permission.MATCHING_MANAGE))]
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
def desk(request: Request, db: DbSession, principal: Manage, error: str = "") -> HTMLResponse:
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
def take_page(request: Request, db: DbSession, principal: Manage) -> HTMLResponse:
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
def take(db: DbSession, principal: Manage,
         person: Annotated[list[str] | None, Form()] = None) -> RedirectResponse:
    """Take the ticked trainees into my caseload; a trainee someone took meanwhile is skipped."""
    chosen = set(person or ())
    service.take_into_caseload(
        db, [t for t in service.unassigned(db, _site(principal)) if t.key in chosen],
        coordinator_user_id=principal.user.id if principal.user else None, actor=principal.actor)
    return _see_other("/matching?mine=1")


@router.get("/matching/fit", response_class=HTMLResponse)
def cohort_fit(request: Request, db: DbSession, principal: Manage,
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
                   principal: Manage) -> HTMLResponse:
    return candidate_page_for(request, db, principal, candidate_id)


def candidate_page_for(request: Request, db: Any, principal: Principal, candidate_id: int,
                       conditions: dict[str, Any] | None = None,
                       errors: list[tuple[str, str]] | None = None) -> HTMLResponse:
    """A candidate's profile, their postings (eligible first, the excluded with the filters that
    excluded them) in the coordinator's terms, and the form of their skills and conditions."""
    from ilja.matching.views_catalogue import conditions_options, conditions_values
    from ilja.web.templating import translator

    try:
        candidate = service.get_candidate(db, candidate_id, Scope.of(principal))
    except service.NotFound:
        raise HTTPException(404) from None
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
    try:
        service.get_candidate(db, candidate_id, Scope.of(principal))  # outside scope: 404 before the form
        coordination.log_session(db, candidate_id=candidate_id, held_on=_date(held_on),
                                 kind=kind, notes=notes, next_steps=next_steps,
                                 coordinator_user_id=principal.user.id, actor=principal.actor,
                                 scope=Scope.of(principal))
    except service.NotFound:
        raise HTTPException(404) from None
    except MatchingInputError as exc:
        raise HTTPException(422, exc.message) from None
    return _see_other(f"/matching/candidates/{candidate_id}")


@router.post("/matching/runs")
def start_run(db: DbSession, principal: Manage, round_code: Annotated[str, Form()],
              method: Annotated[str, Form()] = "stable") -> RedirectResponse:
    try:
        row = runs.run_matching(db, round_code=round_code, method=method, actor=principal.actor)
    except MatchingInputError as exc:
        return _see_other(f"/matching?error={exc.code}")
    return _see_other(f"/matching/runs/{row.id}")


@router.get("/matching/runs/{matching_run_id}", response_class=HTMLResponse)
def run_page(matching_run_id: int, request: Request, db: DbSession, principal: Manage) -> HTMLResponse:
    """A run's proposals with the alternative beside them, each explained in the coordinator's
    terms and confirmed or vetoed on its own, and why the others stayed unmatched."""
    try:
        scope = Scope.of(principal)
        run = service.get_run(db, matching_run_id, scope)
    except service.NotFound:
        raise HTTPException(404) from None
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
def decide_proposal(matching_run_id: int, db: DbSession, principal: Manage,
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
    except service.NotFound:
        raise HTTPException(404) from None
    except MatchingInputError as exc:
        return _see_other(f"/matching/runs/{matching_run_id}?error={exc.code}#proposal-{proposal_id}")
    except runs.RunStateError as exc:
        raise HTTPException(409, str(exc)) from None
    return _see_other(f"/matching/runs/{matching_run_id}#proposal-{proposal_id}")


@router.post("/matching/runs/{matching_run_id}/confirm")
def confirm_run(matching_run_id: int, request: Request, db: DbSession, principal: Manage,
                offered_on: Annotated[str, Form()] = "") -> RedirectResponse:
    try:
        scope = Scope.of(principal)
        service.get_run(db, matching_run_id, scope)
        mine = {p.id for p in service.run_proposals(db, matching_run_id, scope)}  # the caller's candidates only
        runs.confirm_run(db, matching_run_id, on=_date(offered_on), actor=principal.actor, accepted=mine)
    except service.NotFound:
        raise HTTPException(404) from None
    except (runs.RunStateError, MatchingInputError) as exc:
        raise HTTPException(409, str(exc)) from None
    return _see_other(f"/matching/runs/{matching_run_id}")


@router.post("/matching/offers/{offer_id}/decision")
def decide_offer(offer_id: int, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.OUTCOME_RECORD))],
                 decision: Annotated[str, Form()], on: Annotated[str, Form()],
                 back: Annotated[str, Form()] = "/matching") -> RedirectResponse:
    try:
        service.get_offer(db, offer_id, Scope.of(principal))
        runs.decide_offer(db, offer_id, decision=decision, on=_date(on), actor=principal.actor)
    except service.NotFound:
        raise HTTPException(404) from None
    except (runs.RunStateError, MatchingInputError) as exc:
        raise HTTPException(409, str(exc)) from None
    return _see_other(back if back.startswith("/matching") else "/matching")


@router.post("/matching/days")
def create_day(db: DbSession, principal: Manage, title: Annotated[str, Form()],
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
def day_page(day_id: int, request: Request, db: DbSession, principal: Manage) -> HTMLResponse:
    try:
        day = coordination.get_day(db, day_id)
    except service.NotFound:
        raise HTTPException(404) from None
    interviews = coordination.interviews(db, day_id=day_id, scope=Scope.of(principal))
    candidates = [db.get(Candidate, i) for i in sorted({i.candidate_id for i in interviews})]
    return render(request, "matching/day.html", {
        "day": day, "interviews": interviews, "slot_time": coordination.slot_time,
        "organisations": {o.id: o for o in service.list_organisations(db)},
        "names": _names(db, [c for c in candidates if c],
                        principal.can(Permission.PEOPLE_READ_PERSONAL)),
        "results": coordination.RESULTS})


@router.post("/matching/interviews/{interview_id}/result")
def interview_result(interview_id: int, db: DbSession, principal: Manage,
                     result: Annotated[str, Form()], day_id: Annotated[int, Form()]
                     ) -> RedirectResponse:
    try:
        coordination.record_result(db, interview_id, result=result, actor=principal.actor,
                                   scope=Scope.of(principal))
    except service.NotFound:
        raise HTTPException(404) from None
    except MatchingInputError as exc:
        raise HTTPException(422, exc.message) from None
    return _see_other(f"/matching/days/{day_id}")


@router.get("/matching/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(organisation_id: int, request: Request, db: DbSession,
                      principal: Annotated[Principal, Depends(authenticated())]) -> HTMLResponse:
    """An organisation's postings and proposed candidates: for its members and coordinators."""
    organisation = db.get(Organisation, organisation_id)
    member = any(o.id == organisation_id
                 for o in service.organisations_of_user(db, principal.user.id))
    if organisation is None or not (member or principal.can(Permission.MATCHING_MANAGE)):
        raise HTTPException(404)
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
    try:
        posting = service.get_posting(db, posting_id)
    except service.NotFound:
        raise HTTPException(404) from None
    member = any(o.id == posting.organisation_id
                 for o in service.organisations_of_user(db, principal.user.id))
    if not (member or principal.can(Permission.MATCHING_MANAGE)):
        raise HTTPException(404)
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
def acceptance_page(request: Request, db: DbSession, principal: Manage) -> HTMLResponse:
    """Proposals, offers, interviews and hires counted per posting and per employer (no
    person), with the acceptance rate."""
    from ilja.matching.acceptance import acceptance

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
    from ilja.matching.views_catalogue import (
        conditions_options,
        conditions_values,
        district_options,
    )
    from ilja.web.templating import translator

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


# Organisation list and forms, posting forms, the trainee's own profile form (views_catalogue.py).
router.include_router(__import__("ilja.matching.views_catalogue", fromlist=["x"]).router)
