"""Hard filters: pairs excluded before any score (issue 23 §2).

A pair is excluded when the candidate lacks what the posting requires — a certificate (or a
higher grade of it), years of experience in the posting's field, an education level — or the
posting breaks the candidate's conditions: its deadline has passed, it is the wrong kind
(internship or job), it pays under their floor, it asks for more hours or shifts they cannot
work, the commute is over their limit, or it starts before they are available.

Each pair gets a bit mask (``uint16``) of the filters that excluded it, so a coordinator sees
*which* ones. Where a condition is not stated — no deadline, no pay given, no commute limit — it
excludes nobody. A requirement counts as met only when the candidate's record shows it: a
certificate they do not list, experience not recorded, an unknown education level do not meet
it (the page says "not on record" so it can be filled in).

Vectorised over all pairs (numpy); pure, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from ilja.matching.commute import travel_minutes
from ilja.matching.fit import CandidateProfile, PostingProfile
from ilja.matching.tokens import skills_of
from ilja.matching.vocabulary import education_rank, vocabulary

FILTERS = ("deadline", "kind", "certificate", "experience", "education", "pay", "hours",
           "shifts", "commute", "availability")
BITS = {name: 1 << i for i, name in enumerate(FILTERS)}
SHIFTS = ("day", "evening", "night", "weekend", "rotating")
KIND_GROUPS = {"internship_company": "internship", "internship_city": "internship",
               "job": "job", "internship": "internship"}
_NONE = -1


def reasons(mask: int) -> list[str]:
    """The names of the filters set in one pair's mask, in ``FILTERS`` order."""
    return [name for name in FILTERS if mask & BITS[name]]


def _ints(values: Sequence[int | None]) -> np.ndarray:
    return np.array([_NONE if v is None else int(v) for v in values], dtype=np.int64)


def _days(values: Sequence[dt.date | None]) -> np.ndarray:
    return np.array([_NONE if v is None else v.toordinal() for v in values], dtype=np.int64)


def experience_field(posting: PostingProfile) -> str | None:
    """The field a posting's experience requirement is in: as stated, else its skills' field."""
    if posting.experience_field:
        return posting.experience_field
    vocab = vocabulary()
    return vocab.field_of(skills_of(vocab, posting.required_skills or posting.preferred_skills))


def candidate_years(candidate: CandidateProfile, field: str | None) -> int:
    """Recorded years in ``field`` (any field's most when the posting names none); 0 if none."""
    years = [y for f, y in candidate.experience if field is None or f == field]
    return max(years, default=0)


def exclusions(candidates: Sequence[CandidateProfile], postings: Sequence[PostingProfile],
               on: dt.date) -> np.ndarray:
    """Candidates × postings bit masks of the filters that exclude each pair (0: eligible)."""
    n_c, n_p = len(candidates), len(postings)
    out = np.zeros((n_c, n_p), dtype=np.uint16)
    if not n_c or not n_p:
        return out
    vocab = vocabulary()

    def set_bits(name: str, where: np.ndarray) -> None:
        out[where] |= np.uint16(BITS[name])

    deadline = _days([p.deadline for p in postings])
    set_bits("deadline", np.broadcast_to(((deadline >= 0) & (deadline < on.toordinal()))[None, :],
                                         (n_c, n_p)))

    groups = ("internship", "job")
    wanted = np.array([sum(1 << groups.index(KIND_GROUPS[k]) for k in set(c.wanted_kinds)
                           if k in KIND_GROUPS) for c in candidates], dtype=np.int64)
    kind = np.array([1 << groups.index(KIND_GROUPS[p.kind]) if p.kind in KIND_GROUPS else 0
                     for p in postings], dtype=np.int64)
    set_bits("kind", (wanted[:, None] != 0) & (kind[None, :] != 0)
             & ((wanted[:, None] & kind[None, :]) == 0))

    held = [vocab.held_certificates(c.certifications) for c in candidates]
    met_by: dict[tuple[str, ...], np.ndarray] = {}
    for j, p in enumerate(postings):
        for group in vocab.certificate_groups(p.required_certifications):
            if group not in met_by:
                met_by[group] = np.array([any(g in h for g in group) for h in held], dtype=bool)
            out[~met_by[group], j] |= np.uint16(BITS["certificate"])

    for j, p in enumerate(postings):
        if p.experience_years:
            field = experience_field(p)
            years = np.array([candidate_years(c, field) for c in candidates], dtype=np.int64)
            out[years < p.experience_years, j] |= np.uint16(BITS["experience"])

    level = np.array([education_rank(c.education) for c in candidates], dtype=np.int64)
    needed = np.array([education_rank(p.education) for p in postings], dtype=np.int64)
    set_bits("education", (needed[None, :] > 0) & (level[:, None] < needed[None, :]))

    floor, pay = _ints([c.min_monthly_pay for c in candidates]), _ints([p.monthly_pay
                                                                         for p in postings])
    set_bits("pay", (floor[:, None] >= 0) & (pay[None, :] >= 0) & (pay[None, :] < floor[:, None]))

    limit = _ints([c.max_weekly_hours for c in candidates])
    hours = _ints([p.weekly_hours for p in postings])
    set_bits("hours", (limit[:, None] >= 0) & (hours[None, :] > limit[:, None]))

    can = np.array([sum(1 << SHIFTS.index(s) for s in set(c.shifts) if s in SHIFTS)
                    for c in candidates], dtype=np.int64)
    need = np.array([sum(1 << SHIFTS.index(s) for s in set(p.shifts) if s in SHIFTS)
                     for p in postings], dtype=np.int64)
    set_bits("shifts", (can[:, None] != 0) & ((need[None, :] & ~can[:, None]) != 0))

    minutes = travel_minutes([c.home_district for c in candidates], [p.district for p in postings])
    max_minutes = _ints([c.max_commute_minutes for c in candidates])
    set_bits("commute", (minutes >= 0) & (max_minutes[:, None] >= 0)
             & (minutes > max_minutes[:, None]))

    available = _days([c.available_from for c in candidates])
    starts = _days([p.starts_on for p in postings])
    set_bits("availability", (available[:, None] >= 0) & (starts[None, :] >= 0)
             & (available[:, None] > starts[None, :]))
    return out
