"""The matching gold set (issue 23 §6): precision@3 and hard-requirement violations of Ilja's
matching beside a TF-IDF character n-gram baseline, on the same trainees and postings.

The set lives in ``tests/matching/gold/``: 34 postings written from real Korean ads across the
programs' fields (AI and software, electrical, welding, machining, care, barista and bakery,
office), 16 trainees, and a 잡코디's judgements of trainee × posting pairs — ``good`` (worth
proposing) or ``violates`` (a requirement the trainee does not meet or a condition the posting
breaks). For each trainee each system proposes up to three postings:

- Ilja proposes what a run would: postings the hard filters (``ilja.matching.filters``) leave
  eligible and whose fit (``ilja.matching.fit``, weights and minimum fit from the parameters)
  reaches the minimum, best three by fit;
- the baseline, scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
  sublinear_tf=True)`` over every text of both sides, proposes its three most similar postings
  by cosine (it has no cut-off of its own; "baseline, best cut-off" gives it the cosine
  threshold that suits it best *on this very set*, an advantage Ilja does not get).

Measures, per trainee then averaged:

- precision@3 = good postings among those proposed / the number proposed (a trainee with good
  postings and no proposal counts 0, so proposing nothing is no way to score);
- found@3 = good postings among those proposed / min(3, the trainee's good postings);
- violations = judged-violating postings proposed, summed over trainees.

"Ilja without filters" shows what the filters add. Goal: 0 violations and precision@3 at least
10 points over the baseline.

    .venv/bin/python -m bench matching --gold-only
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ilja.matching.filters import exclusions
from ilja.matching.fit import (
    CandidateProfile,
    FitModel,
    FitWeights,
    PostingProfile,
    min_fit_scaled,
)
from ilja.matching.posting_input import normalise_education, normalise_shifts
from ilja.rules.parameters import default_tree

GOLD = Path(__file__).resolve().parents[2] / "tests" / "matching" / "gold"
ON = dt.date(2026, 3, 2)  # the matching day the gold set is judged on
TOP = 3
GOAL_MARGIN = 10.0  # points of precision@3 over the baseline


@dataclass(frozen=True)
class GoldSet:
    trainees: dict[str, dict[str, Any]]
    postings: dict[str, dict[str, Any]]
    judgements: dict[str, dict[str, Any]]

    @property
    def size(self) -> int:
        return sum(len(j["good"]) + len(j["violates"]) for j in self.judgements.values())


def load(directory: Path = GOLD) -> GoldSet:
    def read(name: str) -> dict[str, Any]:
        return yaml.safe_load((directory / name).read_text("utf-8"))

    gold = GoldSet(read("trainees.yaml"), read("postings.yaml"), read("judgements.yaml"))
    for tid, judged in gold.judgements.items():
        unknown = {tid} - set(gold.trainees) | (
            set(judged["good"]) | set(judged["violates"])) - set(gold.postings)
        if unknown:
            raise ValueError(f"judgements of {tid} name unknown ids {sorted(unknown)}")
    return gold


def candidate(tid: str, t: dict[str, Any]) -> CandidateProfile:
    return CandidateProfile(
        id=tid, text=" ".join([t["course"], t["description"], " ".join(t["skills"])]),
        skills=tuple(t["skills"]), certifications=tuple(t.get("certifications", ())),
        experience=tuple((f, int(y)) for f, y in t.get("experience", ())),
        education=normalise_education(t.get("education")),
        wanted_kinds=tuple(t.get("wanted_kinds", ())),
        min_monthly_pay=t.get("min_monthly_pay"), max_weekly_hours=t.get("max_weekly_hours"),
        shifts=tuple(normalise_shifts(t.get("shifts", []))), home_district=t.get("home_district"),
        max_commute_minutes=t.get("max_commute_minutes"), available_from=t.get("available_from"))


def posting(pid: str, p: dict[str, Any]) -> PostingProfile:
    return PostingProfile(
        id=pid, text=f"{p['title']}\n{p['description']}",
        required_skills=tuple(p.get("required_skills", ())),
        preferred_skills=tuple(p.get("preferred_skills", ())),
        required_certifications=tuple(p.get("required_certifications", ())),
        preferred_certifications=tuple(p.get("preferred_certifications", ())),
        district=p.get("district"), kind=p["kind"], deadline=p.get("deadline"),
        starts_on=p.get("starts_on"), monthly_pay=p.get("monthly_pay"),
        weekly_hours=p.get("weekly_hours"), shifts=tuple(normalise_shifts(p.get("shifts", []))),
        experience_years=p.get("experience_years"), experience_field=p.get("experience_field"),
        education=normalise_education(p.get("education")))


def baseline_texts(gold: GoldSet) -> tuple[list[str], list[str]]:
    """Every word either side wrote, for the baseline (it sees all Ilja sees, as text)."""
    def join(*parts: Any) -> str:
        return " ".join(" ".join(map(str, p)) if isinstance(p, list) else str(p)
                        for p in parts if p)

    cands = [join(t["course"], t["description"], t["skills"], t.get("certifications"),
                  t.get("education"), t.get("home_district"))
             for t in gold.trainees.values()]
    posts = [join(p["title"], p["organisation"], p["description"], p.get("required_skills"),
                  p.get("preferred_skills"), p.get("required_certifications"),
                  p.get("preferred_certifications"), p.get("education"), p.get("district"))
             for p in gold.postings.values()]
    return cands, posts


def baseline_scores(gold: GoldSet) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    cands, posts = baseline_texts(gold)
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectoriser.fit_transform(cands + posts)
    return cosine_similarity(matrix[: len(cands)], matrix[len(cands):])


def ilja_scores(gold: GoldSet) -> tuple[np.ndarray, np.ndarray]:
    """The fit of every pair and the hard filters' masks."""
    cands = [candidate(tid, t) for tid, t in gold.trainees.items()]
    posts = [posting(pid, p) for pid, p in gold.postings.items()]
    weights = FitWeights.from_parameters(default_tree(), ON)
    scores = FitModel.build(cands, posts, weights).scores()
    return scores.astype(np.float64), exclusions(cands, posts, ON)


