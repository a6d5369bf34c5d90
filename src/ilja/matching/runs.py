"""Matching runs, their review and confirmation, offers, hires (service layer).

Issue 5 §3: a run takes the open postings of a round and the active candidates, scores every
pair, builds strict preferences (ranked lists where given, fit where not, the seeded lottery for
ties) and stores the candidate-optimal stable matching as proposals — with the max-fit
alternative beside it for the review page. A coordinator confirms proposals; confirmed ones
become offers; an offer ends hired or declined, each with its date; a hire is written to
``matching_outcomes`` (the employment outcome) and the candidate leaves the pool.

Seats already taken by open offers or hires are not offered again; candidates holding an open
offer or hired are not in the pool. The run stores its seed (and the commitment to it), the
parameters used and a hash of its inputs, so ``reproduce_run`` can show the same inputs and seed
give the same proposals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.matching import filters
from ilja.matching.assignment import max_fit_assignment, total_fit
from ilja.matching.deferred_acceptance import Matching, blocking_pairs, deferred_acceptance
from ilja.matching.errors import MatchingInputError, RunStateError
from ilja.matching.fit import min_fit_scaled
from ilja.matching.models import (
    Candidate,
    MatchingOutcome,
    MatchingRun,
    Offer,
    Organisation,
    Posting,
    Proposal,
    Ranking,
)
from ilja.matching.problem import MatchingProblem, build_problem, pairs_from_fit
from ilja.matching.service import (
    METHODS,
    NotFound,
    _get,
    active_candidates,
    fit_table,
    list_postings,
)
from ilja.outcomes import service as outcomes_service
from ilja.rules.parameters import default_tree
from ilja.seeds import commitment, new_seed


def _taken(session: Session) -> tuple[set[int], dict[int, int]]:
    """Candidates holding an open offer or hired, and seats taken per posting."""
    rows = session.execute(select(Offer.candidate_id, Offer.posting_id)
                           .where(Offer.status.in_(("offered", "hired")))).all()
    seats: dict[int, int] = {}
    for _, posting_id in rows:
        seats[posting_id] = seats.get(posting_id, 0) + 1
    return {c for c, _ in rows}, seats


def _inputs(session: Session, round_code: str, on: dt.date) -> dict[str, Any]:
    busy, seats_taken = _taken(session)
    candidates = [c for c in active_candidates(session) if c.id not in busy]
    postings = [p for p in list_postings(session, round_code=round_code, open_only=True)
                if p.seats - seats_taken.get(p.id, 0) > 0]
    if not postings:
        raise MatchingInputError("round", "no_postings", f"round {round_code} has no open seats")
    if not candidates:
        raise MatchingInputError("candidates", "no_candidates", "no active candidates")
    tree = default_tree()
    params = {"min_fit": tree.value("matching.fit.min_fit", on),
              "list_length": tree.value("matching.fit.list_length", on),
              "parameter_version": tree.version(), "on": on.isoformat()}
    table = fit_table(session, candidates, postings, on)
    c_index = {c.id: i for i, c in enumerate(candidates)}
    p_index = {p.id: j for j, p in enumerate(postings)}
    c_rank: dict[int, list[int]] = {}
    p_rank: dict[int, list[int]] = {}
    for r in session.scalars(select(Ranking).order_by(Ranking.rank)):
        if r.candidate_id not in c_index or r.posting_id not in p_index:
            continue
        if r.side == "candidate":
            c_rank.setdefault(c_index[r.candidate_id], []).append(p_index[r.posting_id])
        else:
            p_rank.setdefault(p_index[r.posting_id], []).append(c_index[r.candidate_id])
    capacity = np.array([p.seats - seats_taken.get(p.id, 0) for p in postings], dtype=np.int64)
    return {"candidates": candidates, "postings": postings, "table": table, "params": params,
            "candidate_rankings": c_rank, "posting_rankings": p_rank, "capacity": capacity}


def _inputs_hash(inputs: dict[str, Any]) -> str:
    data = {
        "candidates": [c.id for c in inputs["candidates"]],
        "postings": [[p.id, int(cap)] for p, cap in zip(inputs["postings"], inputs["capacity"],
                                                        strict=True)],
        "fit": hashlib.sha256(inputs["table"].scores.tobytes()).hexdigest(),
        "excluded": hashlib.sha256(inputs["table"].excluded.tobytes()).hexdigest(),
        "candidate_rankings": sorted(inputs["candidate_rankings"].items()),
        "posting_rankings": sorted(inputs["posting_rankings"].items()),
        "params": {k: v for k, v in inputs["params"].items() if k != "on"},
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def solve(inputs: dict[str, Any], seed: bytes) -> tuple[MatchingProblem, np.ndarray,
                                                         Matching, Matching]:
    """The strict problem, the fit per entry, the stable matching and the max-fit one."""
    scores = inputs["table"].scores
    params = inputs["params"]
    pairs = pairs_from_fit(scores, min_fit_scaled(params["min_fit"]), params["list_length"],
                           candidate_rankings=inputs["candidate_rankings"],
                           posting_rankings=inputs["posting_rankings"],
                           excluded=inputs["table"].excluded)
    problem = build_problem(inputs["capacity"], *pairs,
                            candidate_ids=[f"C{c.id}" for c in inputs["candidates"]],
                            posting_ids=[p.code for p in inputs["postings"]], seed=seed)
    fit = scores[problem.candidate_of_entry(), problem.pref_posting].astype(np.int64)
    return problem, fit, deferred_acceptance(problem), max_fit_assignment(problem, fit)


def run_matching(session: Session, *, round_code: str, method: str = "stable",
                 on: dt.date | None = None, seed: bytes | None = None,
                 actor: audit.Actor) -> MatchingRun:
    """Score, match and store proposals for a round; the alternative is kept for review."""
    if method not in METHODS:
        raise MatchingInputError("method", "method_invalid", f"method is one of {METHODS}")
    on = on or clock.today()
    seed = seed or new_seed()
    inputs = _inputs(session, round_code, on)
    problem, fit, stable, best = solve(inputs, seed)
    chosen, other = (stable, best) if method == "stable" else (best, stable)
    candidates, postings = inputs["candidates"], inputs["postings"]
    alternative = {str(candidates[c].id): postings[int(other.posting[c])].id
                   for c in np.flatnonzero(other.posting >= 0).tolist()}
    run = MatchingRun(
        round_code=round_code, method=method, status="proposed", seed=seed.hex(),
        seed_commitment=commitment(seed), inputs_hash=_inputs_hash(inputs),
        parameters={**inputs["params"], "alternative": {
            "method": "max_fit" if method == "stable" else "stable",
            "matched": other.matched_count(), "total_fit": total_fit(other, fit),
            "blocking_pairs": int(len(blocking_pairs(problem, other))),
            "assignment": alternative}},
        candidates=len(candidates), postings=len(postings), matched=chosen.matched_count(),
        total_fit=total_fit(chosen, fit), blocking_pairs=int(len(blocking_pairs(problem, chosen))),
        created_at=clock.now(), created_by=actor.id)
    run.parameters["unmatched"] = why_unmatched(inputs, chosen)
    session.add(run)
    session.flush()
    for c in np.flatnonzero(chosen.posting >= 0).tolist():
        entry = int(chosen.entry[c])
        session.add(Proposal(run_id=run.id, candidate_id=candidates[c].id,
                             posting_id=postings[int(chosen.posting[c])].id, fit=int(fit[entry]),
                             candidate_choice=entry - int(problem.pref_ptr[c]) + 1,
                             status="proposed"))
    session.flush()
    audit.record(session, actor, "matching.run", object_type="matching_run", object_id=run.id,
                 details={"round": round_code, "method": method, "matched": run.matched,
                          "inputs_hash": run.inputs_hash})
    return run


def why_unmatched(inputs: dict[str, Any], chosen: Matching) -> dict[str, dict[str, Any]]:
    """For each candidate left unmatched, what happened to the round's postings: how many each
    hard filter excluded, how many fell below the minimum fit, how many were open to them but
    went to candidates the postings preferred (keyed by candidate id, for the run page)."""
    table = inputs["table"]
    min_fit = min_fit_scaled(inputs["params"]["min_fit"])
    out: dict[str, dict[str, Any]] = {}
    for c in np.flatnonzero(chosen.posting < 0).tolist():
        masks = table.excluded[c]
        by_filter: dict[str, int] = {}
        for mask in masks[masks != 0].tolist():
            for name in filters.reasons(int(mask)):
                by_filter[name] = by_filter.get(name, 0) + 1
        eligible = masks == 0
        low = int((eligible & (table.scores[c] < min_fit)).sum())
        out[str(inputs["candidates"][c].id)] = {
            "postings": len(masks), "excluded": int((~eligible).sum()), "by_filter": by_filter,
            "below_min_fit": low, "taken_by_others": int(eligible.sum()) - low}
    return out


def reproduce_run(session: Session, run_id: int) -> bool:
    """Whether the stored seed and today's inputs give the stored proposals and inputs hash."""
    run = get_run(session, run_id)
    inputs = _inputs(session, run.round_code, dt.date.fromisoformat(run.parameters["on"]))
    if _inputs_hash(inputs) != run.inputs_hash:
        return False
    _, _, stable, best = solve(inputs, bytes.fromhex(run.seed))
    chosen = stable if run.method == "stable" else best
    again = {(inputs["candidates"][c].id, inputs["postings"][int(chosen.posting[c])].id)
             for c in np.flatnonzero(chosen.posting >= 0).tolist()}
    stored = {(p.candidate_id, p.posting_id) for p in proposals(session, run_id)}
    return again == stored


