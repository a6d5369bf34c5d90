"""A saved round is edited on the web: a draft whole, an open round's title and a later closing
time only (the page says so), a closed one not at all; absurd dates and codes are refused in the
page's language with each field named by its label; opening asks first; the public notice names
units by their names, never by their codes."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.applications.factories import MANAGER, round_input
from tests.web.html_check import check_page

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications import rounds
from ilja.applications.errors import InvalidRound
from ilja.applications.models import Round, RoundStatus, UnitKind
from ilja.db import engine_for, transaction

KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def web(database_url, tmp_path, monkeypatch):
    """The app on an empty migrated database (SQLite and PostgreSQL) and a manager's token."""
    from ilja.config import get_settings
    from ilja.web.app import create_app

    url = database_url
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login="manager", password="correct-horse-9",
                                    role=Role.PROGRAM_MANAGER, display_name="담당자")
        token = accounts.issue_token(session, user, "test")[1]
    yield url, TestClient(create_app()), {"Authorization": f"Bearer {token}"}
    get_settings.cache_clear()


def _form(**changes: str) -> dict[str, str]:
    today = clock.today()
    return {"program_code": "companion_jobs", "title": "2027 상반기 동행일자리 (마포구)",
            "announced_on": today.isoformat(), "opens_at": f"{today.isoformat()}T09:00",
            "closes_at": f"{(today + dt.timedelta(days=14)).isoformat()}T18:00",
            "starts_on": (today + dt.timedelta(days=40)).isoformat(), "max_preferences": "1",
            "units": "care, 돌봄 분야, \np1, 어린이집 안전, 2, care\np2, 경로당 돌봄, 1, care", **changes}


def _draft(url: str) -> int:
    with transaction(engine_for(url)) as session:
        return rounds.create_round(session, round_input(), actor=MANAGER).id


def test_absurd_dates_and_codes_are_refused():
    data = round_input(announced=dt.date(1900, 1, 1), starts=dt.date(9999, 12, 31),
                       units=[rounds.UnitInput("<script>alert(1)</script>", "x", seats=1)])
    with pytest.raises(InvalidRound) as refused:
        rounds.validate_round(data)
    fields = dict(refused.value.problems_ko)
    assert "2020-01-01" in fields["announced_on"]
    assert set(fields) >= {"announced_on", "starts_on", "units[0].code"}
    far = round_input(opens_at=dt.datetime(2025, 6, 1, 9, tzinfo=KST),
                      closes_at=dt.datetime(9999, 12, 31, 23, 59, tzinfo=KST))
    with pytest.raises(InvalidRound) as refused:
        rounds.validate_round(far)
    assert dict(refused.value.problems)["closes_at"] == "the application window cannot last more than a year"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(announced=st.dates(), starts=st.dates(),
       opens=st.datetimes(timezones=st.just(KST)), closes=st.datetimes(timezones=st.just(KST)),
       code=st.text(max_size=70))
def test_any_dates_and_codes_are_accepted_or_refused_never_an_error(announced, starts, opens, closes, code):
    data = round_input(announced=announced, starts=starts, opens_at=opens, closes_at=closes,
                       units=[rounds.UnitInput(code, "단위", seats=1)])
    try:
        rounds.validate_round(data)
    except InvalidRound as refused:
        assert all(isinstance(m, str) and m for _, m in refused.problems_ko)


def test_the_form_names_each_bad_field_by_its_label_in_the_page_language(web):
    url, client, manager = web
    bad = _form(announced_on="1900-01-01", starts_on="9999-12-31",
                units="<script>x</script>, 악성, 1\np2, 이름, 많이")
    page = client.post("/manage/rounds", data=bad, headers=manager)
    assert page.status_code == 422
    check_page(page.text)
    for text in ("공고일: 2020-01-01 이후여야", "근무·교육 시작일: 공고일부터 2년 안", "모집 단위 1번째 줄 · 코드:",
                 "모집 단위 2번째 줄 · 모집 인원: 정원은 숫자"):
        assert text in page.text, text
    assert "units[" not in page.text and "<script>x" not in page.text
    english = client.post("/manage/rounds?lang=en", data={**bad, "title": " "}, headers=manager)
    assert english.status_code == 422
    assert "Announcement date: must be on or after 2020-01-01" in english.text or "2020-01-01" in english.text
    assert "Unit line 1" in english.text and "공고일" not in english.text.split("<main")[-1]
    with transaction(engine_for(url)) as session:
        assert session.scalars(select(Round)).first() is None


