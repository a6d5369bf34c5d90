"""Demo organisations and postings for matching: AI-industry association member companies,
서울시 departments offering the city-administration internships on Seoul's administrative data,
a university and a partner, with ~20 postings carrying realistic Korean titles, skills and NCS
codes (정보기술 대분류 20: 0101 정보기술전략·계획, 0102 정보기술개발, 0105 인공지능).

Synthetic data for demonstrations, not real organisations' offers. Idempotent per seed: codes
start with ``DEMO<seed>-`` and a second call adds nothing. Issue 5 §1.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.service import get_user_by_login
from ilja.matching import service
from ilja.matching.models import Candidate, Organisation, Posting
from ilja.matching.profile_input import parse_conditions
from ilja.people.models import Person
from ilja.rules.parameters import default_tree
from ilja.rules.pay import WorkingTime, standard_month

DEMO_ACTOR = audit.Actor("demo:matching", audit.SYSTEM)
ASSOCIATION = "한국인공지능협회"

# (key, name, kind, association, district)
ORGANISATIONS = (
    ("AI1", "(주)한강에이아이", "company", ASSOCIATION, "마포구"),
    ("AI2", "서울비전랩(주)", "company", ASSOCIATION, "강남구"),
    ("AI3", "(주)말결언어기술", "company", ASSOCIATION, "구로구"),
    ("AI4", "데이터숲(주)", "company", "한국데이터산업진흥원 회원사", "금천구"),
    ("CITY1", "서울특별시 디지털정책관 빅데이터담당관", "city_department", None, "중구"),
    ("CITY2", "서울특별시 교통정책과", "city_department", None, "중구"),
    ("CITY3", "서울특별시 기후환경본부 대기정책과", "city_department", None, "중구"),
    ("UNI", "서울시립대학교 산학협력단", "university", None, "동대문구"),
    ("PART", "서울산업진흥원(SBA)", "partner", None, "마포구"),
)

# (organisation key, kind, title, required, preferred, NCS codes, certifications, description)
POSTINGS = (
    ("AI1", "internship_company", "백엔드 개발 인턴 (Python/FastAPI)", "Python, FastAPI, SQL",
     "Docker, AWS", "2001020202_23v5, 20010202", "",
     "사내 AI 서비스의 API 서버를 개발하고 운영합니다. 파이썬 웹 프레임워크 경험자 우대."),
    ("AI1", "internship_company", "MLOps 엔지니어 인턴", "Python, Docker, Kubernetes",
     "MLflow, Linux", "2001010503", "",
     "머신러닝 모델의 학습·배포 파이프라인을 구축합니다."),
    ("AI1", "job", "AI 서비스 백엔드 개발자 (신입)", "Python, Django, PostgreSQL", "Redis",
     "2001020202", "정보처리기사", "AI 추천 서비스의 백엔드를 개발할 신입 개발자를 채용합니다."),
    ("AI2", "internship_company", "컴퓨터 비전 연구 인턴", "Python, PyTorch, OpenCV",
     "딥러닝, 영상처리", "2001010502", "", "영상 인식 모델의 데이터 전처리와 실험을 수행합니다."),
    ("AI2", "internship_company", "데이터 라벨링 품질관리 인턴", "데이터 분석, Excel", "Python",
     "20010105", "", "학습 데이터의 라벨 품질을 검수하고 개선합니다."),
    ("AI2", "job", "프론트엔드 개발자 (React)", "JavaScript, React, TypeScript", "Next.js",
     "2001020203", "", "AI 영상 분석 대시보드의 웹 화면을 개발합니다."),
    ("AI3", "internship_company", "자연어처리(NLP) 엔지니어 인턴", "Python, 자연어처리, PyTorch",
     "LLM, Hugging Face", "2001010502", "", "한국어 언어모델의 미세조정과 평가를 담당합니다."),
    ("AI3", "internship_company", "챗봇 기획 및 데이터 구축 인턴", "기획, 데이터 분석",
     "프롬프트 엔지니어링", "20010105", "", "상담 챗봇의 대화 시나리오와 학습 데이터를 구축합니다."),
    ("AI3", "job", "LLM 응용 개발자", "Python, LLM, LangChain", "벡터 데이터베이스",
     "2001010502_23v3", "", "대규모 언어모델을 활용한 업무 자동화 서비스를 개발합니다."),
    ("AI4", "internship_company", "데이터 엔지니어 인턴", "SQL, Python, ETL", "Airflow, Spark",
     "2001020102", "SQLD", "데이터 파이프라인 구축과 데이터 웨어하우스 운영을 지원합니다."),
    ("AI4", "internship_company", "데이터 분석가 인턴", "SQL, Python, 데이터 분석",
     "Tableau, 통계", "20010105", "ADsP", "고객 데이터 분석과 시각화 보고서를 작성합니다."),
    ("CITY1", "internship_city", "서울시 행정데이터 분석 인턴", "SQL, 데이터 분석, Python",
     "공공데이터, 시각화", "20010105", "",
     "서울시 행정데이터를 분석해 정책 지표를 만들고 열린데이터광장 공개를 지원합니다."),
    ("CITY1", "internship_city", "공공데이터 개방 품질관리 인턴", "데이터 분석, Excel",
     "SQL, 개인정보 비식별화", "2001010501", "", "공공데이터 개방 전 품질 점검과 메타데이터를 정비합니다."),
    ("CITY1", "internship_city", "AI 민원 분류 모델 개발 인턴", "Python, 자연어처리, 머신러닝",
     "PyTorch", "2001010502", "", "응답소 민원 텍스트를 분류하는 AI 모델을 개발합니다."),
    ("CITY2", "internship_city", "교통 빅데이터 분석 인턴", "Python, SQL, 데이터 분석", "GIS, 시각화",
     "20010105", "", "교통카드·따릉이 데이터를 분석해 교통 정책 수립을 지원합니다."),
    ("CITY2", "internship_city", "대중교통 수요예측 모델링 인턴", "Python, 머신러닝, 통계",
     "시계열 분석", "2001010501", "", "버스·지하철 이용 수요를 예측하는 모델을 만듭니다."),
    ("CITY3", "internship_city", "대기질 데이터 시각화 인턴", "Python, 데이터 시각화",
     "GIS, 대시보드", "20010105", "", "미세먼지 측정 데이터를 시각화하는 대시보드를 구축합니다."),
    ("UNI", "internship_company", "AI 융합 연구보조원", "Python, 머신러닝, 데이터 분석",
     "논문 작성", "2001010501", "", "산학협력 AI 연구과제의 데이터 분석과 실험을 보조합니다."),
    ("PART", "job", "스타트업 지원 데이터 매니저", "데이터 분석, Excel, SQL", "기획",
     "2001010501", "", "입주 스타트업 지원사업 데이터를 관리하고 성과를 분석합니다."),
    ("PART", "internship_company", "클라우드 인프라 운영 인턴", "Linux, AWS, 네트워크",
     "Terraform", "2001020303", "리눅스마스터 2급", "클라우드 서버와 네트워크 운영을 지원합니다."),
)


def _living_wage_month(on: dt.date) -> int:
    """A full 8 h × 5 d month at the Seoul living wage (demo internships pay at least that)."""
    tree = default_tree()
    time = WorkingTime(
        int(tree.value("common.working_time.standard_weekly_hours", on)),
        int(tree.value("common.working_time.weekly_holiday_hours_per_standard_week", on)),
        int(tree.value("common.working_time.weekly_holiday_min_weekly_hours", on)),
        Decimal(str(tree.value("common.working_time.weeks_per_month", on))))
    hourly = int(tree.value("common.seoul_living_wage.hourly", on))
    pay = standard_month(hourly, Decimal(time.standard_weekly_hours) / 5, 5, time,
                         where=lambda c, a, b: a if c else b)
    return int(pay.total)


@dataclass
class DemoReport:
    organisations: int
    postings: int


def fill_demo_matching(session: Session, *, seed: int = 2025, round_code: str = "2026-1",
                       starts_on: dt.date = dt.date(2026, 4, 1),
                       actor: audit.Actor = DEMO_ACTOR) -> DemoReport:
    """Create the demo organisations and postings (open, in ``round_code``); seats, districts of
    company postings and pay vary with the seed. A second call with the same seed adds nothing."""
    prefix = f"DEMO{seed}-"
    if session.scalar(select(Organisation.id).where(Organisation.code.like(f"{prefix}%")).limit(1)):
        return DemoReport(0, 0)
    rng = random.Random(seed)
    month = _living_wage_month(starts_on)
    ids: dict[str, int] = {}
    districts: dict[str, str] = {}
    for key, name, kind, association, district in ORGANISATIONS:
        row = service.create_organisation(session, code=f"{prefix}{key}", name=name, kind=kind,
                                          association=association, district=district, actor=actor)
        ids[key], districts[key] = row.id, district
    made = 0
    for n, (key, kind, title, required, preferred, ncs, certs, text) in enumerate(POSTINGS, 1):
        months = rng.choice((3, 4, 6)) if kind != "job" else 0
        ends_on = (starts_on + dt.timedelta(days=30 * months - 1)) if months else None
        pay = month if kind != "job" else rng.randrange(2_800_000, 3_600_001, 100_000)
        service.create_posting(session, service.PostingInput(
            code=f"{prefix}P{n:02d}", organisation_id=ids[key], round_code=round_code, kind=kind,
            title=title, seats=rng.randint(1, 5) if kind != "job" else rng.randint(1, 2),
            description=text, required_skills=required.split(", "),
            preferred_skills=preferred.split(", "), ncs_codes=ncs.split(", "),
            required_certifications=[certs] if certs else [], district=districts[key],
            starts_on=starts_on, ends_on=ends_on, monthly_pay=pay), actor=actor)
        made += 1
    return DemoReport(len(ORGANISATIONS), made)


def demo_postings(session: Session, seed: int = 2025) -> list[Posting]:
    return list(session.scalars(select(Posting).where(Posting.code.like(f"DEMO{seed}-%"))
                                .order_by(Posting.code)))


# --- trainees and ads across every field (issue 23 §5) -------------------------------------------

GOLD_DAY = dt.date(2026, 3, 2)  # the day the dates in data/demo.yaml are written for


def _demo_file() -> dict[str, Any]:
    text = resources.files("ilja.matching").joinpath("data/demo.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@dataclass
class DemoCandidates:
    organisations: int
    postings: int
    candidates: int


def fill_demo_candidates(session: Session, *, seed: int = 2025, round_code: str = "2026-1",
                         coordinator_login: str = "coordinator",
                         actor: audit.Actor = DEMO_ACTOR) -> DemoCandidates:
    """The gold set's ads (electrical, welding, machining, care, café, office and more) as open
    postings and its trainees as candidates in the demo coordinator's caseload, each on a person
    of the synthetic registry; dates move with today so deadlines stay ahead. A second call
    adds nothing."""
    prefix = f"DEMO{seed}-G"
    if session.scalar(select(Posting.id).where(Posting.code.like(f"{prefix}%")).limit(1)):
        return DemoCandidates(0, 0, 0)
    data = _demo_file()
    shift = clock.today() - GOLD_DAY

    def moved(day: dt.date | None) -> dt.date | None:
        return day + shift if day else None

    organisations: dict[str, int] = {}
    for n, (key, ad) in enumerate(data["postings"].items(), 1):
        name = ad["organisation"]
        if name not in organisations:
            kind = "city_department" if name.startswith("서울특별시") else "company"
            organisations[name] = service.create_organisation(
                session, code=f"{prefix}O{len(organisations) + 1:02d}", name=name, kind=kind,
                district=ad["district"], actor=actor).id
        service.create_posting(session, service.PostingInput(
            code=f"{prefix}{key}", organisation_id=organisations[name], round_code=round_code,
            kind=ad["kind"], title=ad["title"], seats=1 + n % 2, description=ad["description"],
            required_skills=ad.get("required_skills", []),
            preferred_skills=ad.get("preferred_skills", []),
            required_certifications=ad.get("required_certifications", []),
            preferred_certifications=ad.get("preferred_certifications", []),
            district=ad["district"], starts_on=moved(ad.get("starts_on")),
            deadline=moved(ad.get("deadline")), monthly_pay=ad.get("monthly_pay"),
            weekly_hours=ad.get("weekly_hours"), shifts=ad.get("shifts", []),
            experience_years=ad.get("experience_years"),
            experience_field=ad.get("experience_field"), education=ad.get("education")),
            actor=actor)
    coordinator = get_user_by_login(session, coordinator_login)
    taken = select(Candidate.person_id)
    people = list(session.scalars(select(Person.id).where(Person.id.not_in(taken))
                                  .order_by(Person.id).limit(len(data["trainees"]))))
    made = 0
    for person_id, trainee in zip(people, data["trainees"].values(), strict=False):
        conditions, problems = parse_conditions({
            **trainee, "available_from": moved(trainee.get("available_from")) or "",
            "experience": ", ".join(f"{f} {y}년" for f, y in trainee.get("experience", []))})
        if problems:
            raise problems[0]
        service.register_candidate(session, service.CandidateInput(
            person_id=person_id, training_status="completed",
            description=f"{trainee['course']}. {trainee['description']}",
            skills=trainee["skills"], certifications=trainee.get("certifications", []),
            coordinator_user_id=coordinator.id if coordinator else None,
            conditions=conditions), actor=actor)
        made += 1
    return DemoCandidates(len(organisations), len(data["postings"]), made)
