"""``ilja match run --round R``, confirm, verify and hires on a real database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ilja.cli import app
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from tests.matching.test_service_db import COORDINATOR, _setup

runner = CliRunner()


@pytest.fixture
def configured(database_url, monkeypatch):
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_run_confirm_verify(configured):
    with transaction(engine_for(configured)) as session:
        _setup(session)
    result = runner.invoke(app, ["match", "run", "--round", "2026-1", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["matched"] == 2 and summary["blocking_pairs"] == 0
    assert runner.invoke(app, ["match", "verify", str(summary["run_id"])]).exit_code == 0
    assert runner.invoke(app, ["match", "confirm", str(summary["run_id"])]).exit_code == 0
    again = runner.invoke(app, ["match", "confirm", str(summary["run_id"])])
    assert again.exit_code == 1 and "already confirmed" in again.output
    missing = runner.invoke(app, ["match", "run", "--round", "nope"])
    assert missing.exit_code == 1 and "no open seats" in missing.output
    assert COORDINATOR.role == "job_coordinator"


def test_import_postings(configured, tmp_path):
    from tests.matching.test_catalogue import HEADERS_EN, HEADERS_KO, _row, _write_csv

    with transaction(engine_for(configured)) as session:
        _setup(session)
    bad = _write_csv(tmp_path / "bad.csv", [HEADERS_KO, _row("I-1"), _row("I-2", ncs="99")])
    result = runner.invoke(app, ["match", "import-postings", str(bad), "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert problems == [{"row": 3, "column": "NCS코드", "reason": problems[0]["reason"]}]
    text = runner.invoke(app, ["match", "import-postings", str(bad)])
    assert text.exit_code == 1 and "NCS코드" in text.output
    good = _write_csv(tmp_path / "good.csv", [HEADERS_EN, _row("I-1"), _row("I-2")])
    result = runner.invoke(app, ["match", "import-postings", str(good), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"created": ["I-1", "I-2"], "updated": []}
    missing = runner.invoke(app, ["match", "import-postings", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_posting_template_imports_back(configured, tmp_path, suffix):
    from ilja.matching import service

    path = tmp_path / f"template{suffix}"
    assert runner.invoke(app, ["match", "posting-template", str(path)]).exit_code == 0
    with transaction(engine_for(configured)) as session:
        service.create_organisation(session, code="AI-0001", name="(주)예시", kind="company",
                                    association="한국인공지능협회", actor=COORDINATOR)
    result = runner.invoke(app, ["match", "import-postings", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == ["P-2026-001"]


def test_proposals_are_reviewed_and_decided_one_by_one(configured):
    with transaction(engine_for(configured)) as session:
        _setup(session)
    result = runner.invoke(app, ["match", "run", "--round", "2026-1", "--format", "json"])
    run_id = json.loads(result.stdout)["run_id"]
    listed = runner.invoke(app, ["match", "proposals", str(run_id), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["proposals"]
    assert rows and {"organisation", "district", "monthly_pay", "deadline",
                     "skills_met"} <= set(rows[0])
    first, *rest = rows
    refused = runner.invoke(app, ["match", "decide", str(first["proposal"]), "veto"])
    assert refused.exit_code == 1 and "veto says why" in refused.output
    vetoed = runner.invoke(app, ["match", "decide", str(first["proposal"]), "veto",
                                 "--reason", "기업이 다른 직무를 원함"])
    assert vetoed.exit_code == 0, vetoed.output
    for row in rest:
        assert runner.invoke(app, ["match", "decide", str(row["proposal"]), "confirm"]).exit_code == 0
    text = runner.invoke(app, ["match", "proposals", str(run_id)])
    assert "vetoed" in text.output
    report = runner.invoke(app, ["match", "acceptance", "--format", "json"])
    assert report.exit_code == 0, report.output
    postings = json.loads(report.stdout)["postings"]
    assert sum(r["proposals"].get("vetoed", 0) for r in postings) == 1


WORK24 = """구인인증번호,회사명,사업자등록번호,채용제목,임금형태,최소임금액,근무지역,근무형태,최소학력,경력,마감일,고용형태,직종코드
K151212603200001,대명전기공사,123-45-67890,내선 전기공사 보조 (전기기능사 우대),월급,2700000,서울 성북구 동소문로,주5일근무,학력무관,신입,26-03-15,10,
K151212603200002,연희동커피,234-56-78901,주말 바리스타,시급,10320,서울 서대문구 연희로,주말근무,학력무관,관계없음,채용시까지,21,
K151212603200003,(주)구름인프라,345-67-89012,클라우드 엔지니어,연봉,4800만원,서울 영등포구,주5일근무,대졸(4년),경력 3년 이상,2026-03-31,10,
"""  # noqa: E501 — a Work24 export kept as the file has it: one posting a row, unbroken


def test_import_work24(configured, tmp_path):
    from ilja.matching import service

    path = tmp_path / "work24.csv"
    path.write_text(WORK24, encoding="utf-8")
    result = runner.invoke(app, ["match", "import-work24", str(path), "--round", "2026-2",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["created"]) == 3
    with transaction(engine_for(configured)) as session:
        cafe = service.posting_by_code(session, "W24-K151212603200002")
        cloud = service.posting_by_code(session, "W24-K151212603200003")
        assert (cafe.district, cafe.monthly_pay, cafe.deadline, cafe.shifts) == (
            "서대문구", 10320 * 209, None, ["weekend"])
        assert (cloud.monthly_pay, cloud.education, cloud.experience_years) == (
            4_000_000, "bachelor", 3)
        assert str(cloud.deadline) == "2026-03-31"
    bad = tmp_path / "bad.csv"
    bad.write_text(WORK24.replace("대졸(4년)", "대학원 수료"), encoding="utf-8")
    refused = runner.invoke(app, ["match", "import-work24", str(bad), "--round", "2026-2"])
    assert refused.exit_code == 1 and "row 4" in refused.output
