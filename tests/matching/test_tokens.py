"""Korean tokenisation on real course and job titles."""

from __future__ import annotations

from ilja.matching.tokens import analyse_many, tokenize, tokenize_many


def test_course_title():
    assert tokenize("AI 융합 데이터 분석가 과정") == ["ai", "융합", "데이터", "분석가", "과정"]


def test_job_title_keeps_backend_whole_as_its_skill_and_lowercases_tools():
    assert tokenize("백엔드 개발자 (Python/Django)") == ["backend", "개발자", "python", "django"]


def test_korean_spelling_of_a_tool_is_the_same_term():
    assert tokenize("파이썬 장고 백엔드") == ["python", "django", "backend"]
    assert tokenize("자바 스프링 개발자를 모집합니다") == ["java", "spring", "개발자", "모집"]
    assert tokenize("타입스크립트") == tokenize("TypeScript") == ["typescript"]


def test_particles_and_endings_are_dropped():
    assert tokenize("클라우드 기반 MLOps 엔지니어 양성 과정입니다") == [
        "cloud", "기반", "mlops", "엔지니어", "양성", "과정"]


def test_numbers_keep_their_unit():
    assert "3년" in tokenize("바리스타 경력 3년 이상")


def test_many_texts_each_analysed_once_and_in_order():
    texts = ["프론트엔드 React 개발", "", "프론트엔드 React 개발", "정보처리기사 자격증"]
    assert tokenize_many(texts) == [["frontend", "react", "개발"], [],
                                    ["frontend", "react", "개발"], ["정보처리기사", "자격증"]]


def test_skills_found_in_text_by_vocabulary():
    [(_, skills)] = analyse_many(["타입스크립트와 리액트로 프런트엔드를, 알곤 용접도 했습니다"])
    assert skills == ["typescript", "react", "frontend", "tig_welding"]
