"""The skill vocabulary (issue 23 §3): spellings that mean the same skill are one skill, whole
list entries and phrases in free text alike; certificates by their official names; numbers kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja.matching.tokens import entry_skills, skills_in
from ilja.matching.vocabulary import (
    education_level,
    experience_years,
    key,
    vocabulary,
)

# Pairs people write for the same thing, across the programs' fields.
SAME = [
    ("TypeScript", "타입스크립트"), ("Figma", "피그마"), ("프런트엔드", "프론트엔드"),
    ("NLP", "자연어처리"), ("k8s", "쿠버네티스"), ("Python", "파이썬"), ("React", "리액트"),
    ("JavaScript", "자바스크립트"), ("Node.js", "노드제이에스"), ("Spring Boot", "스프링부트"),
    ("PostgreSQL", "포스트그레스"), ("Docker", "도커"), ("machine learning", "머신러닝"),
    ("딥러닝", "deep learning"), ("컴퓨터 비전", "영상처리"), ("LLM", "대규모 언어모델"),
    ("데이터분석", "데이터 분석"), ("시각화", "대시보드"), ("AWS", "아마존 웹 서비스"),
    ("Linux", "리눅스"), ("UX", "사용자 경험"), ("포토샵", "Photoshop"),
    ("PLC", "피엘씨"), ("시퀀스", "시퀀스 제어"), ("옥내배선", "전기 배선"), ("수배전반", "전기설비 관리"),
    ("TIG 용접", "알곤 용접"), ("CO2 용접", "반자동 용접"), ("피복아크용접", "전기용접"),
    ("CNC 선반", "씨엔씨 선반"), ("MCT", "머시닝센터"), ("오토캐드", "AutoCAD"), ("도면 해독", "도면해석"),
    ("요양보호", "어르신 돌봄"), ("치매 케어", "치매 돌봄"), ("활동보조", "장애인 활동지원"),
    ("라떼아트", "라테 아트"), ("에스프레소", "커피 추출"), ("제빵", "베이킹"), ("제과", "디저트"),
    ("HACCP", "위생관리"), ("엑셀", "Excel"), ("한글", "한컴오피스"), ("PPT", "파워포인트"),
    ("전표 처리", "회계"), ("더존", "ERP"), ("사무보조", "행정 지원"), ("고객응대", "접객"),
]
CERTIFICATES = [
    ("정보처리기사", "정보처리 기사"), ("정보처리기사", "정처기"), ("컴퓨터활용능력 1급", "컴활1급"),
    ("전기기능사", "전기 기능사"), ("특수용접기능사", "특수 용접 기능사"), ("요양보호사", "요양 보호사"),
    ("SQLD", "SQL 개발자"), ("ADsP", "데이터분석 준전문가"), ("제빵기능사", "제빵 기능사"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_skill_are_one_skill(one, other):
    vocab = vocabulary()
    assert entry_skills(vocab, one) == entry_skills(vocab, other)
    assert not entry_skills(vocab, one)[0].startswith("?"), one


@pytest.mark.parametrize(("official", "written"), CERTIFICATES)
def test_certificates_by_their_official_name(official, written):
    assert vocabulary().certificate(written) == official


def test_every_field_has_skills_and_certificates():
    vocab = vocabulary()
    for field in ("software", "electrical", "welding", "machining", "care", "cafe_bakery",
                  "office"):
        assert sum(s.field == field for s in vocab.skills.values()) >= 5, field
        assert any(c.field == field for c in vocab.certificates.values()), field
    assert {c.kind for c in vocab.certificates.values()} >= {"국가기술자격", "국가전문자격"}


def test_higher_grades_satisfy_lower_ones():
    held = vocabulary().held_certificates(["전기기사", "컴활 1급"])
    assert {"전기산업기사", "전기기능사", "컴퓨터활용능력 2급"} <= held
    assert "전기기사" not in vocabulary().held_certificates(["전기산업기사"])


def test_free_text_finds_whole_skills_and_keeps_numbers():
    text = "카페에서 바리스타로 3년 일하며 에스프레소 추출과 라떼아트, 매장 고객응대를 맡았습니다. 경력 3년"
    assert skills_in(text) == ["espresso", "latte_art", "customer_service"]
    assert experience_years(text) == 3
    assert experience_years("3년 이상의 실무 경력") == 3 and experience_years("신입 가능") == 0
    assert experience_years("성실한 분") is None


def test_an_unknown_entry_keeps_the_employers_words():
    assert entry_skills(vocabulary(), "사내 레거시 시스템 이해") == ("?사내레거시시스템이해",)
    assert vocabulary().skill_label("?사내레거시시스템이해") == "사내레거시시스템이해"


def test_education_levels():
    assert [education_level(x) for x in ("학력무관", "고졸 이상", "초대졸", "대졸(4년)", "석사 이상")] == [
        "none", "high_school", "associate", "bachelor", "master"]


@given(st.sampled_from([a for pair in SAME for a in pair]), st.data())
def test_case_spaces_and_dots_do_not_matter(name, data):
    spaced = "".join(ch + data.draw(st.sampled_from(["", " ", "·", "-"])) for ch in name)
    assert key(spaced.upper()) == key(name) or not name.isascii()
    assert vocabulary().skill(spaced) == vocabulary().skill(name)
