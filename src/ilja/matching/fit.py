"""How well a candidate fits a posting (적합도), for all pairs at once, and why.

Issue 5 §2: Korean text (Kiwi terms, TF-IDF cosine) plus structured features — NCS codes
(국가직무능력표준 세분류 8 digits / 능력단위 10 digits), required and preferred skills, required
certifications, preferred district and field. Each feature is a number in [0, 1]; the fit is
their weighted mean on a 0–100 scale, weights from ``matching.fit.*``. Scores are stored in
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

from ilja.matching.errors import MatchingInputError
from ilja.matching.tokens import skill_terms, tokenize_many

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
    """What the fit knows of a candidate: course skills, own text, certifications, wishes."""

    id: str
    text: str = ""
    skills: tuple[str, ...] = ()
    ncs_codes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    preferred_districts: tuple[str, ...] = ()
    preferred_fields: tuple[str, ...] = ()  # NCS 중분류, 4 digits


@dataclass(frozen=True, slots=True)
class PostingProfile:
    """What the fit knows of a posting: its text, skills, NCS tags, certifications, district."""

    id: str
    text: str = ""
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    ncs_codes: tuple[str, ...] = ()
    required_certifications: tuple[str, ...] = ()
    district: str | None = None


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


@dataclass
class FitModel:
    """Candidates and postings turned into matrices; ``scores()`` gives every pair's fit."""

    candidates: list[CandidateProfile]
    postings: list[PostingProfile]
    weights: FitWeights
    terms: list[str]
    cand_tfidf: sp.csr_matrix
    post_tfidf: sp.csr_matrix
    cand_terms: sp.csr_matrix  # binary: the candidate has this term (text or skill)
    post_required: sp.csr_matrix  # rows sum to 1 over required skill terms
    post_preferred: sp.csr_matrix
    ncs_codes: list[str]
    cand_ncs: sp.csr_matrix
    post_ncs: sp.csr_matrix
    certs: list[str]
    cand_certs: sp.csr_matrix
    post_certs: sp.csr_matrix
    districts: list[str]
    cand_districts: sp.csr_matrix
    post_districts: sp.csr_matrix
    fields: list[str]
    cand_fields: sp.csr_matrix
    post_fields: sp.csr_matrix
    cand_terms_list: list[list[str]] = field(repr=False, default_factory=list)
    post_required_terms: list[list[str]] = field(repr=False, default_factory=list)
    post_preferred_terms: list[list[str]] = field(repr=False, default_factory=list)
    _dense: dict[int, np.ndarray] = field(repr=False, default_factory=dict)

    @classmethod
    def build(cls, candidates: Sequence[CandidateProfile], postings: Sequence[PostingProfile],
              weights: FitWeights | None = None) -> FitModel:
        """Tokenise every text once and build the sparse matrices."""
        weights = weights or FitWeights()
        weights.vector()
        _check_ids([c.id for c in candidates], "candidates")
        _check_ids([p.id for p in postings], "postings")
        n_c = len(candidates)
        texts = [c.text + "\n" + " ".join(c.skills) for c in candidates]
        texts += [p.text for p in postings]
        tokens = tokenize_many(texts)
        cand_tokens, post_tokens = tokens[:n_c], tokens[n_c:]
        skill_cache: dict[tuple[str, ...], list[str]] = {}

        def skills_of(skills: tuple[str, ...]) -> list[str]:
            if skills not in skill_cache:
                skill_cache[skills] = skill_terms(skills)
            return skill_cache[skills]

        required = [skills_of(p.required_skills) for p in postings]
        preferred = [skills_of(p.preferred_skills) for p in postings]
        vocab = _Vocabulary()
        cand_ids = [vocab.ids(t) for t in cand_tokens]
        post_ids = [vocab.ids(t) for t in post_tokens]
        req_ids = [vocab.ids(t) for t in required]
        pref_ids = [vocab.ids(t) for t in preferred]
        n_terms = len(vocab.index)
        cand_tfidf, post_tfidf = _tfidf(cand_ids, post_ids, n_terms)
        cand_terms = _rows([sorted(set(t)) for t in cand_ids], None, n_terms)

        ncs = _Vocabulary()
        cand_ncs_ids, post_ncs_rows = [], []
        for i, c in enumerate(candidates):
            codes = {check_ncs_code(code, f"candidates[{i}].ncs_codes") for code in c.ncs_codes}
            cand_ncs_ids.append(ncs.ids(sorted(codes | {code[:8] for code in codes})))
        credit = weights.ncs_subfield_credit
        for j, p in enumerate(postings):
            tagged = sorted({check_ncs_code(code, f"postings[{j}].ncs_codes")
                             for code in p.ncs_codes})
            row: dict[int, float] = {}
            for code in tagged:
                share = 1.0 / len(tagged)
                parts = ([(code, 1 - credit), (code[:8], credit)] if len(code) == 10
                         else [(code, 1.0)])
                for part, weight in parts:
                    key = ncs.ids([part])[0]
                    row[key] = row.get(key, 0.0) + share * weight
            post_ncs_rows.append(row)
        cand_ncs = _rows(cand_ncs_ids, None, len(ncs.index))
        post_ncs = _rows([list(r) for r in post_ncs_rows],
                         [list(r.values()) for r in post_ncs_rows], len(ncs.index))

        certs = _Vocabulary()
        post_cert_ids = [certs.ids(sorted(set(p.required_certifications))) for p in postings]
        cand_certs = _rows([certs.ids(sorted(set(c.certifications))) for c in candidates], None,
                           len(certs.index))
        post_certs = _coverage_rows(post_cert_ids, len(certs.index))

        districts = _Vocabulary()
        post_district_ids = [districts.ids([p.district] if p.district else []) for p in postings]
        cand_districts = _rows([districts.ids(sorted(set(c.preferred_districts)))
                                for c in candidates], None, len(districts.index))
        post_districts = _rows(post_district_ids, None, len(districts.index))

        fields = _Vocabulary()
        post_field_ids = [fields.ids(sorted({check_ncs_code(code, f"postings[{j}].ncs_codes")[:4]
                                             for code in p.ncs_codes}))
                          for j, p in enumerate(postings)]
        cand_fields = _rows([fields.ids(sorted({f[:4] for f in c.preferred_fields}))
                             for c in candidates], None, len(fields.index))
        post_fields = _rows(post_field_ids, None, len(fields.index))

        return cls(
            candidates=list(candidates), postings=list(postings), weights=weights,
            terms=vocab.terms(), cand_tfidf=cand_tfidf, post_tfidf=post_tfidf,
            cand_terms=cand_terms,
            post_required=_coverage_rows(req_ids, n_terms),
            post_preferred=_coverage_rows(pref_ids, n_terms),
            ncs_codes=ncs.terms(), cand_ncs=cand_ncs, post_ncs=post_ncs,
            certs=certs.terms(), cand_certs=cand_certs, post_certs=post_certs,
            districts=districts.terms(), cand_districts=cand_districts,
            post_districts=post_districts,
            fields=fields.terms(), cand_fields=cand_fields, post_fields=post_fields,
            cand_terms_list=cand_tokens, post_required_terms=required,
            post_preferred_terms=preferred,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.candidates), len(self.postings)

    def feature_blocks(self, rows: slice) -> list[np.ndarray]:
        """Each feature in [0, 1] for the candidates in ``rows`` × all postings (float32)."""
        n_p = len(self.postings)

        def product(cand: sp.csr_matrix, post: sp.csr_matrix) -> np.ndarray:
            if post.shape[1] == 0:
                return np.zeros((rows.stop - rows.start, n_p), dtype=np.float32)
            key = id(post)
            if key not in self._dense:
                self._dense[key] = np.ascontiguousarray(post.T.toarray(), dtype=np.float32)
            return np.asarray(cand[rows] @ self._dense[key], dtype=np.float32)

        def nothing_asked(post: sp.csr_matrix) -> np.ndarray:
            return (np.diff(post.indptr) == 0)[None, :]

        def no_wish(cand: sp.csr_matrix) -> np.ndarray:
            return (np.diff(cand.indptr)[rows] == 0)[:, None]

        text = product(self.cand_tfidf, self.post_tfidf)
        required = np.maximum(product(self.cand_terms, self.post_required),
                              nothing_asked(self.post_required))
        preferred = product(self.cand_terms, self.post_preferred)
        ncs = product(self.cand_ncs, self.post_ncs)
        certs = np.maximum(product(self.cand_certs, self.post_certs),
                           nothing_asked(self.post_certs))
        district = np.maximum(product(self.cand_districts, self.post_districts),
                              nothing_asked(self.post_districts) | no_wish(self.cand_districts))
        field_ = np.minimum(product(self.cand_fields, self.post_fields), 1.0)
        field_ = np.maximum(field_, no_wish(self.cand_fields) & ~nothing_asked(self.post_fields))
        return [text, required, preferred, ncs, certs, district, field_]

    def scores(self, block_rows: int = BLOCK_ROWS) -> np.ndarray:
        """Every pair's fit in hundredths of a point: int16 array (candidates × postings)."""
        n_c, n_p = self.shape
        weights = self.weights.vector().astype(np.float32) * np.float32(100 * SCALE)
        out = np.empty((n_c, n_p), dtype=np.int16)
        for start in range(0, n_c, block_rows):
            rows = slice(start, min(n_c, start + block_rows))
            total = np.zeros((rows.stop - rows.start, n_p), dtype=np.float32)
            for w, feature in zip(weights, self.feature_blocks(rows), strict=True):
                np.clip(feature, 0.0, 1.0, out=feature)
                total += w * feature
            np.rint(total, out=total)
            out[rows] = total.astype(np.int16)
        return out

    def explain(self, candidate: int, posting: int, top_terms: int = 5) -> FitExplanation:
        """The features of one pair, their contributions, and the terms that made the text match."""
        rows = slice(candidate, candidate + 1)
        values = [float(np.clip(f[0, posting], 0.0, 1.0)) for f in self.feature_blocks(rows)]
        weights = self.weights.vector()
        contributions = [round(float(100 * w * v), 2) for w, v in zip(weights, values, strict=True)]
        c_row = self.cand_tfidf.getrow(candidate)
        p_row = self.post_tfidf.getrow(posting)
        shared = c_row.multiply(p_row).tocoo()
        order = np.argsort(-shared.data, kind="stable")[:top_terms]
        terms = [(self.terms[shared.col[k]], round(float(shared.data[k]), 4)) for k in order]
        c, p = self.candidates[candidate], self.postings[posting]
        have = set(self.cand_terms_list[candidate])
        required = self.post_required_terms[posting]
        preferred = self.post_preferred_terms[posting]
        c_codes = {code.split("_", 1)[0] for code in c.ncs_codes}
        c_codes |= {code[:8] for code in c_codes}
        p_codes = sorted({code.split("_", 1)[0] for code in p.ncs_codes})
        score = int(self.scores_for(candidate, [posting])[0])
        return FitExplanation(
            candidate_id=c.id, posting_id=p.id, fit=score / SCALE,
            features={n: round(v, 4) for n, v in zip(FEATURES, values, strict=True)},
            contributions=dict(zip(FEATURES, contributions, strict=True)),
            top_terms=terms,
            skills_met=[t for t in required if t in have],
            skills_missing=[t for t in required if t not in have],
            preferred_met=[t for t in preferred if t in have],
            ncs_met=[code for code in p_codes if code in c_codes],
            ncs_partial=[code for code in p_codes
                         if code not in c_codes and code[:8] in c_codes],
            ncs_missing=[code for code in p_codes if code[:8] not in c_codes],
            certifications_met=sorted(set(p.required_certifications) & set(c.certifications)),
            certifications_missing=sorted(set(p.required_certifications) - set(c.certifications)),
            district_match=bool(p.district and p.district in c.preferred_districts),
        )

    def scores_for(self, candidate: int, postings: Sequence[int]) -> np.ndarray:
        """The fit of one candidate against some postings (same arithmetic as ``scores``)."""
        rows = slice(candidate, candidate + 1)
        weights = self.weights.vector().astype(np.float32) * np.float32(100 * SCALE)
        total = np.zeros((1, len(self.postings)), dtype=np.float32)
        for w, feature in zip(weights, self.feature_blocks(rows), strict=True):
            np.clip(feature, 0.0, 1.0, out=feature)
            total += w * feature
        return np.rint(total[0, list(postings)]).astype(np.int16)


@dataclass(frozen=True, slots=True)
class FitExplanation:
    """Why a pair has its fit: each feature's value and points, shared terms, what is missing."""

    candidate_id: str
    posting_id: str
    fit: float
    features: dict[str, float]
    contributions: dict[str, float]
    top_terms: list[tuple[str, float]]
    skills_met: list[str]
    skills_missing: list[str]
    preferred_met: list[str]
    ncs_met: list[str]
    ncs_partial: list[str]
    ncs_missing: list[str]
    certifications_met: list[str]
    certifications_missing: list[str]
    district_match: bool

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