def test_a_plan_without_head_counts_fills_the_list_to_complete(web):
    _, client, manager = web
    page = client.post("/manage/rounds", data=_form(program_code="youth_academy", units="", units_from_plan="1"),
                       headers=manager)
    assert page.status_code == 422
    check_page(page.text)
    assert "계획 인원이 없는 단위" in page.text and "ai_core, AI 핵심 과정, " in page.text


def test_a_draft_is_edited_whole_and_opening_asks_first(web):
    url, client, manager = web
    round_id = _draft(url)
    form = client.get(f"/manage/rounds/{round_id}/edit", headers=manager)
    assert form.status_code == 200 and "돌봄·건강" in form.text
    check_page(form.text)
    saved = client.post(f"/manage/rounds/{round_id}/edit", data=_form(title="고친 제목"), headers=manager,
                        follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"], headers=manager)
    assert "저장했습니다" in page.text and "어린이집 안전" in page.text and "고친 제목" in page.text
    confirm = client.get(f"/manage/rounds/{round_id}/open", headers=manager)
    assert confirm.status_code == 200 and "되돌릴 수 없습니다" in confirm.text
    check_page(confirm.text)
    with transaction(engine_for(url)) as session:
        assert session.get_one(Round, round_id).status == RoundStatus.DRAFT
        assert "round.update" in set(session.scalars(select(AuditRecord.action)))


def test_an_open_round_changes_only_its_title_and_a_later_close_and_a_closed_one_nothing(web):
    url, client, manager = web
    round_id = _draft(url)
    with transaction(engine_for(url)) as session:
        rounds.open_round(session, round_id, actor=MANAGER)
        before = session.get_one(Round, round_id)
        closes, starts = rounds.aware(before.closes_at), before.starts_on
    form = client.get(f"/manage/rounds/{round_id}/edit", headers=manager)
    assert form.status_code == 200 and "늦출 수만 있습니다" in form.text
    check_page(form.text)
    local = closes.astimezone(KST)
    earlier = client.post(f"/manage/rounds/{round_id}/edit", headers=manager, data={
        "title": "제목", "closes_at": (local - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert earlier.status_code == 422 and "접수 마감: 접수 마감은 늦출 수만" in earlier.text
    later = client.post(f"/manage/rounds/{round_id}/edit", headers=manager, follow_redirects=False, data={
        "title": "제목 (연장)", "closes_at": (local + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "starts_on": "2030-01-01"})
    assert later.status_code == 303
    with transaction(engine_for(url)) as session:
        row = session.get_one(Round, round_id)
        assert row.title == "제목 (연장)" and row.starts_on == starts
        assert rounds.aware(row.closes_at) == closes.replace(second=0, microsecond=0) + dt.timedelta(days=3)
        rounds.close_round(session, round_id, actor=MANAGER)
    closed = client.post(f"/manage/rounds/{round_id}/edit", headers=manager, data={"title": "x"})
    assert closed.status_code == 409 and "고칠 수 없습니다" in closed.text


def test_the_public_notice_names_units_not_codes(web):
    url, client, _ = web
    units = [rounds.UnitInput("care", "돌봄 분야", UnitKind.FIELD),
             rounds.UnitInput("p1", "어린이집 안전", seats=2, parent_code="care")]
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, round_input(units=units), actor=MANAGER)
        rounds.open_round(session, row.id, actor=MANAGER)
    page = client.get(f"/rounds/{row.id}")
    assert page.status_code == 200
    table = page.text.split('id="units-heading"')[1].split("</table>")[0]
    assert "어린이집 안전" in table and "돌봄 분야" in table
    assert ">p1<" not in table and ">코드<" not in table
