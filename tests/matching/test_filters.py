"""Hard filters before any score (issue 23 §2): each filter by hand, and properties."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.matching import CandidateProfile, FitModel, PostingProfile, pairs_from_fit
from ilja.matching.filters import BITS, FILTERS, SHIFTS, exclusions, reasons
from ilja.matching.vocabulary import EDUCATION_LEVELS

ON = dt.date(2026, 3, 2)
PLAIN = CandidateProfile("c")
OPEN = PostingProfile("p")


def why(candidate: CandidateProfile, posting: PostingProfile, on: dt.date = ON) -> list[str]:
    return reasons(int(exclusions([candidate], [posting], on)[0, 0]))


@pytest.mark.parametrize(("candidate", "posting", "expected"), [
    # a required certificate the candidate lacks; a higher grade of the same line satisfies it
    (PLAIN, PostingProfile("p", required_certifications=("전기기사",)), ["certificate"]),
    (CandidateProfile("c", certifications=("전기 기사",)),
     PostingProfile("p", required_certifications=("전기기사",)), []),
    (CandidateProfile("c", certifications=("전기기사",)),
     PostingProfile("p", required_certifications=("전기산업기사",)), []),
    (CandidateProfile("c", certifications=("전기기능사",)),
     PostingProfile("p", required_certifications=("전기기사 또는 전기산업기사",)), ["certificate"]),
    (CandidateProfile("c", certifications=("전기산업기사",)),
     PostingProfile("p", required_certifications=("전기기사 또는 전기산업기사",)), []),
    # experience in the posting's field (by its skills): a barista's years are not an electrician's
    (CandidateProfile("c", experience=(("cafe_bakery", 1),)),
     PostingProfile("p", required_skills=("에스프레소",), experience_years=3), ["experience"]),
    (CandidateProfile("c", experience=(("office", 5),)),
     PostingProfile("p", required_skills=("에스프레소",), experience_years=3), ["experience"]),
    (CandidateProfile("c", experience=(("cafe_bakery", 3),)),
     PostingProfile("p", required_skills=("에스프레소",), experience_years=3), []),
    # education: unknown does not meet a requirement, "학력무관" requires nothing
    (PLAIN, PostingProfile("p", education="master"), ["education"]),
    (CandidateProfile("c", education="bachelor"), PostingProfile("p", education="master"),
     ["education"]),
    (CandidateProfile("c", education="master"), PostingProfile("p", education="bachelor"), []),
    (PLAIN, PostingProfile("p", education="none"), []),
    # the posting's deadline has passed (the deadline day itself is still open)
    (PLAIN, PostingProfile("p", deadline=ON - dt.timedelta(days=1)), ["deadline"]),
    (PLAIN, PostingProfile("p", deadline=ON), []),
    # kind: a trainee who wants a job is not offered an internship
    (CandidateProfile("c", wanted_kinds=("job",)), PostingProfile("p", kind="internship_city"),
     ["kind"]),
    (CandidateProfile("c", wanted_kinds=("internship",)),
     PostingProfile("p", kind="internship_company"), []),
    # pay under the floor; a posting that does not say its pay is not excluded
    (CandidateProfile("c", min_monthly_pay=2_500_000), PostingProfile("p", monthly_pay=2_060_740),
     ["pay"]),
    (CandidateProfile("c", min_monthly_pay=2_500_000), OPEN, []),
    # hours and shifts
    (CandidateProfile("c", max_weekly_hours=20), PostingProfile("p", weekly_hours=40), ["hours"]),
    (CandidateProfile("c", shifts=("day",)), PostingProfile("p", shifts=("day", "weekend")),
     ["shifts"]),
    (CandidateProfile("c", shifts=("day", "weekend")), PostingProfile("p", shifts=("weekend",)),
     []),
    # commute (노원구 → 금천구 is over an hour; 마포구 → 마포구 is not)
    (CandidateProfile("c", home_district="노원구", max_commute_minutes=60),
     PostingProfile("p", district="금천구"), ["commute"]),
    (CandidateProfile("c", home_district="마포구", max_commute_minutes=30),
     PostingProfile("p", district="마포구"), []),
    # available only after the job starts
    (CandidateProfile("c", available_from=dt.date(2026, 5, 1)),
     PostingProfile("p", starts_on=dt.date(2026, 4, 1)), ["availability"]),
])
def test_each_filter_by_hand(candidate, posting, expected):
    assert why(candidate, posting) == expected


def test_an_excluded_pair_names_every_filter_that_excluded_it():
    candidate = CandidateProfile("c", wanted_kinds=("internship",), min_monthly_pay=3_000_000)
    posting = PostingProfile("p", kind="job", monthly_pay=2_200_000,
                             required_certifications=("요양보호사",),
                             deadline=ON - dt.timedelta(days=3))
    assert why(candidate, posting) == ["deadline", "kind", "certificate", "pay"]


def test_excluded_pairs_are_never_acceptable_whatever_their_fit():
    candidates = [CandidateProfile("c0", "전기 배선", skills=("전기 배선",)),
                  CandidateProfile("c1", "전기 배선", skills=("전기 배선",),
                                   certifications=("전기기능사",))]
    postings = [PostingProfile("p0", "전기 배선 기사 채용", required_skills=("전기 배선",),
                               required_certifications=("전기기능사",))]
    scores = FitModel.build(candidates, postings).scores()
    assert (scores > 5000).all()
    excluded = exclusions(candidates, postings, ON)
    cand, post, _, _ = pairs_from_fit(scores, 0, 5, excluded=excluded,
                                      candidate_rankings={0: [0]})
    assert cand.tolist() == [1] and post.tolist() == [0]


# --- properties ----------------------------------------------------------------------------

DISTRICTS = ("강남구", "마포구", "노원구", "금천구", "중구")
CERTS = ("전기기사", "전기산업기사", "전기기능사", "요양보호사", "바리스타 2급")
FIELDS = ("electrical", "care", "cafe_bakery")
days = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@st.composite
def candidates(draw: st.DrawFn, i: int = 0) -> CandidateProfile:
    return CandidateProfile(
        f"c{i}", certifications=tuple(draw(st.lists(st.sampled_from(CERTS), max_size=2))),
        experience=tuple(draw(st.lists(st.tuples(st.sampled_from(FIELDS), st.integers(0, 6)),
                                       max_size=2))),
        education=draw(st.none() | st.sampled_from(EDUCATION_LEVELS)),
        wanted_kinds=tuple(draw(st.lists(st.sampled_from(("internship", "job")), max_size=2))),
        min_monthly_pay=draw(st.none() | st.integers(1_500_000, 3_500_000)),
        max_weekly_hours=draw(st.none() | st.integers(10, 52)),
        shifts=tuple(draw(st.lists(st.sampled_from(SHIFTS), max_size=3))),
        home_district=draw(st.none() | st.sampled_from(DISTRICTS)),
        max_commute_minutes=draw(st.none() | st.integers(20, 120)),
        available_from=draw(st.none() | days))


@st.composite
def postings(draw: st.DrawFn, j: int = 0) -> PostingProfile:
    return PostingProfile(
        f"p{j}", required_certifications=tuple(draw(st.lists(st.sampled_from(CERTS),
                                                             max_size=1))),
        experience_years=draw(st.none() | st.integers(0, 5)),
        experience_field=draw(st.none() | st.sampled_from(FIELDS)),
        education=draw(st.none() | st.sampled_from(EDUCATION_LEVELS)),
        kind=draw(st.none() | st.sampled_from(("internship_company", "internship_city", "job"))),
        deadline=draw(st.none() | days), starts_on=draw(st.none() | days),
        monthly_pay=draw(st.none() | st.integers(1_000_000, 4_000_000)),
        weekly_hours=draw(st.none() | st.integers(8, 52)),
        shifts=tuple(draw(st.lists(st.sampled_from(SHIFTS), max_size=2))),
        district=draw(st.none() | st.sampled_from(DISTRICTS)))


@settings(max_examples=60, deadline=None)
@given(st.lists(candidates(), min_size=1, max_size=5), st.lists(postings(), min_size=1,
                                                                   max_size=5), days)
def test_all_pairs_agree_with_each_pair_alone(cands, posts, on):
    cands = [dataclasses.replace(c, id=f"c{i}") for i, c in enumerate(cands)]
    posts = [dataclasses.replace(p, id=f"p{j}") for j, p in enumerate(posts)]
    together = exclusions(cands, posts, on)
    for i, c in enumerate(cands):
        for j, p in enumerate(posts):
            assert together[i, j] == exclusions([c], [p], on)[0, 0]


@settings(max_examples=80, deadline=None)
@given(candidates(), postings(), days)
def test_conditions_not_stated_exclude_nobody(candidate, posting, on):
    """A candidate with no conditions is excluded only by what the posting requires; a posting
    with no requirements only by the candidate's conditions."""
    free = CandidateProfile("c", certifications=candidate.certifications,
                            experience=candidate.experience, education=candidate.education)
    mask = int(exclusions([free], [posting], on)[0, 0])
    assert not mask & (BITS["kind"] | BITS["pay"] | BITS["hours"] | BITS["shifts"]
                       | BITS["commute"] | BITS["availability"])
    bare = PostingProfile("p", kind=posting.kind, monthly_pay=posting.monthly_pay,
                          weekly_hours=posting.weekly_hours, shifts=posting.shifts,
                          district=posting.district, starts_on=posting.starts_on)
    mask = int(exclusions([candidate], [bare], on)[0, 0])
    assert not mask & (BITS["certificate"] | BITS["experience"] | BITS["education"]
                       | BITS["deadline"])


