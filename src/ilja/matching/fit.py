"""How well a candidate fits a posting (적합도), for all pairs at once, and why.

Issue 5 §2, issue 23: Korean text (Kiwi terms, TF-IDF cosine) plus structured features — NCS
codes (국가직무능력표준 세분류 8 digits / 능력단위 10 digits), the posting's required and preferred
skills as the skill vocabulary reads them (``ilja.matching.vocabulary``; a related skill counts
half), preferred certificates, district (a wished district, else how near by the commute table)
and preferred field. Each feature is a number in [0, 1] and counts only where both sides gave
the data it compares: the fit is the weighted mean of the *known* features on a 0–100 scale,
weights from ``matching.fit.*`` — an empty field neither earns nor costs points. Requirements
(certificates, experience, education, deadline, conditions) are not scored at all: the hard
filters (``ilja.matching.filters``) exclude the pairs that break them. Scores are stored in
hundredths of a point as integers, so ties and orders are exact and reproducible.

All pairs are products of sparse matrices (candidates × terms) with dense ones (terms × postings),
done in blocks of candidates: 10,000 × 1,000 is a batch of seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ilja.matching.commute import travel_minutes
from ilja.matching.errors import MatchingInputError
from ilja.matching.tokens import analyse_many, entry_skills
from ilja.matching.vocabulary import vocabulary

if TYPE_CHECKING:
    from ilja.rules.parameters import ParameterTree

SCALE = 100  # stored fit = points × SCALE (0 … 10,000)
FEATURES = ("text", "required_skills", "preferred_skills", "ncs", "certifications", "district",
            "field")
BLOCK_ROWS = 2048


@dataclass(frozen=True, slots=True)
class FitWeights:
    """The weights of the features (need not add up to 1: the fit is their weighted mean)."""

    text: float = 0.30
    required_skills: float = 0.25
    preferred_skills: float = 0.05
    ncs: float = 0.20
    certifications: float = 0.10
    district: float = 0.05
    field: float = 0.05
    ncs_subfield_credit: float = 0.5

    @classmethod
    def from_parameters(cls, tree: ParameterTree, on: dt.date) -> FitWeights:
        def value(name: str) -> float:
            return float(tree.value(f"matching.fit.{name}", on))

        return cls(**{name: value(f"weight_{name}") for name in FEATURES},
                   ncs_subfield_credit=value("ncs_subfield_credit"))

    def vector(self) -> np.ndarray:
        weights = np.array([getattr(self, name) for name in FEATURES], dtype=np.float64)
        if (weights < 0).any() or weights.sum() <= 0:
            raise MatchingInputError("weights", "weights_invalid",
                                     "fit weights must be non-negative and not all zero")
        return weights / weights.sum()


@dataclass(frozen=True, slots=True)
class CandidateProfile:
    """What matching knows of a candidate: course skills, own text, certifications, wishes, and
    the conditions the hard filters read (``ilja.matching.filters``). An empty or None field is
    not known: it neither earns nor costs points, and a filter on it lets the pair through —
    except a posting's requirement, which needs the candidate's record to show it."""

    id: str
    text: str = ""
    skills: tuple[str, ...] = ()
    ncs_codes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    preferred_districts: tuple[str, ...] = ()
    preferred_fields: tuple[str, ...] = ()  # NCS 대분류 (2 digits) or 중분류 (4 digits)
    experience: tuple[tuple[str, int], ...] = ()  # (vocabulary field, years)
    education: str | None = None  # vocabulary.EDUCATION_LEVELS
    wanted_kinds: tuple[str, ...] = ()  # internship | job; empty: either
    min_monthly_pay: int | None = None  # whole won
    max_weekly_hours: int | None = None
    shifts: tuple[str, ...] = ()  # shifts they can work (filters.SHIFTS); empty: not asked
    home_district: str | None = None
    max_commute_minutes: int | None = None
    available_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PostingProfile:
    """What matching knows of a posting: its text, skills, NCS tags, certificates, district, and
    the conditions the hard filters read."""

    id: str
    text: str = ""
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    ncs_codes: tuple[str, ...] = ()
    required_certifications: tuple[str, ...] = ()
    district: str | None = None
    kind: str | None = None  # internship_company | internship_city | job
    deadline: dt.date | None = None
    starts_on: dt.date | None = None
    monthly_pay: int | None = None
    weekly_hours: int | None = None
    shifts: tuple[str, ...] = ()  # shifts the job needs worked
    experience_years: int | None = None
    experience_field: str | None = None  # vocabulary field; None: the field of its skills
    education: str | None = None
    preferred_certifications: tuple[str, ...] = ()


def check_ncs_code(code: str, where: str) -> str:
    """An NCS code is 8 digits (세분류) or 10 (능력단위); a version suffix (``_15v3``) is dropped."""
    digits = code.strip().split("_", 1)[0]
    if not (digits.isdigit() and len(digits) in (8, 10)):
        raise MatchingInputError(where, "ncs_code_invalid",
                                 f"NCS code {code!r} is not 8 (세분류) or 10 (능력단위) digits")
    return digits


class _Vocabulary:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ids(self, items: Iterable[str]) -> list[int]:
        index = self.index
        return [index.setdefault(item, len(index)) for item in items]

    def terms(self) -> list[str]:
        terms = [""] * len(self.index)
        for term, i in self.index.items():
            terms[i] = term
        return terms


def _rows(lists: Sequence[Sequence[int]], values: Sequence[Sequence[float]] | None,
          n_cols: int) -> sp.csr_matrix:
    indptr = np.zeros(len(lists) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(x) for x in lists])
    indices = np.fromiter((j for row in lists for j in row), dtype=np.int64, count=int(indptr[-1]))
    if values is None:
        data = np.ones(len(indices), dtype=np.float32)
    else:
        data = np.fromiter((v for row in values for v in row), dtype=np.float32,
                           count=int(indptr[-1]))
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(lists), n_cols))
    matrix.sum_duplicates()
    return matrix


def _coverage_rows(sets: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    """Rows that sum to 1 over a posting's required items (so a product counts the share met)."""
    unique = [sorted(set(s)) for s in sets]
    return _rows(unique, [[1.0 / len(s)] * len(s) if s else [] for s in unique], n_cols)


