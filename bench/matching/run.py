"""Matching benchmark: all-pairs fit, deferred acceptance and the blocking-pair check, with a peer.

Issue 5 §5:
(a) 10,000 candidates × 1,000 postings (1–5 seats): the fit of every pair (Kiwi terms, TF-IDF,
    NCS, skills, certifications, district), each candidate ranking their 20 best-fitting postings,
    postings ranking by fit (ties by the lottery) — the headline instance, heavily oversubscribed
    (about 3,000 seats for 10,000 candidates), which sends the peer down its slow path;
(a balanced) the same candidates and postings, each candidate ranking their 10 best-fitting
    postings, 10 seats a posting (10,000 seats): the peer's good case;
(b) the public-jobs size: 50,000 applicants over the plan's 715 동행일자리 projects (12,890 seats),
    each listing up to 3 projects, projects ranking by bonus points 0–20 (many ties: the lottery).

(gold) the gold set's quality: precision@3 and hard-requirement violations beside a TF-IDF
    character n-gram baseline (``bench/matching/gold.py``, issue 23).

Peer: the ``matching`` package's hospital–resident solver, its fastest API (the algorithm
function on prebuilt players, skipping the game's deep copy and input checks), on the same strict
preferences in the same run. Both give the candidate-optimal stable matching, so they must be
equal. Each side is timed ``--repeat`` times (at least 3) on the same instance, built from fixed
seeds (the synthetic data's and the lottery's), and its set-up counts: Ilja's from the acceptable
pairs to the strict problem (the lottery's tie-breaks) and its blocking-pair check, the peer's
from that problem to its preference dicts and players. Goal: Ilja ≥ 20× faster on every instance
(best time against best time), and (b) under 1 s including the blocking-pair check.

    .venv/bin/python -m bench matching [--candidates 10000 --postings 1000 --applicants 50000] [--quick]
    .venv/bin/python -m bench matching --gold-only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bench import options
from bench.matching import gold
from ilja.matching import (
    FitModel,
    MatchingProblem,
    blocking_pairs,
    build_problem,
    deferred_acceptance,
    over_capacity,
    pairs_from_fit,
    synthetic,
)
from ilja.matching.tokens import kiwi
from ilja.programs.loader import load_plan

GOAL_RATIO = 20.0
BALANCED_CHOICES = 10
BALANCED_SEATS = 10
GOAL_B_SECONDS = 1.0


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def instance_a(candidates: int, postings: int, list_length: int, rng: np.random.Generator,
               seed: bytes) -> tuple[dict[str, float], Any, Any, Any]:
    """Profiles → all-pairs fit → the pairs of the 20-posting lists, and the builder of the
    strict problem (timed step by step; the problem's own build is set-up, timed with the
    matching). Also the fit, for the balanced instance on the same persons and postings."""
    cands = synthetic.candidates(candidates, rng)
    posts = synthetic.postings(postings, rng)
    t_load, _ = _timed(kiwi)
    t_build, model = _timed(lambda: FitModel.build(cands, posts))
    t_score, scores = _timed(model.scores)
    capacity = rng.integers(1, 6, postings)
    t_pairs, pairs = _timed(lambda: pairs_from_fit(scores, 0, list_length))
    ids = ([c.id for c in cands], [p.id for p in posts])

    def build(capacity: np.ndarray = capacity, pairs: tuple = pairs) -> MatchingProblem:
        return build_problem(capacity, *pairs, candidate_ids=ids[0], posting_ids=ids[1], seed=seed)

    times = {"kiwi_model_load": t_load, "fit_tokenise_and_vectorise": t_build, "fit_all_pairs": t_score,
             "preference_lists": t_pairs}
    return times, build, scores, ids


def instance_balanced(scores: Any, ids: tuple[list[str], list[str]],
                      seed: bytes) -> tuple[dict[str, float], Any]:
    """The same fit, each candidate's 10 best postings, 10 seats a posting."""
    t_pairs, pairs = _timed(lambda: pairs_from_fit(scores, 0, BALANCED_CHOICES))
    capacity = np.full(len(ids[1]), BALANCED_SEATS, dtype=np.int64)

    def build() -> MatchingProblem:
        return build_problem(capacity, *pairs, candidate_ids=ids[0], posting_ids=ids[1], seed=seed)

    return {"preference_lists": t_pairs}, build