def get_run(session: Session, run_id: int) -> MatchingRun:
    return _get(session, MatchingRun, run_id, "matching run")


def list_runs(session: Session, round_code: str | None = None) -> list[MatchingRun]:
    query = select(MatchingRun).order_by(MatchingRun.id.desc())
    if round_code:
        query = query.where(MatchingRun.round_code == round_code)
    return list(session.scalars(query))


def proposals(session: Session, run_id: int) -> list[Proposal]:
    return list(session.scalars(select(Proposal).where(Proposal.run_id == run_id)
                                .order_by(Proposal.posting_id, Proposal.candidate_id)))


def confirm_run(session: Session, run_id: int, *, accepted: set[int] | None = None,
                on: dt.date | None = None, actor: audit.Actor) -> list[Offer]:
    """Confirm proposals (all, or the ids in ``accepted``): each becomes an offer dated ``on``."""
    run = get_run(session, run_id)
    if run.status != "proposed":
        raise RunStateError("run_not_proposed", f"run {run_id} is already {run.status}")
    busy, _ = _taken(session)
    on = on or clock.today()
    offers = []
    for proposal in proposals(session, run_id):
        if proposal.status != "proposed":  # decided one by one before
            continue
        take = (accepted is None or proposal.id in accepted) and proposal.candidate_id not in busy
        proposal.status = "confirmed" if take else "rejected"
        if take:
            offer = Offer(proposal_id=proposal.id, candidate_id=proposal.candidate_id,
                          posting_id=proposal.posting_id, status="offered", offered_on=on,
                          created_by=actor.id)
            session.add(offer)
            offers.append(offer)
    run.status, run.confirmed_at, run.confirmed_by = "confirmed", clock.now(), actor.id
    session.flush()
    audit.record(session, actor, "matching.run.confirm", object_type="matching_run",
                 object_id=run.id, details={"offers": [o.id for o in offers]})
    return offers


