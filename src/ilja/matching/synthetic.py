"""Synthetic candidates and postings for the benchmark, the demo and tests.

Texts are assembled from course and job vocabulary of the Youth Job Academy (AI 핵심 / AI 융합
courses, seoul-2025-jobs-plan §1); NCS codes are in the real format (정보통신 대분류 20, 정보기술 중분류
01) but the pool is a small illustrative set, not the official classification.
"""

from __future__ import annotations

import numpy as np

from ilja.matching.fit import CandidateProfile, PostingProfile

DISTRICTS = ("강남구", "강동구", "강북구", "강서구", "관악구", "광진구", "구로구", "금천구", "노원구",
             "도봉구", "동대문구", "동작구", "마포구", "서대문구", "서초구", "성동구", "성북구",
             "송파구", "양천구", "영등포구", "용산구", "은평구", "종로구", "중구", "중랑구")

# Tracks: (course title, skills taught, NCS 세분류, NCS 능력단위 of the course)
TRACKS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("AI 융합 데이터 분석가 과정", ("Python", "SQL", "데이터 분석", "pandas", "시각화"),
     "20010105", ("2001010501", "2001010502", "2001010503")),
    ("백엔드 개발자 양성 과정 (Python/Django)", ("Python", "Django", "SQL", "Git", "Docker"),
     "20010202", ("2001020201", "2001020202", "2001020205")),
    ("자바 스프링 풀스택 개발 과정", ("Java", "Spring", "React", "SQL", "Git"),
     "20010202", ("2001020202", "2001020203", "2001020204")),
    ("클라우드 기반 MLOps 엔지니어 과정", ("AWS", "Docker", "Kubernetes", "Linux", "Python"),
     "20010208", ("2001020801", "2001020802")),
    ("생성형 AI 서비스 기획 과정", ("프롬프트", "LLM", "서비스 기획", "데이터 분석"),
     "20010101", ("2001010101", "2001010102")),
    ("정보보안 전문가 과정", ("보안", "Linux", "네트워크", "Python"),
     "20010206", ("2001020601", "2001020602")),
    ("UI/UX 디자인과 프론트엔드 개발", ("React", "JavaScript", "디자인", "Figma"),
     "20010207", ("2001020701", "2001020702")),
    ("머신러닝·딥러닝 엔지니어 과정", ("Python", "PyTorch", "TensorFlow", "머신러닝", "딥러닝"),
     "20010105", ("2001010504", "2001010505")),
)

JOB_TITLES = ("주니어 백엔드 개발자", "데이터 분석 인턴", "AI 서비스 기획자", "클라우드 엔지니어",
              "프론트엔드 개발자", "보안 관제 요원", "머신러닝 엔지니어", "행정데이터 분석 인턴")
PHRASES = ("프로젝트 경험", "팀 협업", "문제 해결", "공공데이터 활용", "웹 서비스 개발", "API 설계",
           "데이터 시각화", "모델 학습", "서비스 운영", "고객 응대", "문서 작성", "발표")
CERTIFICATIONS = ("정보처리기사", "빅데이터분석기사", "SQLD", "ADsP", "AWS SAA", "정보보안기사")


def candidates(n: int, rng: np.random.Generator) -> list[CandidateProfile]:
    """``n`` trainees, each from one course track, with a short Korean self-description."""
    result = []
    for i in range(n):
        title, skills, sub, units = TRACKS[int(rng.integers(len(TRACKS)))]
        extra = rng.choice(PHRASES, size=3, replace=False)
        text = f"{title} 수료. {skills[0]}와 {skills[-1]} 활용, " + ", ".join(extra) + " 경험이 있습니다."
        n_units = int(rng.integers(1, len(units) + 1))
        certs = tuple(rng.choice(CERTIFICATIONS, size=int(rng.integers(0, 3)), replace=False))
        districts = tuple(rng.choice(DISTRICTS, size=int(rng.integers(0, 3)), replace=False))
        result.append(CandidateProfile(
            id=f"cand-{i:06d}", text=text, skills=skills,
            ncs_codes=tuple(units[:n_units]), certifications=certs,
            preferred_districts=districts, preferred_fields=(sub[:4],) if i % 3 else ()))
    return result


def postings(n: int, rng: np.random.Generator) -> list[PostingProfile]:
    """``n`` internship and job postings across Seoul's districts."""
    result = []
    for j in range(n):
        title, skills, sub, units = TRACKS[int(rng.integers(len(TRACKS)))]
        job = JOB_TITLES[int(rng.integers(len(JOB_TITLES)))]
        need = tuple(rng.choice(skills, size=min(len(skills), int(rng.integers(1, 4))),
                                replace=False))
        nice = tuple(rng.choice(PHRASES, size=2, replace=False))
        certs = (tuple(rng.choice(CERTIFICATIONS, size=1)) if rng.random() < 0.2 else ())
        codes = (sub,) if rng.random() < 0.5 else tuple(units[: int(rng.integers(1, 3))])
        result.append(PostingProfile(
            id=f"post-{j:05d}", text=f"{job} 모집 — {title} 수료생 우대. " + " ".join(nice),
            required_skills=need, preferred_skills=nice, ncs_codes=codes,
            required_certifications=certs,
            district=str(DISTRICTS[int(rng.integers(len(DISTRICTS)))])))
    return result
