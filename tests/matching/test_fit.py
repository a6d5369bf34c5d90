"""The fit score: hand-checked features, explanation adds up, all pairs agree with one pair."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ilja.matching import CandidateProfile, FitModel, FitWeights, MatchingInputError, PostingProfile
from ilja.rules.parameters import default_tree

BACKEND = PostingProfile(
    "p-backend", "백엔드 개발자 (Python/Django) 채용", required_skills=("Python", "Django"),
    preferred_skills=("Docker",), ncs_codes=("2001020202",),
    required_certifications=("정보처리기사",), district="마포구")
ANALYST = PostingProfile(
    "p-analyst", "AI 융합 데이터 분석가 인턴", required_skills=("SQL", "데이터 분석"),
    ncs_codes=("20010301",), district="강남구")
CITY = PostingProfile("p-city", "서울시 행정데이터 활용 인턴")

DEV = CandidateProfile(
    "c-dev", "파이썬과 장고로 백엔드 개발을 공부했습니다", skills=("Python", "Django", "SQL"),
    ncs_codes=("2001020202",), certifications=("정보처리기사",),
    preferred_districts=("마포구",), preferred_fields=("2001",))
DATA = CandidateProfile(
    "c-data", "데이터 분석과 시각화, 엑셀과 태블로", skills=("데이터 분석", "Tableau"),
    ncs_codes=("2001030101",), preferred_districts=("강남구",))


@pytest.fixture(scope="module")
def model() -> FitModel:
    return FitModel.build([DEV, DATA], [BACKEND, ANALYST, CITY])


def test_each_candidate_fits_their_own_posting_best(model):
    scores = model.scores()
    assert scores.dtype == np.int16
    assert scores[0].argmax() == 0
    assert scores[1].argmax() == 1
    assert (scores >= 0).all() and (scores <= 10_000).all()


def test_hand_checked_features(model):
    e = model.explain(0, 0)
    assert e.features["required_skills"] == 1.0
    assert e.features["ncs"] == 1.0
    assert e.features["district"] == 1.0
    assert e.features["field"] == 1.0
    assert e.features["preferred_skills"] == 0.0
    assert e.skills_met == ["Python", "Django"] and e.skills_missing == []
    assert {t for t, _ in e.top_terms} >= {"python", "django", "backend"}
    # a required certificate is a hard filter, not a score; no preferred one: not known
    assert "certifications" in e.unknown and e.certifications_met == ["정보처리기사"]


def test_missing_requirements_are_named_in_the_employers_words(model):
    e = model.explain(1, 1)
    assert e.skills_met == ["데이터 분석"]
    assert e.skills_related == ["SQL"]  # 데이터 분석 is related to SQL: half a skill
    assert e.features["required_skills"] == pytest.approx(0.75, abs=1e-4)
    # 능력단위 2001030101 lies in the posting's 세분류 20010301: a full NCS match.
    assert e.ncs_met == ["20010301"] and e.features["ncs"] == 1.0
    e = model.explain(1, 0)
    assert e.skills_missing == ["Python", "Django"]
    assert e.ncs_missing == ["2001020202"]


def test_missing_data_earns_no_points():
    """A posting with only a title: its required skills, district, certificates, NCS and field
    are unknown and weigh nothing; the skills its text names count as preferred."""
    bare = PostingProfile("p-bare", "서울시 행정데이터 활용 인턴")
    e = FitModel.build([DEV], [bare]).explain(0, 0)
    assert set(e.unknown) == {"required_skills", "ncs", "certifications", "district", "field"}
    assert e.features["preferred_skills"] == 0.0  # 행정데이터 = 공공데이터, which DEV lacks
    assert e.fit < 30


def test_transliterations_are_the_same_skill():
    posting = PostingProfile("p", "프런트엔드 개발자", required_skills=("TypeScript", "피그마", "k8s"))
    candidate = CandidateProfile("c", "타입스크립트와 쿠버네티스를 공부했습니다", skills=("Figma",))
    e = FitModel.build([candidate], [posting]).explain(0, 0)
    assert e.skills_met == ["TypeScript", "피그마", "k8s"]
    assert e.features["required_skills"] == 1.0


def test_two_digit_field_matches_the_postings_ncs():
    posting = PostingProfile("p", "개발", ncs_codes=("2001020202",))
    candidate = CandidateProfile("c", "개발", preferred_fields=("20",))
    assert FitModel.build([candidate], [posting]).explain(0, 0).features["field"] == 1.0


def test_same_subfield_other_unit_gets_partial_credit():
    posting = PostingProfile("p", "개발", ncs_codes=("2001020203",))
    candidate = CandidateProfile("c", "개발", ncs_codes=("2001020202",))
    e = FitModel.build([candidate], [posting]).explain(0, 0)
    assert e.ncs_partial == ["2001020203"]
    assert e.features["ncs"] == pytest.approx(0.5)


def test_contributions_add_up_to_the_fit(model):
    scores = model.scores()
    for c in range(2):
        for p in range(3):
            e = model.explain(c, p)
            assert sum(e.contributions.values()) == pytest.approx(e.fit, abs=0.05)
            assert set(e.contributions) | set(e.unknown) == set(e.features) | set(e.unknown)
            assert e.fit == scores[c, p] / 100


def test_block_size_does_not_change_scores():
    rng = np.random.default_rng(5)
    words = ["파이썬", "데이터", "분석", "웹", "개발", "클라우드", "보안", "디자인", "마케팅", "SQL"]
    candidates = [CandidateProfile(f"c{i}", " ".join(rng.choice(words, 4)),
                                   preferred_districts=("마포구",) if i % 2 else ())
                  for i in range(37)]
    postings = [PostingProfile(f"p{j}", " ".join(rng.choice(words, 3)),
                               required_skills=tuple(rng.choice(words, 2)), district="마포구")
                for j in range(5)]
    model = FitModel.build(candidates, postings)
    assert (model.scores(block_rows=7) == model.scores()).all()
    assert (model.scores_for(3, [0, 4]) == model.scores()[3, [0, 4]]).all()


def test_weights_come_from_the_parameters():
    weights = FitWeights.from_parameters(default_tree(), dt.date(2026, 3, 1))
    assert weights.vector().sum() == pytest.approx(1.0)
    assert weights.required_skills > weights.preferred_skills


def test_bad_ncs_code_and_duplicate_ids():
    with pytest.raises(MatchingInputError, match=r"postings\[0\].ncs_codes.*ncs_code_invalid"):
        FitModel.build([DEV], [PostingProfile("p", ncs_codes=("2001-02",))])
    with pytest.raises(MatchingInputError, match="duplicate_id"):
        FitModel.build([DEV, DEV], [BACKEND])
    with pytest.raises(MatchingInputError, match="weights_invalid"):
        FitModel.build([DEV], [BACKEND], FitWeights(*([0.0] * 7)))