def decide_proposal(session: Session, proposal_id: int, *, decision: str,
                    reason: str | None = None, on: dt.date | None = None,
                    actor: audit.Actor) -> Offer | None:
    """Confirm one proposal (it becomes an offer dated ``on``) or veto it with a reason. The run
    is confirmed once none of its proposals waits."""
    proposal = _get(session, Proposal, proposal_id, "proposal")
    run = get_run(session, proposal.run_id)
    if run.status != "proposed" or proposal.status != "proposed":
        raise RunStateError("proposal_decided",
                            f"proposal {proposal_id} is already {proposal.status}")
    if decision not in ("confirm", "veto"):
        raise MatchingInputError("decision", "decision_invalid", "decision is confirm or veto")
    text = (reason or "").strip()
    if decision == "veto" and not text:
        raise MatchingInputError("reason", "required", "a veto says why")
    if len(text) > 1000:
        raise MatchingInputError("reason", "too_long", "a reason has at most 1000 characters")
    offer = None
    if decision == "confirm":
        busy, _ = _taken(session)
        if proposal.candidate_id in busy:
            raise RunStateError("candidate_busy", "the candidate already holds an offer")
        offer = Offer(proposal_id=proposal.id, candidate_id=proposal.candidate_id,
                      posting_id=proposal.posting_id, status="offered",
                      offered_on=on or clock.today(), created_by=actor.id)
        session.add(offer)
    proposal.status = "confirmed" if decision == "confirm" else "vetoed"
    proposal.decided_by, proposal.decided_at = actor.id, clock.now()
    proposal.reason = text or None
    session.flush()
    if not any(p.status == "proposed" for p in proposals(session, run.id)):
        run.status, run.confirmed_at, run.confirmed_by = "confirmed", clock.now(), actor.id
        session.flush()
    candidate = session.get(Candidate, proposal.candidate_id)
    audit.record(session, actor, f"matching.proposal.{decision}",
                 subject_person_id=candidate.person_id if candidate else None,
                 object_type="proposal", object_id=proposal.id,
                 details={"run": run.id, "reason": text} if text else {"run": run.id})
    return offer


