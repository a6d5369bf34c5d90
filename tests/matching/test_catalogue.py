"""Organisations, postings (create, update, close), the trainee's own profile, the posting import
and the demo data — on SQLite and PostgreSQL; the row checks of the import as pure logic."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import func, select

from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.matching import importing, service
from ilja.matching.demo_data import POSTINGS, demo_postings, fill_demo_matching
from ilja.matching.errors import MatchingInputError
from ilja.matching.models import Organisation, Posting
from ilja.matching.posting_input import (
    PostingFields,
    normalise_ncs_code,
    parse_rows,
    posting_problems,
)
from ilja.matching.service import CandidateInput, PostingInput
from tests.matching.test_service_db import COORDINATOR, _setup
from tests.publicjobs.factories import add_person

HEADERS_KO = ["공고코드", "기관코드", "회차", "유형", "공고명", "모집인원", "필수역량", "우대역량",
              "NCS코드", "자격증", "근무지역", "시작일", "종료일", "월급여", "설명"]
HEADERS_EN = ["code", "organisation_code", "round", "kind", "title", "seats", "required_skills",
              "preferred_skills", "ncs_codes", "certifications", "district", "starts_on",
              "ends_on", "monthly_pay", "description"]


def _row(code: str = "IMP-1", org: str = "ORG-1", **over: object) -> list[object]:
    values = {"code": code, "org": org, "round": "2026-1", "kind": "기업 인턴십",
              "title": "데이터 엔지니어 인턴", "seats": "2", "required": "SQL, Python",
              "preferred": "Airflow", "ncs": "2001020102_23v5; 20010105", "certs": "SQLD",
              "district": "금천구", "start": "2026-04-01", "end": "2026.09.30",
              "pay": "2,461,811", "text": "데이터 파이프라인을 만듭니다."}
    values.update(over)
    return list(values.values())


# --- pure checks ---------------------------------------------------------------------------------

def test_ncs_codes_keep_their_version():
    assert normalise_ncs_code("2001020202", "x") == "2001020202"
    assert normalise_ncs_code("20010202", "x") == "20010202"
    assert normalise_ncs_code("2001020202_23v5", "x") == "2001020202_23v5"
    assert normalise_ncs_code("2001020202 v3", "x") == "2001020202_v3"
    for bad in ("2001", "200102020X", "2001020202_version"):
        with pytest.raises(MatchingInputError) as caught:
            normalise_ncs_code(bad, "ncs_codes[0]")
        assert caught.value.location == "ncs_codes[0]"


def test_posting_problems_name_every_field():
    _, problems = posting_problems(PostingFields(
        round_code="", kind="internship", title=" ", seats=0, ncs_codes=["1234"],
        district="부산진구", monthly_pay=-1, starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 4, 1)))
    assert {p.location for p in problems} == {
        "round_code", "kind", "title", "seats", "ncs_codes[0]", "district", "monthly_pay",
        "ends_on"}
    cleaned, none = posting_problems(PostingFields(
        round_code="2026-1", kind="행정인턴", title="분석", seats=1, district="Mapo-gu",
        required_skills=["SQL", " SQL ", ""]))
    assert not none and cleaned.kind == "internship_city" and cleaned.district == "마포구"
    assert cleaned.required_skills == ["SQL"]


@pytest.mark.parametrize("headers", [HEADERS_KO, HEADERS_EN])
def test_rows_with_korean_or_english_headers(headers):
    rows, problems = parse_rows([headers, _row(), _row("IMP-2", kind="job", pay="")])
    assert problems == []
    assert [r.code for r in rows] == ["IMP-1", "IMP-2"]
    first = rows[0].fields
    assert first.kind == "internship_company" and first.monthly_pay == 2_461_811
    assert first.ncs_codes == ["2001020102_23v5", "20010105"]
    assert first.ends_on == dt.date(2026, 9, 30) and rows[1].fields.monthly_pay is None


def test_bad_rows_say_row_column_and_reason():
    rows, problems = parse_rows([HEADERS_KO, _row(), _row("IMP-1"), _row("IMP-3", seats="세 명",
                                 ncs="12", district="해운대구", start="4월")])
    by_row = {(r, c) for r, c, _ in problems}
    assert (3, "공고코드") in by_row  # duplicate code
    assert {(4, "모집인원"), (4, "NCS코드"), (4, "근무지역"), (4, "시작일")} <= by_row
    assert [r.code for r in rows] == ["IMP-1"]
    _, header_problems = parse_rows([["공고코드", "색상"], ["X", "빨강"]])
    assert (1, "색상", "unknown column") in header_problems
    assert any("required column missing" in reason for _, _, reason in header_problems)


# --- database ------------------------------------------------------------------------------------

def test_organisations_and_postings_are_created_updated_and_closed(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        uni = service.create_organisation(session, code="UNI-1", name="서울시립대학교",
                                          kind="university", district="Dongdaemun-gu",
                                          actor=COORDINATOR)
        assert uni.district == "동대문구"
        with pytest.raises(MatchingInputError) as caught:
            service.create_organisation(session, code="UNI-1", name="다른 대학", kind="university",
                                        actor=COORDINATOR)
        assert caught.value.location == "code"
        service.update_organisation(session, s["org"].id, name="(주)서울AI랩", kind="company",
                                    association="한국인공지능협회", district="강남구",
                                    actor=COORDINATOR)
        posting = service.create_posting(session, PostingInput(
            code="P-NLP", organisation_id=uni.id, round_code="2026-1", kind="job",
            title="자연어처리 연구원", seats=1, ncs_codes=["2001010502_23v3"]), actor=COORDINATOR)
        assert posting.ncs_codes == ["2001010502_23v3"]
        with pytest.raises(MatchingInputError) as caught:
            service.update_posting(session, posting.id, PostingFields(
                round_code="2026-1", kind="job", title="자연어처리 연구원", seats=0),
                actor=COORDINATOR)
        assert caught.value.location == "seats"
        service.update_posting(session, posting.id, PostingFields(
            round_code="2026-1", kind="job", title="자연어처리 연구원 (LLM)", seats=3,
            required_skills=["Python", "LLM"]), actor=COORDINATOR)
        service.close_posting(session, s["data"].id, actor=COORDINATOR)
        service.close_posting(session, s["data"].id, actor=COORDINATOR)
        fits = service.fit_list(session, s["analyst"].id, on=dt.date(2026, 3, 2),
                                actor=COORDINATOR)
        assert s["data"].id not in {f["posting"].id for f in fits}
    with transaction(engine_for(database_url)) as session:
        stored = session.get(Posting, posting.id)
        assert (stored.title, stored.seats, stored.required_skills) == (
            "자연어처리 연구원 (LLM)", 3, ["Python", "LLM"])
        assert session.get(Organisation, s["org"].id).name == "(주)서울AI랩"
        actions = [a for a, in session.execute(select(AuditRecord.action))]
        assert actions.count("matching.posting.close") == 1
        assert {"matching.organisation.update", "matching.posting.update"} <= set(actions)


def test_own_profile_is_checked_and_touches_only_the_own_record(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        other_before = s["analyst"].description
        row = service.update_own_profile(
            session, person_id=s["dev"].person_id, description="  FastAPI로 API를 만들었습니다 ",
            preferred_districts="마포구, Gangnam-gu", preferred_fields=["20", "2001"],
            actor=COORDINATOR)
        assert row.id == s["dev"].id and row.description == "FastAPI로 API를 만들었습니다"
        assert row.preferred_districts == ["마포구", "강남구"]
        with pytest.raises(MatchingInputError) as caught:
            service.update_own_profile(session, person_id=s["dev"].person_id, description="",
                                       preferred_districts=[], preferred_fields=["200101"],
                                       actor=COORDINATOR)
        assert caught.value.location == "preferred_fields[0]"
        with pytest.raises(service.NotFound):
            service.update_own_profile(session, person_id=add_person(session), description="",
                                       preferred_districts=[], preferred_fields=[],
                                       actor=COORDINATOR)
        assert service.get_candidate(session, s["analyst"].id).description == other_before
        service.register_candidate(session, CandidateInput(person_id=add_person(session)),
                                   actor=COORDINATOR)


def _write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_import_writes_all_rows_or_nothing(database_url, tmp_path):
    bad = _write_csv(tmp_path / "bad.csv", [HEADERS_KO, _row("IMP-1"), _row("IMP-2", org="NOPE"),
                                            _row("IMP-3", seats="0")])
    with transaction(engine_for(database_url)) as session:
        _setup(session)
    with (pytest.raises(importing.ImportProblems) as caught,
          transaction(engine_for(database_url)) as session):
        importing.import_postings(session, importing.read_table(bad), actor=COORDINATOR)
    assert [(r, c) for r, c, _ in caught.value.problems] == [(3, "기관코드"),
                                                             (4, "모집인원")]
    with transaction(engine_for(database_url)) as session:
        assert session.scalar(select(func.count(Posting.id))) == 2
    good = _write_csv(tmp_path / "good.csv", [HEADERS_KO, _row("IMP-1"), _row("P-BE", seats="4")],
                      encoding="cp949")
    with transaction(engine_for(database_url)) as session:
        report = importing.import_postings(session, importing.read_table(good), actor=COORDINATOR)
    assert (report.created, report.updated) == (["IMP-1"], ["P-BE"])
    with transaction(engine_for(database_url)) as session:
        assert service.posting_by_code(session, "P-BE").seats == 4
        assert service.posting_by_code(session, "IMP-1").district == "금천구"


def test_import_reads_xlsx(database_url, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS_EN)
    sheet.append(_row("X-1", seats=3, start=dt.datetime(2026, 4, 1), pay=2_500_000))
    book.save(tmp_path / "postings.xlsx")
    with transaction(engine_for(database_url)) as session:
        _setup(session)
        report = importing.import_postings(session, importing.read_table(
            tmp_path / "postings.xlsx"), actor=COORDINATOR)
        posting = service.posting_by_code(session, "X-1")
    assert report.created == ["X-1"]
    assert (posting.seats, posting.starts_on, posting.monthly_pay) == (
        3, dt.date(2026, 4, 1), 2_500_000)


def test_demo_matching_is_idempotent_per_seed(database_url):
    with transaction(engine_for(database_url)) as session:
        first = fill_demo_matching(session, seed=7)
        assert first.postings == len(POSTINGS) >= 20 and first.organisations >= 8
        assert fill_demo_matching(session, seed=7).postings == 0
        postings = demo_postings(session, 7)
        kinds = {p.kind for p in postings}
        assert kinds == {"internship_company", "internship_city", "job"}
        orgs = {o.kind for o in service.list_organisations(session)}
        assert {"company", "city_department", "university"} <= orgs
        assert all(p.ncs_codes and p.required_skills and p.monthly_pay for p in postings)
        other = fill_demo_matching(session, seed=8)
        assert other.postings == len(POSTINGS)
        assert [p.seats for p in demo_postings(session, 7)] == [p.seats for p in postings]


def test_demo_postings_can_be_matched(database_url):
    from ilja.matching import runs

    with transaction(engine_for(database_url)) as session:
        fill_demo_matching(session)
        service.set_course_tags(session, course_code="AI-DA", course_name="AI 융합 데이터 분석가 과정",
                                skills=["Python", "SQL", "데이터 분석"], ncs_codes=["2001010501"])
        for text in ("서울시 행정데이터로 정책 지표를 분석했습니다", "교통 데이터 시각화 프로젝트"):
            service.register_candidate(session, CandidateInput(
                person_id=add_person(session), course_code="AI-DA", description=text),
                actor=COORDINATOR)
        run = runs.run_matching(session, round_code="2026-1", on=dt.date(2026, 3, 2),
                                seed=b"d" * 16, actor=COORDINATOR)
        assert run.matched == 2 and run.blocking_pairs == 0