def instance_b(applicants: int, choices: int, rng: np.random.Generator,
               seed: bytes) -> tuple[dict[str, float], Any]:
    """715 projects and 12,890 seats from the plan; applicants list up to ``choices`` projects."""
    program = load_plan().program("companion_jobs")
    assert program.projects is not None and program.people is not None
    n_projects, n_seats = int(program.projects.value), int(program.people.value)
    capacity = rng.multinomial(n_seats - n_projects, rng.dirichlet(np.full(n_projects, 2.0))) + 1
    popularity = capacity * rng.lognormal(0.0, 0.6, n_projects)
    picks = np.stack([rng.choice(n_projects, size=applicants, p=popularity / popularity.sum())
                      for _ in range(choices)], axis=1)
    cand = np.repeat(np.arange(applicants), choices)
    post = picks.ravel()
    rank = np.tile(np.arange(choices), applicants)
    first = np.ones(len(cand), dtype=bool)  # keep each project once per applicant
    key = cand * n_projects + post
    _, unique_index = np.unique(key, return_index=True)
    first[:] = False
    first[unique_index] = True
    points = rng.integers(0, 21, applicants)
    cand, post, rank = cand[first], post[first], rank[first]
    ids = ([f"2025H2-{i:06d}" for i in range(applicants)], [f"project-{j:03d}" for j in range(n_projects)])

    def build() -> MatchingProblem:
        return build_problem(capacity, cand, post, rank, -points[cand], candidate_ids=ids[0],
                             posting_ids=ids[1], seed=seed)

    return {}, build


def run_ilja(build: Callable[[], MatchingProblem]) -> tuple[dict[str, float], MatchingProblem,
                                                         np.ndarray, int]:
    """Set-up (the strict problem with the lottery's tie-breaks), deferred acceptance and the
    blocking-pair and capacity check, each timed."""
    t_setup, problem = _timed(build)
    t_da, result = _timed(lambda: deferred_acceptance(problem))
    t_check, blocking = _timed(lambda: (blocking_pairs(problem, result),
                                        over_capacity(problem, result)))
    if len(blocking[0]) or len(blocking[1]):
        raise AssertionError("Ilja's matching is not stable or over capacity")
    times = {"setup": t_setup, "match": t_da, "check": t_check,
             "total": t_setup + t_da + t_check}
    return times, problem, result.posting, result.rounds


def run_peer(problem: MatchingProblem) -> tuple[dict[str, float], np.ndarray] | None:
    """Set-up (the preference dicts and the players from the same strict problem) and the
    solve, each timed."""
    try:
        from matching.algorithms.hospital_resident import hospital_resident
        from matching.games.hospital_resident import _make_players
    except ImportError:
        return None

    def setup() -> Any:
        residents = {c: problem.candidate_list(c) for c in range(problem.n_candidates)
                     if problem.pref_ptr[c + 1] > problem.pref_ptr[c]}
        lists = problem.posting_lists()
        hospitals = {p: lists[p] for p in range(problem.n_postings) if lists[p]}
        capacities = {p: int(problem.capacity[p]) for p in hospitals}
        return _make_players(residents, hospitals, capacities)

    t_setup, players = _timed(setup)
    t_solve, solved = _timed(lambda: hospital_resident(*players, optimal="resident"))
    posting = np.full(problem.n_candidates, -1, dtype=np.int64)
    for hospital, matched in solved.items():
        for resident in matched:
            posting[resident.name] = hospital.name
    return {"setup": t_setup, "match": t_solve, "total": t_setup + t_solve}, posting


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each step's best time over the runs, and the best whole run."""
    best = {key: min(run[key] for run in runs) for key in runs[0]}
    return {**best, "total": min(run["total"] for run in runs)}


def compare(name: str, build: Callable[[], MatchingProblem], build_times: dict[str, float],
            peer: bool, repeat: int) -> dict[str, Any]:
    ilja_runs, peer_runs = [], []
    ours = theirs = None
    for _ in range(repeat):  # the same instance each time: fixed data and lottery seeds
        times, problem, ours, rounds = run_ilja(build)
        ilja_runs.append(times)
    ilja = _best(ilja_runs)
    row: dict[str, Any] = {
        "instance": name, "candidates": problem.n_candidates, "postings": problem.n_postings,
        "seats": int(problem.capacity.sum()), "pairs": problem.n_entries, "rounds": rounds,
        "matched": int((ours >= 0).sum()), "repeat": repeat,
        "seconds": {k: round(v, 4) for k, v in build_times.items()},
        "ilja": {k: round(v, 4) for k, v in ilja.items()},
        "ilja_runs": [round(r["total"], 4) for r in ilja_runs],
    }
    if peer:
        for _ in range(repeat):
            result = run_peer(problem)
            if result is None:
                break
            times, theirs = result
            peer_runs.append(times)
    if peer_runs:
        best = _best(peer_runs)
        row["peer"] = {k: round(v, 4) for k, v in best.items()}
        row["peer_runs"] = [round(r["total"], 4) for r in peer_runs]
        row["equal_to_peer"] = bool((theirs == ours).all())
        row["ratio"] = round(best["total"] / ilja["total"], 1)
        row["ratio_without_setup"] = round(best["match"] / (ilja["match"] + ilja["check"]), 1)
        row["goal_ratio_met"] = row["ratio"] >= GOAL_RATIO and row["equal_to_peer"]
    return row