def get_offer(session: Session, offer_id: int) -> Offer:
    return _get(session, Offer, offer_id, "offer")


def offers_of_candidate(session: Session, candidate_id: int) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.candidate_id == candidate_id)
                                .order_by(Offer.offered_on.desc(), Offer.id.desc())))


def decide_offer(session: Session, offer_id: int, *, decision: str, on: dt.date,
                 reason: str | None = None, actor: audit.Actor) -> MatchingOutcome | None:
    """An offer ends hired (an employment outcome, with its date and employer) or declined."""
    offer = get_offer(session, offer_id)
    if offer.status != "offered":
        raise RunStateError("offer_decided", f"offer {offer_id} is already {offer.status}")
    if decision not in ("hired", "declined"):
        raise MatchingInputError("decision", "decision_invalid", "decision is hired or declined")
    if on < offer.offered_on:
        raise MatchingInputError("on", "date_invalid", "the decision cannot precede the offer")
    offer.status, offer.decided_on = decision, on
    outcome = None
    candidate = session.get(Candidate, offer.candidate_id)
    assert candidate is not None
    if decision == "declined":
        offer.decline_reason = reason
    else:
        posting = session.get(Posting, offer.posting_id)
        assert posting is not None
        organisation = session.get(Organisation, posting.organisation_id)
        assert organisation is not None
        outcome = MatchingOutcome(
            offer_id=offer.id, person_id=candidate.person_id, organisation_id=organisation.id,
            posting_id=posting.id, employer=organisation.name, kind=posting.kind,
            job_title=posting.title, hired_on=on, monthly_pay=posting.monthly_pay,
            recorded_by=actor.id, created_at=clock.now())
        session.add(outcome)
        candidate.active = False
        # postings carry no contract type: a job posting counts as a regular position and an
        # internship as an internship; the coordinator corrects it at the follow-up
        outcomes_service.record_hire(session, person_id=candidate.person_id, employer=organisation.name,
                                     job_title=posting.title, hired_on=on, actor=actor,
                                     contract_type="permanent" if posting.kind == "job" else "internship")
    session.flush()
    audit.record(session, actor, f"matching.offer.{decision}",
                 subject_person_id=candidate.person_id, object_type="offer", object_id=offer.id)
    return outcome


def outcomes(session: Session, *, since: dt.date | None = None) -> list[MatchingOutcome]:
    """Hires through matching (for the outcomes domain and the reports)."""
    query = select(MatchingOutcome).order_by(MatchingOutcome.hired_on, MatchingOutcome.id)
    if since:
        query = query.where(MatchingOutcome.hired_on >= since)
    return list(session.scalars(query))


def hires_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(MatchingOutcome)) or 0)


__all__ = ["NotFound", "RunStateError", "confirm_run", "decide_offer", "decide_proposal", "get_offer", "get_run",
           "hires_count", "list_runs", "offers_of_candidate", "outcomes", "proposals",
           "reproduce_run", "run_matching", "solve", "why_unmatched"]
