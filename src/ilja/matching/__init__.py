"""Matching: fit of candidates to postings, stable and max-fit matchings, matching-day interviews.

Pure logic (no database, no web) — the service loads a round into these and stores what they
return::

    model = FitModel.build(candidates, postings, FitWeights.from_parameters(tree, on))
    scores = model.scores()                                   # int16, hundredths of a point
    excluded = filters.exclusions(candidates, postings, on)   # hard filters, bit per reason
    pairs = pairs_from_fit(scores, min_fit, list_length, excluded=excluded)  # + ranked lists
    problem = build_problem(capacity, *pairs, candidate_ids=…, posting_ids=…, seed=seed)
    stable = deferred_acceptance(problem); assert not len(blocking_pairs(problem, stable))
    best = max_fit_assignment(problem, scores[problem.candidate_of_entry(), problem.pref_posting])
"""

from ilja.matching.assignment import max_fit_assignment, total_fit
from ilja.matching.deferred_acceptance import (
    UNMATCHED,
    Matching,
    blocking_pairs,
    deferred_acceptance,
    matching_from_postings,
    over_capacity,
)
from ilja.matching.errors import MatchingInputError
from ilja.matching.fit import (
    SCALE,
    CandidateProfile,
    FitExplanation,
    FitModel,
    FitWeights,
    PostingProfile,
)
from ilja.matching.interviews import Interview, schedule_interviews, schedule_problems
from ilja.matching.problem import MatchingProblem, build_problem, pairs_from_fit

__all__ = [
    "SCALE", "UNMATCHED", "CandidateProfile", "FitExplanation", "FitModel", "FitWeights",
    "Interview", "Matching", "MatchingInputError", "MatchingProblem", "PostingProfile",
    "blocking_pairs", "build_problem", "deferred_acceptance", "matching_from_postings",
    "max_fit_assignment", "over_capacity", "pairs_from_fit", "schedule_interviews",
    "schedule_problems", "total_fit",
]