def top(scores: np.ndarray, allowed: np.ndarray | None, k: int = TOP) -> list[list[int]]:
    """Each row's ``k`` best columns (ties: the earlier posting), skipping disallowed ones."""
    out = []
    for i, row in enumerate(scores):
        order = np.lexsort((np.arange(len(row)), -row))
        out.append([int(j) for j in order if allowed is None or allowed[i, j]][:k])
    return out


def evaluate(gold: GoldSet, picks: list[list[int]]) -> dict[str, Any]:
    pids = list(gold.postings)
    precision, found, violations, per = [], [], 0, {}
    for tid, chosen in zip(gold.trainees, picks, strict=True):
        judged = gold.judgements.get(tid, {"good": [], "violates": {}})
        ids = [pids[j] for j in chosen]
        hits = sum(1 for p in ids if p in judged["good"])
        bad = [p for p in ids if p in judged["violates"]]
        if judged["good"]:
            precision.append(hits / len(ids) if ids else 0.0)
            found.append(hits / min(TOP, len(judged["good"])))
        violations += len(bad)
        per[tid] = {"proposed": ids, "good": hits, "violating": bad}
    return {"precision_at_3": round(100 * float(np.mean(precision)), 1),
            "found_at_3": round(100 * float(np.mean(found)), 1),
            "proposed": sum(len(p) for p in picks), "violations": violations,
            "per_trainee": per}


def best_cutoff(gold: GoldSet, scores: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The cosine threshold that gives the baseline its best precision@3 on this set."""
    best: tuple[float, dict[str, Any]] | None = None
    for cut in np.unique(scores):
        result = evaluate(gold, top(scores, scores >= cut))
        if best is None or result["precision_at_3"] > best[1]["precision_at_3"]:
            best = (float(cut), result)
    assert best is not None
    return best


def run(gold: GoldSet | None = None) -> dict[str, Any]:
    gold = gold or load()
    fit, masks = ilja_scores(gold)
    min_fit = min_fit_scaled(float(default_tree().value("matching.fit.min_fit", ON)))
    ilja = evaluate(gold, top(fit, (masks == 0) & (fit >= min_fit)))
    unfiltered = evaluate(gold, top(fit, fit >= min_fit))
    cosine = baseline_scores(gold)
    baseline = evaluate(gold, top(cosine, None))
    cut, tuned = best_cutoff(gold, cosine)
    margin = round(ilja["precision_at_3"] - baseline["precision_at_3"], 1)
    return {
        "trainees": len(gold.trainees), "postings": len(gold.postings),
        "judgements": gold.size, "on": ON.isoformat(), "min_fit": min_fit / 100,
        "ilja": ilja, "ilja_without_filters": unfiltered, "baseline_tfidf_char": baseline,
        "baseline_best_cutoff": {**tuned, "cutoff": round(cut, 4)},
        "margin_points": margin,
        "goal_met": ilja["violations"] == 0 and margin >= GOAL_MARGIN,
    }


def print_report(result: dict[str, Any]) -> None:
    print(f"(gold) {result['trainees']} trainees × {result['postings']} postings, "
          f"{result['judgements']} judgements, matching day {result['on']}, "
          f"minimum fit {result['min_fit']:g}")
    for name, key in (("Ilja (filters, then fit)", "ilja"),
                      ("Ilja fit without filters", "ilja_without_filters"),
                      ("TF-IDF char 2–4-grams", "baseline_tfidf_char"),
                      ("  same, best cut-off", "baseline_best_cutoff")):
        row = result[key]
        print(f"  {name:26s} precision@3 {row['precision_at_3']:5.1f}  "
              f"found@3 {row['found_at_3']:5.1f}  proposed {row['proposed']:3d}  "
              f"violations {row['violations']}")
    print(f"  precision@3 over the baseline: {result['margin_points']:+.1f} points  "
          f"[goal: 0 violations and ≥ +{GOAL_MARGIN:.0f}: "
          f"{'met' if result['goal_met'] else 'MISSED'}]")