def _print(row: dict[str, Any]) -> None:
    print(f"({row['instance']}) {row['candidates']:,} candidates, {row['postings']:,} postings, "
          f"{row['seats']:,} seats, {row['pairs']:,} acceptable pairs; {row['rounds']} rounds, "
          f"{row['matched']:,} matched")
    for key, value in row["seconds"].items():
        print(f"  {key:36s} {value:9.3f} s")
    for side in ("ilja", "peer"):
        if side in row:
            steps = ", ".join(f"{k} {v:.3f}" for k, v in row[side].items() if k != "total")
            runs = ", ".join(f"{v:.3f}" for v in row[f"{side}_runs"])
            print(f"  {'Ilja' if side == 'ilja' else 'peer':4s} best {row[side]['total']:9.3f} s "
                  f"({steps}); {len(row[f'{side}_runs'])} runs: {runs}")
    if "ratio" in row:
        print(f"  peer / Ilja, set-up counted on both sides = {row['ratio']}× "
              f"(without set-up {row['ratio_without_setup']}×)  "
              f"[goal ≥ {GOAL_RATIO:.0f}×: {'met' if row['goal_ratio_met'] else 'MISSED'}]  "
              f"results equal: {row['equal_to_peer']}")
    if "goal_b_met" in row:
        print(f"  (b) preferences + match + check = {row['total_b']:.3f} s  "
              f"[goal < {GOAL_B_SECONDS:.0f} s: {'met' if row['goal_b_met'] else 'MISSED'}]")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/matching", description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--postings", type=int, default=1_000)
    parser.add_argument("--list-length", type=int, default=20)
    parser.add_argument("--applicants", type=int, default=50_000)
    parser.add_argument("--choices", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true", help="skip the matching package")
    parser.add_argument("--seed", type=int, default=2026,
                        help="the synthetic data's seed, and the lottery's (default: 2026)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (at least 3)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--gold-only", action="store_true",
                        help="only the gold set's precision@3 and violations")
    args = options.parse(parser, argv, candidates=300, postings=40, applicants=3000)
    quality = gold.run()
    if args.gold_only:
        if args.format == "json":
            print(json.dumps({"benchmark": "matching", "gold": quality}, ensure_ascii=False,
                             default=str))
        else:
            gold.print_report(quality)
        return 0 if quality["goal_met"] else 1
    rng = np.random.default_rng(args.seed)
    seed = hashlib.sha256(f"bench matching {args.seed}".encode()).digest()  # the lottery's, fixed
    repeat = max(3, args.repeat)

    times_a, build_a, scores, ids = instance_a(args.candidates, args.postings, args.list_length,
                                               rng, seed)
    row_a = compare("a", build_a, times_a, not args.no_peer, repeat)
    times_bal, build_bal = instance_balanced(scores, ids, seed)
    row_bal = compare("a balanced", build_bal, times_bal, not args.no_peer, repeat)
    times_b, build_b = instance_b(args.applicants, args.choices, rng, seed)
    row_b = compare("b", build_b, times_b, not args.no_peer, repeat)
    row_b["total_b"] = row_b["ilja"]["total"]
    row_b["goal_b_met"] = row_b["total_b"] < GOAL_B_SECONDS
    load = os.getloadavg()[0]
    rows = [row_a, row_bal, row_b]
    if args.format == "json":
        print(json.dumps({"benchmark": "matching", "instances": rows, "gold": quality,
                          "load_average": load},
                         ensure_ascii=False, default=str))
    else:
        print(f"load average {load:.1f} on {os.cpu_count()} cores; best of {repeat} runs a side")
        for row in rows:
            _print(row)
        gold.print_report(quality)
    ok = all(row.get("equal_to_peer", True) for row in rows) and quality["goal_met"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