RELATED_CREDIT = 0.5  # a related skill (Vue for React) counts half


def _skill_rows(entries: Sequence[Sequence[str]], sids: dict[str, int]) -> tuple[
        list[list[int]], list[list[float]]]:
    """Coverage rows over a posting's skill entries: each entry weighs 1/n, shared by its skills."""
    cols: list[list[int]] = []
    vals: list[list[float]] = []
    for row in entries:
        c: list[int] = []
        v: list[float] = []
        for ids in row:
            for sid in ids:
                c.append(sids.setdefault(sid, len(sids)))
                v.append(1.0 / len(row) / len(ids))
        cols.append(c)
        vals.append(v)
    return cols, vals


@dataclass
class FitModel:
    """Candidates and postings turned into matrices; ``scores()`` gives every pair's fit.

    Each feature has a value in [0, 1] and is *known* for a pair only when both sides carry the
    data it compares; the fit is the weighted mean over the known features (a posting without a
    district neither gives nor takes points)."""

    candidates: list[CandidateProfile]
    postings: list[PostingProfile]
    weights: FitWeights
    terms: list[str]
    cand_tfidf: sp.csr_matrix
    post_tfidf: sp.csr_matrix
    cand_skills: sp.csr_matrix  # 1 held, RELATED_CREDIT for a related skill only
    post_required: sp.csr_matrix  # coverage rows over required skill entries
    post_preferred: sp.csr_matrix
    ncs_codes: list[str]
    cand_ncs: sp.csr_matrix
    post_ncs: sp.csr_matrix
    cand_certs: sp.csr_matrix
    post_certs: sp.csr_matrix  # coverage rows over preferred certificates
    cand_districts: sp.csr_matrix
    post_districts: sp.csr_matrix
    cand_fields: sp.csr_matrix
    post_fields: sp.csr_matrix
    commute: np.ndarray  # candidates × postings minutes, -1 unknown
    cand_held: list[set[str]] = field(repr=False, default_factory=list)
    post_required_entries: list[list[tuple[str, tuple[str, ...]]]] = field(
        repr=False, default_factory=list)
    post_preferred_entries: list[list[tuple[str, tuple[str, ...]]]] = field(
        repr=False, default_factory=list)
    _dense: dict[int, np.ndarray] = field(repr=False, default_factory=dict)

    @classmethod
    def build(cls, candidates: Sequence[CandidateProfile], postings: Sequence[PostingProfile],
              weights: FitWeights | None = None) -> FitModel:
        """Tokenise every text once, find skills by vocabulary, build the sparse matrices."""
        weights = weights or FitWeights()
        weights.vector()
        vocab_ = vocabulary()
        _check_ids([c.id for c in candidates], "candidates")
        _check_ids([p.id for p in postings], "postings")
        n_c = len(candidates)
        texts = [c.text for c in candidates] + [p.text for p in postings]
        analysed = analyse_many(texts)
        cand_tokens = [terms for terms, _ in analysed[:n_c]]
        post_tokens = [terms for terms, _ in analysed[n_c:]]
        entry_cache: dict[str, tuple[str, ...]] = {}

        def entries(items: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
            out = []
            for item in items:
                if item and item.strip():
                    if item not in entry_cache:
                        entry_cache[item] = entry_skills(vocab_, item)
                    out.append((item.strip(), entry_cache[item]))
            return out

        held = []
        for i, c in enumerate(candidates):
            own = {s for _, ids in entries(c.skills) for s in ids}
            held.append(own | set(analysed[i][1]))
        required = [entries(p.required_skills) for p in postings]
        preferred = []
        for j, p in enumerate(postings):
            listed = entries(p.preferred_skills)
            if not listed and not required[j]:  # an ad without lists: the skills its text names
                listed = [(vocab_.skill_label(s), (s,)) for s in analysed[n_c + j][1]]
            preferred.append(listed)

        sids: dict[str, int] = {}
        req_cols, req_vals = _skill_rows([[ids for _, ids in e] for e in required], sids)
        pref_cols, pref_vals = _skill_rows([[ids for _, ids in e] for e in preferred], sids)
        cand_cols, cand_vals = [], []
        for have in held:
            row: dict[int, float] = {}
            for sid in have:
                row[sids.setdefault(sid, len(sids))] = 1.0
            for sid in have:
                for other in vocab_.related(sid):
                    k = sids.setdefault(other, len(sids))
                    row.setdefault(k, RELATED_CREDIT)
            cand_cols.append(list(row))
            cand_vals.append(list(row.values()))
        n_skills = len(sids)

        vocab = _Vocabulary()
        cand_ids = [vocab.ids(t) for t in cand_tokens]
        post_ids = [vocab.ids(t) for t in post_tokens]
        cand_tfidf, post_tfidf = _tfidf(cand_ids, post_ids, len(vocab.index))

        ncs = _Vocabulary()
        cand_ncs_ids, post_ncs_rows = [], []
        for i, c in enumerate(candidates):
            codes = {check_ncs_code(code, f"candidates[{i}].ncs_codes") for code in c.ncs_codes}
            cand_ncs_ids.append(ncs.ids(sorted(codes | {code[:8] for code in codes})))
        credit = weights.ncs_subfield_credit
        post_codes = []
        for j, p in enumerate(postings):
            tagged = sorted({check_ncs_code(code, f"postings[{j}].ncs_codes")
                             for code in p.ncs_codes})
            post_codes.append(tagged)
            row_ncs: dict[int, float] = {}
            for code in tagged:
                share = 1.0 / len(tagged)
                parts = ([(code, 1 - credit), (code[:8], credit)] if len(code) == 10
                         else [(code, 1.0)])
                for part, weight in parts:
                    k = ncs.ids([part])[0]
                    row_ncs[k] = row_ncs.get(k, 0.0) + share * weight
            post_ncs_rows.append(row_ncs)
        cand_ncs = _rows(cand_ncs_ids, None, len(ncs.index))
        post_ncs = _rows([list(r) for r in post_ncs_rows],
                         [list(r.values()) for r in post_ncs_rows], len(ncs.index))

        certs = _Vocabulary()
        cand_held_certs = [vocab_.held_certificates(c.certifications) for c in candidates]
        post_cert_ids = [certs.ids(sorted({vocab_.certificate_name(n)
                                           for n in p.preferred_certifications if n.strip()}))
                         for p in postings]
        cand_certs = _rows([certs.ids(sorted(h)) for h in cand_held_certs], None,
                           len(certs.index))
        post_certs = _coverage_rows(post_cert_ids, len(certs.index))

        districts = _Vocabulary()
        post_district_ids = [districts.ids([p.district] if p.district else []) for p in postings]
        cand_district_ids = [districts.ids(sorted(set(c.preferred_districts)))
                             for c in candidates]
        post_districts = _rows(post_district_ids, None, len(districts.index))
        cand_districts = _rows(cand_district_ids, None, len(districts.index))

        # A preferred field is an NCS prefix (2 or 4 digits): the posting offers both of its.
        fields = _Vocabulary()
        post_field_ids = [fields.ids(sorted({code[:n] for code in codes for n in (2, 4)}))
                          for codes in post_codes]
        cand_field_ids = [fields.ids(sorted(set(c.preferred_fields))) for c in candidates]
        post_fields = _rows(post_field_ids, None, len(fields.index))
        cand_fields = _rows(cand_field_ids, None, len(fields.index))
        commute = travel_minutes([c.home_district for c in candidates],
                                 [p.district for p in postings])

        return cls(
            candidates=list(candidates), postings=list(postings), weights=weights,
            terms=vocab.terms(), cand_tfidf=cand_tfidf, post_tfidf=post_tfidf,
            cand_skills=_rows(cand_cols, cand_vals, n_skills),
            post_required=_rows(req_cols, req_vals, n_skills),
            post_preferred=_rows(pref_cols, pref_vals, n_skills),
            ncs_codes=ncs.terms(), cand_ncs=cand_ncs, post_ncs=post_ncs,
            cand_certs=cand_certs, post_certs=post_certs,
            cand_districts=cand_districts, post_districts=post_districts,
            cand_fields=cand_fields, post_fields=post_fields, commute=commute,
            cand_held=held, post_required_entries=required, post_preferred_entries=preferred)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.candidates), len(self.postings)

    def feature_blocks(self, rows: slice) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each feature's value in [0, 1] and whether it is known, for the candidates in
        ``rows`` × all postings (float32 values, boolean masks)."""
        n_p = len(self.postings)
        n_r = rows.stop - rows.start

        def product(cand: sp.csr_matrix, post: sp.csr_matrix) -> np.ndarray:
            if post.shape[1] == 0:
                return np.zeros((n_r, n_p), dtype=np.float32)
            key = id(post)
            if key not in self._dense:
                self._dense[key] = np.ascontiguousarray(post.T.toarray(), dtype=np.float32)
            return np.asarray(cand[rows] @ self._dense[key], dtype=np.float32)

        def has(matrix: sp.csr_matrix, part: slice | None = None) -> np.ndarray:
            filled = np.diff(matrix.indptr) > 0
            return filled[part] if part is not None else filled

        def known(cand: sp.csr_matrix, post: sp.csr_matrix) -> np.ndarray:
            return has(cand, rows)[:, None] & has(post)[None, :]

        everyone = np.ones(n_r, dtype=bool)
        text = product(self.cand_tfidf, self.post_tfidf)
        required = product(self.cand_skills, self.post_required)
        preferred = product(self.cand_skills, self.post_preferred)
        ncs = product(self.cand_ncs, self.post_ncs)
        certs = product(self.cand_certs, self.post_certs)
        wished = product(self.cand_districts, self.post_districts)
        minutes = self.commute[rows]
        near = np.clip((90.0 - minutes) / 60.0, 0.0, 1.0).astype(np.float32)
        near_known = minutes >= 0
        district = np.where(wished > 0, 1.0, np.where(near_known, near, 0.0)).astype(np.float32)
        district_known = known(self.cand_districts, self.post_districts) | near_known
        field_ = np.minimum(product(self.cand_fields, self.post_fields), 1.0)
        values = [text, required, preferred, ncs, certs, district, field_]
        masks = [known(self.cand_tfidf, self.post_tfidf),
                 everyone[:, None] & has(self.post_required)[None, :],
                 everyone[:, None] & has(self.post_preferred)[None, :],
                 known(self.cand_ncs, self.post_ncs),
                 everyone[:, None] & has(self.post_certs)[None, :],
                 district_known,
                 known(self.cand_fields, self.post_fields)]
        return values, masks

    def _total(self, rows: slice) -> np.ndarray:
        """Weighted mean over the known features, in stored units (float32)."""
        weights = self.weights.vector().astype(np.float32)
        values, masks = self.feature_blocks(rows)
        total = np.zeros(values[0].shape, dtype=np.float32)
        weight = np.zeros(values[0].shape, dtype=np.float32)
        for w, value, mask in zip(weights, values, masks, strict=True):
            np.clip(value, 0.0, 1.0, out=value)
            total += w * value * mask
            weight += w * mask
        np.divide(total, weight, out=total, where=weight > 0)
        total *= np.float32(100 * SCALE)
        return np.rint(total)

    def scores(self, block_rows: int = BLOCK_ROWS) -> np.ndarray:
        """Every pair's fit in hundredths of a point: int16 array (candidates × postings)."""
        n_c, n_p = self.shape
        out = np.empty((n_c, n_p), dtype=np.int16)
        for start in range(0, n_c, block_rows):
            rows = slice(start, min(n_c, start + block_rows))
            out[rows] = self._total(rows).astype(np.int16)
        return out

    def scores_for(self, candidate: int, postings: Sequence[int]) -> np.ndarray:
        """The fit of one candidate against some postings (same arithmetic as ``scores``)."""
        total = self._total(slice(candidate, candidate + 1))
        return total[0, list(postings)].astype(np.int16)

    def explain(self, candidate: int, posting: int, top_terms: int = 5) -> FitExplanation:
        """The known features of one pair, their points, the skills met and missing in the
        employer's words, and the terms that made the text match."""
        rows = slice(candidate, candidate + 1)
        values_, masks = self.feature_blocks(rows)
        values = [float(np.clip(v[0, posting], 0.0, 1.0)) for v in values_]
        known = [bool(m[0, posting]) for m in masks]
        weights = self.weights.vector()
        weight = sum(w for w, k in zip(weights, known, strict=True) if k)
        contributions = {n: round(float(100 * w * v / weight), 2)
                         for n, w, v, k in zip(FEATURES, weights, values, known, strict=True) if k}
        c_row = self.cand_tfidf.getrow(candidate)
        p_row = self.post_tfidf.getrow(posting)
        shared = c_row.multiply(p_row).tocoo()
        order = np.argsort(-shared.data, kind="stable")[:top_terms]
        terms = [(self.terms[shared.col[k]], round(float(shared.data[k]), 4)) for k in order]
        c, p = self.candidates[candidate], self.postings[posting]
        have = self.cand_held[candidate]
        vocab_ = vocabulary()
        related = {r for s in have for r in vocab_.related(s)}

        def sort(entries: list[tuple[str, tuple[str, ...]]]) -> tuple[list[str], list[str],
                                                                      list[str]]:
            met, near, missing = [], [], []
            for words, ids in entries:
                if all(s in have for s in ids):
                    met.append(words)
                elif any(s in have or s in related for s in ids):
                    near.append(words)
                else:
                    missing.append(words)
            return met, near, missing

        skills_met, skills_related, skills_missing = sort(self.post_required_entries[posting])
        preferred_met, _, _ = sort(self.post_preferred_entries[posting])
        c_codes = {code.split("_", 1)[0] for code in c.ncs_codes}
        c_codes |= {code[:8] for code in c_codes}
        p_codes = sorted({code.split("_", 1)[0] for code in p.ncs_codes})
        held = vocab_.held_certificates(c.certifications)
        minutes = int(self.commute[candidate, posting])
        score = int(self.scores_for(candidate, [posting])[0])
        return FitExplanation(
            candidate_id=c.id, posting_id=p.id, fit=score / SCALE,
            features={n: round(v, 4) for n, v, k in zip(FEATURES, values, known, strict=True)
                      if k},
            contributions=contributions,
            unknown=[n for n, k in zip(FEATURES, known, strict=True) if not k],
            top_terms=terms,
            skills_met=skills_met, skills_related=skills_related, skills_missing=skills_missing,
            preferred_met=preferred_met,
            ncs_met=[code for code in p_codes if code in c_codes],
            ncs_partial=[code for code in p_codes
                         if code not in c_codes and code[:8] in c_codes],
            ncs_missing=[code for code in p_codes if code[:8] not in c_codes],
            certifications_met=sorted(vocab_.certificate_name(n) for n in
                                      (*p.required_certifications, *p.preferred_certifications)
                                      if vocab_.certificate_name(n) in held),
            certifications_missing=sorted({vocab_.certificate_name(n)
                                           for n in p.preferred_certifications}
                                          - held),
            district_match=bool(p.district and p.district in c.preferred_districts),
            commute_minutes=minutes if minutes >= 0 else None,
        )


