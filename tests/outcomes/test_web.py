"""The outcomes dashboard, drill-down, API and reports through the app (SQLite; the SQL itself is
checked on both databases in test_service_db.py): valid pages, the right numbers, audited
drill-down, and XLSX/PDF read back."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.outcomes import dashboard, queries
from ilja.outcomes.demo_data import fill_demo_outcomes
from ilja.outcomes.rates import cohort_for, definition
from tests.conftest import app_database
from tests.support import site as support_site
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"
YEAR = 2025
AS_OF = dt.date(2025, 12, 15)


class Site(support_site.Site):
    def download(self, role: str, fmt: str, **params):
        return self.client.get(f"/outcomes/report.{fmt}", params=params,
                               headers={"Authorization": f"Bearer {self.tokens[role]}"})

    def audit(self, action: str) -> list[AuditRecord]:
        with transaction(engine_for(self.url)) as session:
            return list(session.execute(select(AuditRecord).where(AuditRecord.action == action)
                                        .order_by(AuditRecord.sequence)).scalars())


def outcomes_and_users(url: str) -> dict[str, str]:
    """The demo's outcomes and one user per role; their API tokens."""
    tokens = {}
    with transaction(engine_for(url)) as session:
        fill_demo_outcomes(session, seed=11, scale=0.05, as_of=AS_OF)
        for role in Role:
            user = accounts.create_user(session, login=role.value, password=PASSWORD, role=role,
                                        display_name=role.label_ko,
                                        site_code="campus.mapo" if role is Role.OPERATOR else None)
            tokens[role.value] = accounts.issue_token(session, user, "test")[1]
    return tokens


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.web.app import create_app

    with app_database(tmp_path_factory.mktemp("outcomes-web")) as url:
        tokens = outcomes_and_users(url)
        with TestClient(create_app()) as client:
            yield Site(client, url, tokens)


def expected(site: Site, name: str = "cumulative_rate"):
    on = min(clock.today(), dt.date(YEAR, 12, 31))
    rule = definition(name, on)
    with transaction(engine_for(site.url)) as session:
        return queries.headline(session, rule, cohort_for(rule, year=YEAR, as_of=on))


def test_dashboard_page_shows_rates_targets_and_charts_with_tables(site):
    site.log_in("program_manager")
    response = site.client.get("/outcomes", params={"year": YEAR})
    assert response.status_code == 200
    page = check_page(response.text)
    assert page.problems == []
    head = expected(site)
    card = re.search(r'id="rate-cumulative_rate".*?</li>', response.text, re.S).group(0)
    assert f"취업 {head.numerator:,}명 / 대상 {head.denominator:,}명" in card
    assert f"{head.percent}%" in card
    for key in ("goals", "breakdown", "months", "years", "kpis"):
        assert f'id="table-{key}"' in response.text
    assert response.text.count('<figure class="ilja-figure ilja-bars"') == 4 and "data:image" not in response.text
    assert len(response.content) < 150_000  # charts as page text and small inline bars, no images
    assert "연간 교육인원" in response.text and "서울 AI 얼라이언스 참여기관" in response.text
    assert "/outcomes/report.xlsx" in response.text
    english = site.client.get("/outcomes", params={"year": YEAR, "lang": "en", "dimension": "district"})
    assert "Cumulative employment rate by district" in english.text
    site.client.get("/outcomes", params={"lang": "ko"})


def test_drill_down_lists_the_numerator_and_is_audited(site):
    # a rate's members are people, scoped like them: the program manager sees them all
    site.log_in("program_manager")
    head = expected(site)
    before = len(site.audit("outcome.drilldown"))
    response = site.client.get("/outcomes/members", params={"definition": "cumulative_rate", "year": YEAR,
                                                            "status": "counted"})
    assert response.status_code == 200 and check_page(response.text).problems == []
    assert f"대상자 {head.numerator}명" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    entries = site.audit("outcome.drilldown")
    assert len(entries) == before + 1 and entries[-1].actor_role == "program_manager"
    site.log_in("job_coordinator")  # campus records of nobody in the coordinator's caseload
    mine = site.client.get("/outcomes/members", params={"definition": "cumulative_rate", "year": YEAR,
                                                        "status": "counted"})
    assert mine.status_code == 200 and f"대상자 {head.numerator}명" not in mine.text


