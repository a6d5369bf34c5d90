"""The rounds, applications and selection API on SQLite and PostgreSQL: idempotent submission
with the Idempotency-Key header, a citizen sees only their own applications, staff reads are
audited, a round is drawn once, the auditor verifies it, an export needs its reason."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from tests.applications.factories import open_round, register, round_input, window

from ilja.accounts import audit
from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications import rounds
from ilja.applications.models import Application
from ilja.db import engine_for, session_factory, transaction

PASSWORD = "Tr0ub4dor&3x"


@dataclass
class World:
    client: TestClient
    url: str
    round_id: int
    tokens: dict[str, str]
    persons: dict[str, int]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _user(url: str, login: str, role: Role, person_id: int | None = None) -> str:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login=login, password=PASSWORD, role=role,
                                    display_name=login, person_id=person_id,
                                    site_code="campus.mapo" if role is Role.OPERATOR else None)
        return accounts.issue_token(session, user, "test")[1]


@pytest.fixture
def world(database_url, keyring, tmp_path, monkeypatch) -> World:
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.web.app import create_app

    keys = tmp_path / "keys" / "data-keys.json"
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(keys))
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    reset_keyring()
    app = create_app()
    app.state.session_factory = session_factory(engine_for(database_url))
    persons = {"kim": register(database_url, keyring), "lee": register(database_url, keyring)}
    tokens = {
        "manager": _user(database_url, "manager", Role.PROGRAM_MANAGER),
        "auditor": _user(database_url, "auditor", Role.AUDITOR),
        "operator": _user(database_url, "operator", Role.OPERATOR),
        "kim": _user(database_url, "kim", Role.CITIZEN, persons["kim"]),
        "lee": _user(database_url, "lee", Role.CITIZEN, persons["lee"]),
    }
    round_id = open_round(database_url)
    with TestClient(app) as client:
        yield World(client, database_url, round_id, tokens, persons)
    get_settings.cache_clear()
    reset_keyring()


CONSENT = {"collection_use": "2025-01-01", "sensitive": "2025-01-01", "unique_id": "2025-01-01"}


def _apply(world: World, who: str, key: str, preferences=("care",)):
    return world.client.post(f"/api/v1/rounds/{world.round_id}/applications",
                             json={"preferences": list(preferences), "consent": CONSENT},
                             headers={**world.as_(who), "Idempotency-Key": key})


def audit_actions(url: str) -> list[str]:
    with transaction(engine_for(url)) as session:
        return list(session.execute(select(AuditRecord.action)
                                    .order_by(AuditRecord.sequence)).scalars())


def test_open_rounds_are_public_and_drafts_are_not(world):
    with transaction(engine_for(world.url)) as session:

        draft = rounds.create_round(session, round_input(), actor=audit.SYSTEM_ACTOR).id
    listed = world.client.get("/api/v1/rounds").json()
    assert [r["id"] for r in listed] == [world.round_id]
    assert listed[0]["seed_commitment"] and listed[0]["seed_revealed"] is None
    assert "seed" not in listed[0]
    assert world.client.get(f"/api/v1/rounds/{draft}").status_code == 404
    assert world.client.get(f"/api/v1/rounds/{draft}", headers=world.as_("manager")).status_code == 200


def test_a_manager_sets_up_and_opens_a_round_from_the_plan(world):
    opens, closes = window()
    body = {"program_code": "companion_jobs", "title": "2025 하반기 동행일자리",
            "announced_on": "2025-05-12", "opens_at": opens.isoformat(),
            "closes_at": closes.isoformat(), "starts_on": "2025-07-01", "units_from_plan": True}
    created = world.client.post("/api/v1/rounds", json=body, headers=world.as_("manager"))
    assert created.status_code == 201, created.text
    assert [u["seats"] for u in created.json()["units"]] == [1904, 1162, 4068, 1312, 4534]
    round_id = created.json()["id"]
    assert world.client.post(f"/api/v1/rounds/{round_id}/open",
                             headers=world.as_("operator")).status_code == 403
    opened = world.client.post(f"/api/v1/rounds/{round_id}/open", headers=world.as_("manager"))
    assert opened.json()["status"] == "open" and len(opened.json()["seed_commitment"]) == 64
    bad = world.client.post("/api/v1/rounds", json={**body, "program_code": "nope"},
                            headers=world.as_("manager"))
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "invalid_round"


def test_the_same_idempotency_key_returns_the_first_application(world):
    first = _apply(world, "kim", "k-1")
    again = _apply(world, "kim", "k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    body = first.json()
    assert body["eligibility"]["evaluated_on"] == "2025-07-01"
    assert any("실업급여" in line for line in body["eligibility"]["reasons"]["ko"])
    assert [e["to_status"] for e in body["history"]] == ["submitted", "eligible"]
    with transaction(engine_for(world.url)) as session:
        assert len(session.execute(select(Application.id)).all()) == 1


def test_a_key_is_required_and_a_second_application_is_refused(world):
    missing = world.client.post(f"/api/v1/rounds/{world.round_id}/applications",
                                json={"preferences": ["care"]}, headers=world.as_("kim"))
    assert missing.status_code == 422
    _apply(world, "kim", "k-1")
    second = _apply(world, "kim", "k-2", ["safety"])
    assert second.status_code == 409
    assert second.json()["detail"]["code"] == "duplicate_application"
    assert "한 번만" in second.json()["detail"]["msg_ko"]
    reused = _apply(world, "kim", "k-1", ["safety"])
    assert reused.status_code == 422 and reused.json()["detail"]["code"] == "idempotency_conflict"


def test_a_citizen_sees_only_their_own_applications(world):
    kim = _apply(world, "kim", "kim-key").json()["id"]
    lee = _apply(world, "lee", "lee-key").json()["id"]
    mine = world.client.get("/api/v1/me/applications", headers=world.as_("lee")).json()
    assert [a["id"] for a in mine] == [lee]
    assert "person_id" not in mine[0]
    assert world.client.get(f"/api/v1/me/applications/{kim}",
                            headers=world.as_("lee")).status_code == 404
    assert world.client.get(f"/api/v1/applications/{kim}",
                            headers=world.as_("lee")).status_code == 403
    assert world.client.get(f"/api/v1/rounds/{world.round_id}/applications",
                            headers=world.as_("lee")).status_code == 403


def test_staff_reads_are_audited_with_whose_data(world):
    kim = _apply(world, "kim", "kim-key").json()["id"]
    # The round recruits for no project or cohort of the operator's campus: not theirs (scope).
    assert world.client.get(f"/api/v1/rounds/{world.round_id}/applications",
                            headers=world.as_("operator")).json()["total"] == 0
    assert world.client.get(f"/api/v1/applications/{kim}", headers=world.as_("operator")).status_code == 404
    listing = world.client.get(f"/api/v1/rounds/{world.round_id}/applications",
                               headers=world.as_("auditor"))
    assert listing.json()["total"] == 1
    detail = world.client.get(f"/api/v1/applications/{kim}", headers=world.as_("auditor"))
    assert detail.json()["person_id"] == world.persons["kim"]
    assert detail.json()["explanation"]["conditions"]
    with transaction(engine_for(world.url)) as session:
        reads = session.execute(select(AuditRecord).where(
            AuditRecord.action == "application.read").order_by(AuditRecord.sequence)).scalars().all()
    reads = [r for r in reads if r.actor_role == "auditor"]
    assert len(reads) == 2 and reads[1].subject_person_id == str(world.persons["kim"])
    assert reads[0].details == {"applications": [kim]}


def test_staff_apply_on_behalf_and_change_a_status_with_a_note(world):
    made = world.client.post(f"/api/v1/rounds/{world.round_id}/applications/on-behalf",
                             json={"person_id": world.persons["kim"], "preferences": ["care"]},
                             headers={**world.as_("manager"), "Idempotency-Key": "paper-17"})
    assert made.status_code == 201 and made.json()["channel"] == "staff"
    application_id = made.json()["id"]
    moved = world.client.post(f"/api/v1/applications/{application_id}/status",
                              json={"status": "ineligible", "note": "서류 미제출"},
                              headers=world.as_("manager"))
    assert moved.status_code == 200 and moved.json()["status"] == "ineligible"
    assert moved.json()["history"][-1]["note"] == "서류 미제출"
    refused = world.client.post(f"/api/v1/applications/{application_id}/status",
                                json={"status": "placed", "note": "배치"},
                                headers=world.as_("manager"))
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "invalid_transition"


def test_a_round_is_drawn_once_verified_by_the_auditor_and_exported_with_a_reason(world):
    kim = _apply(world, "kim", "kim-key").json()["id"]
    _apply(world, "lee", "lee-key")
    assert world.client.post(f"/api/v1/rounds/{world.round_id}/selection/run",
                             headers=world.as_("auditor")).status_code == 403
    first = world.client.post(f"/api/v1/rounds/{world.round_id}/selection/run",
                              headers=world.as_("manager"))
    again = world.client.post(f"/api/v1/rounds/{world.round_id}/selection/run",
                              headers=world.as_("manager"))
    assert first.json()["drawn_now"] is True and again.json()["drawn_now"] is False
    assert first.json()["output_hash"] == again.json()["output_hash"]
    public = world.client.get(f"/api/v1/rounds/{world.round_id}").json()
    assert public["seed_revealed"] == first.json()["seed"]
    verified = world.client.get(f"/api/v1/rounds/{world.round_id}/selection/verify",
                                headers=world.as_("auditor"))
    assert verified.status_code == 200 and verified.json()["ok"] is True
    results = world.client.get(f"/api/v1/rounds/{world.round_id}/selection/results",
                               headers=world.as_("manager")).json()
    assert results["items"][0]["rank"] == 1 and results["total"] == 2
    elsewhere = world.client.get(f"/api/v1/rounds/{world.round_id}/selection/results",
                                 headers=world.as_("operator")).json()
    assert elsewhere == {"total": 0, "items": []}  # the round recruits for no site of theirs (scope)
    mine = world.client.get(f"/api/v1/me/applications/{kim}", headers=world.as_("kim")).json()
    assert mine["status"] in ("selected", "waitlisted")
    no_reason = world.client.post(f"/api/v1/rounds/{world.round_id}/selection/export",
                                  json={"reason": ""}, headers=world.as_("manager"))
    assert no_reason.status_code == 422
    exported = world.client.post(f"/api/v1/rounds/{world.round_id}/selection/export",
                                 json={"reason": "선발 결과 통지"}, headers=world.as_("manager"))
    assert exported.status_code == 200 and exported.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(exported.content), read_only=True)
    assert len(list(book["결과 Results"].iter_rows())) == 3
    with transaction(engine_for(world.url)) as session:
        entry = session.execute(select(AuditRecord).where(
            AuditRecord.action == "selection.export")).scalar_one()
    assert entry.reason == "선발 결과 통지"
    competition = world.client.get(f"/api/v1/rounds/{world.round_id}/competition").json()
    assert competition["applicants"] == 2 and competition["seats"] == 3


def test_an_upload_with_a_bad_row_imports_nothing(world, tmp_path):
    content = ("name,sido,sigungu,employment_status,able_to_work,household_head,household_size,"
               "nationality,birth_date,1지망\n"
               "최영희,서울특별시,마포구,unemployed,예,예,2,KR,1975-02-03,care\n"
               "정민수,서울특별시,마포구,unemployed,예,예,abc,KR,1980-04-05,care\n")
    response = world.client.post(
        f"/api/v1/rounds/{world.round_id}/applications/import", headers=world.as_("manager"),
        files={"file": ("마포구.csv", content.encode("utf-8"), "text/csv")})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["rows"] == [
        {"row": 2, "column": "household_size", "reason": "expected a whole number"}]
    with transaction(engine_for(world.url)) as session:
        assert session.execute(select(Application.id)).all() == []
    good = content.splitlines()[:2]
    ok = world.client.post(
        f"/api/v1/rounds/{world.round_id}/applications/import", headers=world.as_("manager"),
        files={"file": ("마포구.csv", ("\n".join(good) + "\n").encode("utf-8"), "text/csv")})
    assert ok.status_code == 200 and ok.json()["applications"] == 1
    assert "application.import" in audit_actions(world.url)


def test_a_selected_applicant_leaving_promotes_the_next_through_the_status_route(world, keyring):
    ids = [_apply(world, who, f"{who}-key").json()["id"] for who in ("kim", "lee")]
    for n in range(3):
        person = register(world.url, keyring)
        made = world.client.post(f"/api/v1/rounds/{world.round_id}/applications/on-behalf",
                                 json={"person_id": person, "preferences": ["care"]},
                                 headers={**world.as_("manager"), "Idempotency-Key": f"p{n}"})
        ids.append(made.json()["id"])
    world.client.post(f"/api/v1/rounds/{world.round_id}/selection/run",
                      headers=world.as_("manager"))
    results = world.client.get(f"/api/v1/rounds/{world.round_id}/selection/results",
                               headers=world.as_("manager")).json()["items"]
    selected = next(r for r in results if r["status"] == "selected")
    waiting = min((r for r in results if r["status"] == "waitlisted"),
                  key=lambda r: r["waitlist"][0][1])
    left = world.client.post(f"/api/v1/applications/{selected['application_id']}/status",
                             json={"status": "withdrawn", "note": "본인 포기"},
                             headers=world.as_("manager"))
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    promoted = world.client.get(f"/api/v1/applications/{waiting['application_id']}",
                                headers=world.as_("manager")).json()
    assert promoted["status"] == "selected"
    assert promoted["history"][-1]["reason_code"] == "promotion.promoted"
    verified = world.client.get(f"/api/v1/rounds/{world.round_id}/selection/verify",
                                headers=world.as_("auditor")).json()
    assert verified["ok"] and verified["withdrawals"] == 1


def test_a_course_quit_without_notice_here_bars_the_next_application(world, keyring):
    """What an application judges includes the courses that ended in Ilja's training records,
    not only the history the person declared (the 무단 포기 restriction, 24 months)."""
    import datetime as dt

    from tests.training.factories import OPERATOR, course_with_cohort

    from ilja import clock
    from ilja.applications.models import UnitKind
    from ilja.applications.rounds import UnitInput
    from ilja.rights import service as rights
    from ilja.training import service as training

    setup = course_with_cohort(world.url, keyring, applicants=1, seats=1)
    with transaction(engine_for(world.url)) as session:
        enrolment, = training.enrol_all_selected(session, cohort_id=setup.cohort_id,
                                                 actor=OPERATOR).enrolled
        training.quit_course(session, enrolment_id=enrolment.id, with_notice=False,
                             on=dt.date(2025, 12, 5), reason=None, actor=OPERATOR)
        rights.take_effect_due(session, on=clock.today() + dt.timedelta(days=60))  # after the prior notice
    next_round = open_round(world.url, round_input(
        "youth_academy", units=[UnitInput("c2", "2기", UnitKind.COHORT, 5)],
        announced=dt.date(2026, 11, 20), starts=dt.date(2027, 1, 5), title="마포 AI 2기"))
    answer = world.client.post(f"/api/v1/rounds/{next_round}/applications/on-behalf",
                               json={"person_id": enrolment.person_id, "preferences": ["c2"]},
                               headers={**world.as_("manager"), "Idempotency-Key": "again"})
    assert answer.status_code == 201, answer.text
    assert "quit_without_notice_restriction" in answer.json()["eligibility"]["failed"]