@dataclass(frozen=True, slots=True)
class FitExplanation:
    """Why a pair has its fit: each known feature's value and points, what is missing, and
    the features neither side gave data for (``unknown``: no points either way)."""

    candidate_id: str
    posting_id: str
    fit: float
    features: dict[str, float]
    contributions: dict[str, float]
    unknown: list[str]
    top_terms: list[tuple[str, float]]
    skills_met: list[str]  # the posting's required skills, in its words
    skills_related: list[str]
    skills_missing: list[str]
    preferred_met: list[str]
    ncs_met: list[str]
    ncs_partial: list[str]
    ncs_missing: list[str]
    certifications_met: list[str]
    certifications_missing: list[str]  # preferred ones the candidate lacks
    district_match: bool
    commute_minutes: int | None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def _check_ids(ids: Sequence[str], where: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            raise MatchingInputError(f"{where}[{i}].id", "duplicate_id", f"id {value!r} repeats")
        seen.add(value)


def _tfidf(cand_ids: Sequence[Sequence[int]], post_ids: Sequence[Sequence[int]],
           n_terms: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Sublinear TF × smoothed IDF over all documents, rows L2-normalised."""
    counts = _rows(list(cand_ids) + list(post_ids), None, n_terms)
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=n_terms)
    idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    counts = sp.csr_matrix(sp.diags(1.0 / norms) @ counts, dtype=np.float32)
    n_c = len(cand_ids)
    return counts[:n_c], counts[n_c:]


def fit_points(score: int) -> float:
    """A stored fit (hundredths) as points."""
    return score / SCALE


def min_fit_scaled(min_fit_points: float) -> int:
    """The minimum fit parameter (points) in stored units."""
    return int(math.ceil(min_fit_points * SCALE))
