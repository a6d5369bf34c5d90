"""Projects on the web: a manager sets one up (every bad field named by its label, in the page's
language), a host sees and edits only their own site's projects, the selected applicants of a
round are placed after a confirmation page (never beyond the free seats), a placement is ended
after another; all of it audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications.models import Application, ApplicationStatus
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.publicjobs.models import Placement, Project
from tests.conftest import configured
from tests.publicjobs.factories import add_project
from tests.publicjobs.test_api import _token
from tests.selection.test_service import drawn_round
from tests.web.html_check import check_page


@pytest.fixture
def keyring(tmp_path):
    return generate_key_file(tmp_path / "keys" / "data-keys.json")


@pytest.fixture
def api(database_url, tmp_path):
    """The app on an empty migrated database, SQLite and PostgreSQL, with a test client."""
    from fastapi.testclient import TestClient

    from ilja.web.app import create_app

    with configured(database_url, tmp_path):
        yield database_url, TestClient(create_app(), raise_server_exceptions=True)


GOOD = {"name": "마포 돌봄 사업", "code": "cj-2025-mapo-01", "program_code": "companion_jobs",
        "track_code": "companion_jobs.care_health", "seats": "2", "host_name": "마포구청",
        "host_kind": "district", "host_code": "host.mapo", "district_code": "11440",
        "starts_on": "2025-07-01", "ends_on": "2025-12-20"}


def _create(client, headers, **changes) -> tuple[int, str]:
    response = client.post("/publicjobs/projects", data={**GOOD, **changes}, headers=headers,
                           follow_redirects=False)
    if response.status_code != 303:
        return response.status_code, response.text
    return 303, response.headers["location"]


def _actions(url: str) -> list[str]:
    with transaction(engine_for(url)) as session:
        return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.sequence)))


def test_absurd_project_input_is_refused_field_by_field_in_the_page_language(api):
    url, client = api
    manager = _token(url, Role.PROGRAM_MANAGER)
    status, page = _create(client, manager, code="<script>x</script>", seats="-3",
                           starts_on="1900-01-01", ends_on="9999-12-31", host_kind="castle")
    assert status == 422
    check_page(page)
    assert "<title>오류:" in page
    for label in ("사업코드", "정원", "기관 유형", "종료일"):
        assert f"{label}:" in page, label
    assert "&lt;script&gt;" in page and "<script>x" not in page
    status, page = _create(client, {**manager, "Cookie": "ilja_lang=en"}, seats="many", starts_on="2025-13-01")
    assert status == 422 and "Seats: Enter a whole number" in page and "Start date: Enter the date" in page
    status, page = _create(client, manager, starts_on="2031-01-01", ends_on="2031-03-01")
    assert status == 422 and "시작일:" in page
    status, page = _create(client, manager, starts_on="2025-01-01", ends_on="2025-12-31")
    assert status == 422 and "사업계획의 기간 안" in page
    with transaction(engine_for(url)) as session:
        assert session.scalars(select(Project)).first() is None


def test_manager_sets_up_host_sees_only_their_own_and_cannot_claim_another_site(api):
    url, client = api
    manager = _token(url, Role.PROGRAM_MANAGER)
    form = client.get("/publicjobs/projects/new", headers=manager)
    assert form.status_code == 200
    check_page(form.text)
    status, location = _create(client, manager)
    assert status == 303
    with transaction(engine_for(url)) as session:
        add_project(session, "companion_jobs", host="host.jongno")
    host, other_host = _token(url, Role.OPERATOR, "host.mapo"), _token(url, Role.OPERATOR, "host.jongno")
    project_id = int(re.search(r"/publicjobs/projects/(\d+)", location).group(1))
    page = client.get(location, headers=host)
    assert page.status_code == 200 and "사업을 등록했습니다" in page.text and "마포 돌봄 사업" in page.text
    check_page(page.text)
    assert client.get(f"/publicjobs/projects/{project_id}", headers=other_host).status_code == 404
    assert client.get(f"/publicjobs/projects/{project_id}/edit", headers=other_host).status_code == 404
    assert "마포 돌봄 사업" not in client.get("/publicjobs/projects", headers=other_host).text
    listing = client.get("/publicjobs/projects", headers=host)
    assert "마포 돌봄 사업" in listing.text
    check_page(listing.text)
    status, _ = _create(client, other_host, code="jongno-1", host_code="host.mapo")
    assert status == 303  # an operator's form is fixed to their own site code
    with transaction(engine_for(url)) as session:
        assert session.scalar(select(Project.host_code).where(Project.code == "jongno-1")) == "host.jongno"
    saved = client.post(f"/publicjobs/projects/{project_id}/edit", data={**GOOD, "seats": "3",
                        "name": "마포 돌봄 사업 (확대)"}, headers=host, follow_redirects=False)
    assert saved.status_code == 303
    edit = client.get(f"/publicjobs/projects/{project_id}/edit", headers=host)
    check_page(edit.text)
    assert 'value="3"' in edit.text and "(확대)" in edit.text
    taken = client.post(f"/publicjobs/projects/{project_id}/edit", data={**GOOD, "code": "jongno-1"},
                        headers=manager)
    assert taken.status_code == 422 and "이미 쓰이는 사업코드" in taken.text
    assert client.get("/publicjobs/projects", headers=_token(url, Role.JOB_COORDINATOR)).status_code == 403
    assert {"publicjobs.project.create", "publicjobs.project.update"} <= set(_actions(url))


def test_selected_applicants_are_placed_after_confirmation_and_a_placement_ends(api, keyring):
    url, client = api
    round_id, ids = drawn_round(url, keyring, people=6, seats=(("care", 2), ("safety", 1)))
    manager = _token(url, Role.PROGRAM_MANAGER)
    status, location = _create(client, manager)
    host = _token(url, Role.OPERATOR, "host.mapo")
    project_id = int(re.search(r"/publicjobs/projects/(\d+)", location).group(1))
    choose = client.get(f"/publicjobs/projects/{project_id}/place?round={round_id}", headers=host)
    assert choose.status_code == 200 and "빈 자리 2석" in choose.text
    check_page(choose.text)
    with transaction(engine_for(url)) as session:
        selected = list(session.scalars(select(Application.id).where(
            Application.round_id == round_id, Application.status == ApplicationStatus.SELECTED)))
    assert len(selected) == 3 and all(f'value="{a}"' in choose.text for a in selected)
    too_many = client.post(f"/publicjobs/projects/{project_id}/place", headers=host,
                           data={"round": round_id, "application": selected})
    assert too_many.status_code == 422 and "빈 자리가 2석인데 3명" in too_many.text
    review = client.post(f"/publicjobs/projects/{project_id}/place", headers=host,
                         data={"round": round_id, "application": selected[:2]})
    assert review.status_code == 200 and "2명을 「마포 돌봄 사업」에 배치합니다" in review.text
    check_page(review.text)
    with transaction(engine_for(url)) as session:
        assert session.scalars(select(Placement)).first() is None  # the review places nobody
    done = client.post(f"/publicjobs/projects/{project_id}/place", headers=host, follow_redirects=False,
                       data={"round": round_id, "application": selected[:2], "confirm": "1"})
    assert done.status_code == 303
    again = client.post(f"/publicjobs/projects/{project_id}/place", headers=host,
                        data={"round": round_id, "application": selected[:1], "confirm": "1"})
    assert again.status_code == 422  # no free seat any more
    with transaction(engine_for(url)) as session:
        placements = list(session.scalars(select(Placement).order_by(Placement.id)))
        assert [p.application_id for p in placements] == selected[:2]
        assert placements[0].start_on.isoformat() == "2025-07-01"
        assert session.get(Application, selected[0]).status == ApplicationStatus.PLACED
    page = client.get(f"/publicjobs/projects/{project_id}", headers=host)
    assert "배치했습니다" not in page.text and "근무 중" in page.text
    leave = client.get(f"/publicjobs/placements/{placements[0].id}/leave", headers=host)
    assert leave.status_code == 200 and "되돌릴 수 없습니다" in leave.text
    check_page(leave.text)
    refused = client.post(f"/publicjobs/placements/{placements[0].id}/leave", headers=host,
                          data={"left_on": "2025-08-29", "reason": " "})
    assert refused.status_code == 422 and "사유:" in refused.text
    ended = client.post(f"/publicjobs/placements/{placements[0].id}/leave", headers=host,
                        data={"left_on": "2025-08-29", "reason": "이사"}, follow_redirects=False)
    assert ended.status_code == 303
    assert client.get(f"/publicjobs/placements/{placements[0].id}/leave",
                      headers=_token(url, Role.OPERATOR, "campus.jongno")).status_code == 404
    with transaction(engine_for(url)) as session:
        assert session.get(Application, selected[0]).status == ApplicationStatus.QUIT
    assert {"publicjobs.place", "publicjobs.leave", "selection.read"} <= set(_actions(url))


def test_a_round_that_recruited_for_the_project_offers_only_those_selected_into_it(api, keyring):
    url, client = api
    round_id, _ = drawn_round(url, keyring, people=6, seats=(("care", 2), ("safety", 1)))
    manager = _token(url, Role.PROGRAM_MANAGER)
    _, location = _create(client, manager, code="care", seats="5")
    project_id = int(re.search(r"/publicjobs/projects/(\d+)", location).group(1))
    page = client.get(f"/publicjobs/projects/{project_id}/place?round={round_id}", headers=manager)
    with transaction(engine_for(url)) as session:
        from ilja.selection.models import SelectionOutcomeRow

        units = dict(session.execute(select(SelectionOutcomeRow.application_id, SelectionOutcomeRow.current_unit_code)
                                     .where(SelectionOutcomeRow.current_unit_code.is_not(None))).all())
    offered = {int(a) for a in re.findall(r'name="application" id="application-\d+" value="(\d+)"', page.text)}
    assert offered and all(units[a] == "care" for a in offered)
    assert "그 단위에 선발된 사람만" in page.text