def test_drill_down_needs_the_people_permission(site):
    assert site.api("admin", "GET", "/outcomes/rates/cumulative_rate/members").status_code == 403
    assert site.api("job_coordinator", "GET", "/outcomes/rates/nope/members").status_code == 404
    body = site.api("auditor", "GET", "/outcomes/rates/cumulative_rate/members",
                    params={"year": YEAR, "status": "counted", "limit": 1000}).json()
    assert body["total"] == expected(site).numerator


def test_api_dashboard_matches_the_queries(site):
    body = site.api("operator", "GET", "/outcomes/dashboard", params={"year": YEAR}).json()
    rates = {r["definition"]: r for r in body["rates"]}
    for name in ("cumulative_rate", "midterm_rate", "target_rate"):
        head = expected(site, name)
        assert (rates[name]["numerator"], rates[name]["denominator"]) == (head.numerator, head.denominator)
    keys = {k["key"] for k in body["kpis"]}
    assert "youth_academy:trainees_per_year:2030:target" in keys
    assert any(g["key"] == "youth_academy:ai_alliance_members:2030:target" for g in body["goals_2030"])


def test_recording_an_outcome_through_the_api(site):
    with transaction(engine_for(site.url)) as session:
        from ilja.outcomes.models import Participation

        pid = session.execute(select(Participation.id).where(Participation.status == "completed",
                                                             Participation.campus_code.is_not(None))
                              ).scalars().first()
    body = {"kind": "looking", "effective_on": "2025-12-01"}
    outside = site.api("job_coordinator", "POST", f"/outcomes/participations/{pid}/outcomes", json=body)
    assert outside.status_code == 404  # a campus's record, of nobody in the coordinator's caseload
    with transaction(engine_for(site.url)) as session:  # counted from a city report: the city's
        session.get(Participation, pid).campus_code = None
    ok = site.api("job_coordinator", "POST", f"/outcomes/participations/{pid}/outcomes",
                  json={"kind": "employed", "effective_on": "2025-12-01", "recorded_on": "2025-12-02",
                        "employer": "(주)서울", "contract_type": "permanent", "source": "coordinator_verified"})
    assert ok.status_code == 201, ok.text
    bad = site.api("job_coordinator", "POST", f"/outcomes/participations/{pid}/outcomes",
                   json={"kind": "employed", "effective_on": "2025-12-01", "contract_type": "permanent"})
    assert bad.status_code == 422 and "employer" in bad.text
    missing = site.api("job_coordinator", "POST", "/outcomes/participations/999999/outcomes",
                       json={"kind": "looking", "effective_on": "2025-12-01"})
    assert missing.status_code == 404
    assert site.api("auditor", "POST", f"/outcomes/participations/{pid}/outcomes",
                    json={"kind": "looking", "effective_on": "2025-12-01"}).status_code == 403


def test_xlsx_report_holds_the_numbers(site):
    from openpyxl import load_workbook

    response = site.download("program_manager", "xlsx", year=YEAR)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    book = load_workbook(io.BytesIO(response.content))
    assert "요약" in book.sheetnames and "청년취업사관학교" in book.sheetnames
    summary = list(book["요약"].iter_rows(values_only=True))
    row = next(r for r in summary if r[0] == "누적 취업률")
    head = expected(site)
    assert (row[4], row[5]) == (head.numerator, head.denominator)
    assert row[7] == pytest.approx(float(head.percent))
    goal = next(r for r in summary if r[0] == "연간 교육인원" and r[2] == 2030)
    assert goal[4] == 10000 and goal[7] == 10000 - goal[5]
    assert site.download("operator", "xlsx").status_code == 403
    assert site.audit("outcome.report.generated")


def test_pdf_report_embeds_the_font_and_holds_the_numbers(site):
    from pypdf import PdfReader

    response = site.download("program_manager", "pdf", year=YEAR)
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    head = expected(site)
    assert "누적 취업률" in text and f"{head.percent}" in text and f"{head.denominator:,}" in text
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()
             for f in [f.get_object()]}
    assert any("Pretendard" in f for f in fonts)
    assert len(reader.pages) >= 5
    assert "2030" in text and "2,030" not in text  # the goal year of the KPI table, written as a year


def test_dashboard_view_model_breakdowns_add_up(site):
    with transaction(engine_for(site.url)) as session:
        d = dashboard.build(session, year=YEAR, as_of=AS_OF)
    cumulative = d.rates[0].group
    assert sum(g.numerator for g in d.breakdown) == cumulative.numerator
    assert sum(g.denominator for g in d.breakdown) == cumulative.denominator