@settings(max_examples=80, deadline=None)
@given(candidates(), postings(), days, st.integers(0, 60), st.integers(0, 1_000_000))
def test_stricter_conditions_only_exclude_more(candidate, posting, on, minutes, won):
    """Tightening a trainee's conditions never lets an excluded pair back in."""
    before = int(exclusions([candidate], [posting], on)[0, 0])
    stricter = dataclasses.replace(
        candidate,
        max_commute_minutes=None if candidate.max_commute_minutes is None
        else max(0, candidate.max_commute_minutes - minutes),
        min_monthly_pay=None if candidate.min_monthly_pay is None
        else candidate.min_monthly_pay + won,
        max_weekly_hours=None if candidate.max_weekly_hours is None
        else max(0, candidate.max_weekly_hours - minutes // 10))
    after = int(exclusions([stricter], [posting], on)[0, 0])
    assert after & before == before


@settings(max_examples=80, deadline=None)
@given(candidates(), postings(), days)
def test_more_certificates_and_experience_never_exclude_more(candidate, posting, on):
    before = int(exclusions([candidate], [posting], on)[0, 0])
    richer = dataclasses.replace(
        candidate, certifications=(*candidate.certifications, "전기기사"),
        experience=(*candidate.experience, *((f, 10) for f in FIELDS)), education="doctor")
    after = int(exclusions([richer], [posting], on)[0, 0])
    assert after & ~before == 0
    assert not after & (BITS["experience"] | BITS["education"])


def test_filter_names_are_unique_and_fit_in_the_mask():
    assert len(set(FILTERS)) == len(FILTERS) <= 16
    assert np.uint16(sum(BITS.values())) == (1 << len(FILTERS)) - 1
