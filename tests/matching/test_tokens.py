"""Korean tokenisation on real course and job titles."""

from __future__ import annotations

from ilja.matching.tokens import skill_terms, tokenize, tokenize_many


def test_course_title():
    assert tokenize("AI 융합 데이터 분석가 과정") == ["ai", "융합", "데이터", "분석가", "과정"]


def test_job_title_keeps_backend_whole_and_lowercases_tools():
    assert tokenize("백엔드 개발자 (Python/Django)") == ["백엔드", "개발자", "python", "django"]


def test_korean_spelling_of_a_tool_is_the_same_term():
    assert tokenize("파이썬 장고 백엔드") == ["python", "django", "백엔드"]
    assert tokenize("자바 스프링 개발자를 모집합니다") == ["java", "spring", "개발자", "모집"]


def test_particles_and_endings_are_dropped():
    assert tokenize("클라우드 기반 MLOps 엔지니어 양성 과정입니다") == [
        "클라우드", "기반", "mlops", "엔지니어", "양성", "과정"]


def test_many_texts_each_analysed_once_and_in_order():
    texts = ["프론트엔드 React 개발", "", "프론트엔드 React 개발", "정보처리기사 자격증"]
    assert tokenize_many(texts) == [["프론트엔드", "react", "개발"], [],
                                    ["프론트엔드", "react", "개발"], ["정보처리기사", "자격증"]]


def test_skill_terms():
    assert skill_terms(["Python", "데이터 분석", " "]) == ["python", "데이터", "분석"]
