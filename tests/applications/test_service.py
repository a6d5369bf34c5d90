"""Rounds and applications on SQLite and PostgreSQL: idempotent submission, one application per
person and round, the eligibility snapshot on the rule's own reference date, status history."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import func, select
from tests.applications.factories import (
    CITIZEN,
    MANAGER,
    apply,
    open_round,
    register,
    round_input,
)

from ilja.accounts.models import AuditRecord
from ilja.applications import eligibility, models, rounds, service, statuses
from ilja.applications.errors import (
    DuplicateApplication,
    IdempotencyConflict,
    InvalidPreferences,
    InvalidRound,
    InvalidTransition,
    RoundClosed,
    RoundStateError,
)
from ilja.applications.models import Application, ApplicationEvent, ApplicationStatus, RoundSeed
from ilja.db import engine_for, transaction
from ilja.seeds import commitment

S = ApplicationStatus


def count(url, model, *conditions):
    with transaction(engine_for(url)) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def test_the_same_idempotency_key_twice_makes_one_application(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    first, created = apply(database_url, round_id, person, key="retry-me")
    again, created_again = apply(database_url, round_id, person, key="retry-me")
    assert (again, created, created_again) == (first, True, False)
    assert count(database_url, Application) == 1
    assert count(database_url, ApplicationEvent) == 2  # submitted, screened — not twice
    assert count(database_url, AuditRecord, AuditRecord.action == "application.submit") == 1


def test_a_key_used_again_for_a_different_request_is_refused(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    apply(database_url, round_id, person, ["care"], key="k1")
    with pytest.raises(IdempotencyConflict):
        apply(database_url, round_id, person, ["safety"], key="k1")


def test_concurrent_retries_with_one_key_make_one_application(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def retry() -> None:
        barrier.wait()
        try:
            results.append(apply(database_url, round_id, person, key="same-key"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({application_id for application_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert count(database_url, Application) == 1


def test_a_second_application_of_the_same_person_is_refused(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    first, _ = apply(database_url, round_id, person, key="a")
    with pytest.raises(DuplicateApplication) as refused:
        apply(database_url, round_id, person, ["safety"], key="b")
    assert refused.value.existing_id == first
    assert "이미 이 모집 공고에 신청" in refused.value.message("ko")
    assert refused.value.status_code == 409
    assert count(database_url, Application) == 1


def test_concurrent_applications_of_one_person_with_two_keys_make_one(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    outcomes = []
    barrier = threading.Barrier(2)

    def submit(key: str) -> None:
        barrier.wait()
        try:
            outcomes.append(apply(database_url, round_id, person, key=key))
        except DuplicateApplication as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=(k,)) for k in ("web-1", "web-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, DuplicateApplication) for o in outcomes) == 1
    assert count(database_url, Application) == 1


def test_preferences_are_checked_against_the_round(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring)
    with pytest.raises(InvalidPreferences):
        apply(database_url, round_id, person, ["nowhere"])
    with pytest.raises(InvalidPreferences):
        apply(database_url, round_id, person, ["care", "safety"])  # one choice in this round
    with pytest.raises(InvalidPreferences):
        apply(database_url, round_id, person, [])


def test_citizens_apply_only_inside_the_window_staff_until_the_draw(database_url, keyring):
    round_id = open_round(database_url)
    person, other = register(database_url, keyring), register(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        rounds.close_round(session, round_id, actor=MANAGER)
    with pytest.raises(RoundClosed):
        apply(database_url, round_id, person)
    _, created = apply(database_url, round_id, person, actor=MANAGER, staff=True)  # paper form
    assert created
    from ilja.selection import service as selection

    with transaction(engine_for(database_url)) as session:
        selection.prepare_draw(session, round_id, actor=MANAGER)
    with pytest.raises(RoundClosed):
        apply(database_url, round_id, other, actor=MANAGER, staff=True)


def test_a_round_publishes_its_seed_commitment_when_it_opens(database_url):
    with transaction(engine_for(database_url)) as session:
        row = rounds.create_round(session, round_input(), actor=MANAGER)
        assert row.seed_commitment is None
        rounds.open_round(session, row.id, actor=MANAGER)
        seed = session.get_one(RoundSeed, row.id)
        assert row.seed_commitment == commitment(bytes.fromhex(seed.seed))
        assert row.seed_revealed is None
        with pytest.raises(RoundStateError):
            rounds.update_round(session, row.id, round_input(), actor=MANAGER)


def test_a_bad_round_set_up_reports_every_problem():
    data = round_input(program="no_such_program", title=" ", max_preferences=0,
                       starts=dt.date(2025, 1, 1),
                       units=[rounds.UnitInput("a", "A", seats=None),
                              rounds.UnitInput("a", "B", seats=-1, parent_code="zz")])
    with pytest.raises(InvalidRound) as refused:
        rounds.validate_round(data)
    fields = {f for f, _ in refused.value.problems}
    assert {"program_code", "title", "max_preferences", "starts_on", "units[0].seats",
            "units[1].code", "units[1].seats", "units[1].parent_code"} <= fields


BENEFIT_ENDS_BEFORE_START = [{"start": "2025-03-01", "end": "2025-06-15"}]
BENEFIT_COVERS_START = [{"start": "2025-06-20", "end": "2025-09-30"}]


@pytest.mark.parametrize(("periods", "excluded"), [
    (BENEFIT_ENDS_BEFORE_START, False),  # receiving on the announcement date only
    (BENEFIT_COVERS_START, True),  # receiving on the work start date
])
def test_the_2025_snapshot_judges_unemployment_benefit_on_the_work_start_date(
        database_url, keyring, periods, excluded):
    round_id = open_round(database_url)
    person = register(database_url, keyring, unemployment_benefit_periods=periods)
    application_id, _ = apply(database_url, round_id, person)
    with transaction(engine_for(database_url)) as session:
        application = session.get_one(Application, application_id)
        whole = service.explanation(session, application)
        lines = eligibility.reasons(session, application, ("ko",))["ko"]
    assert (whole["on"], whole["announced"]) == ("2025-07-01", "2025-05-12")
    assert (application.evaluated_on, application.announced_on) == (dt.date(2025, 7, 1),
                                                                   dt.date(2025, 5, 12))
    benefit = next(c for c in whole["conditions"] if c["id"] == "no_unemployment_benefit")
    assert benefit["status"] == ("failed" if excluded else "held")
    assert benefit["parameters"][0]["value"] == "work_start"
    assert application.status == (S.INELIGIBLE if excluded else S.ELIGIBLE)
    assert any("실업급여" in line for line in lines)
    assert application.parameter_version and application.code_version


def test_before_2025_the_announcement_date_decides(database_url, keyring):
    data = round_input(announced=dt.date(2024, 5, 13), starts=dt.date(2024, 7, 1))
    round_id = open_round(database_url, data)
    person = register(database_url, keyring,
                      unemployment_benefit_periods=[{"start": "2024-03-01", "end": "2024-06-15"}])
    application_id, _ = apply(database_url, round_id, person)
    with transaction(engine_for(database_url)) as session:
        whole = service.explanation(session, session.get_one(Application, application_id))
    benefit = next(c for c in whole["conditions"] if c["id"] == "no_unemployment_benefit")
    assert benefit["status"] == "failed"
    assert benefit["parameters"][0]["value"] == "announcement"


def test_the_snapshot_is_the_engines_result_and_explanation(database_url, keyring):
    from ilja.people import registry
    from ilja.rules.engine import default_engine

    round_id = open_round(database_url)
    person_id = register(database_url, keyring, household_size=1)
    application_id, _ = apply(database_url, round_id, person_id)
    with transaction(engine_for(database_url)) as session:
        application = session.get_one(Application, application_id)
        whole = service.explanation(session, application)
        person = registry.person_format(registry.get_person(session, person_id))
    direct = default_engine().evaluate_person(person, dt.date(2025, 7, 1), dt.date(2025, 5, 12),
                                              ["companion_jobs"]).result("companion_jobs")
    expected = json.loads(json.dumps(direct.as_dict()))  # as stored: JSON keys are text
    for key in ("eligible", "failed", "to_verify", "priority_group", "bonus_points",
                "monthly_pay_krw", "conditions", "output_parameters"):
        assert whole[key] == expected[key], key
    assert application.score == direct.bonus_points


def test_status_history_says_who_and_why(database_url, keyring):
    round_id = open_round(database_url)
    person = register(database_url, keyring, household_assets_krw=None)  # assets to be verified
    application_id, _ = apply(database_url, round_id, person, actor=CITIZEN)
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(InvalidTransition):
            statuses.change_status(session, application_id, S.INELIGIBLE, actor=MANAGER, note=" ")
        statuses.change_status(session, application_id, S.INELIGIBLE, actor=MANAGER,
                               note="재산 서류 확인 결과 기준 초과")
    with transaction(engine_for(database_url)) as session:
        lines = service.history(session, application_id)
        entries = session.execute(select(AuditRecord).where(
            AuditRecord.object_type == "application").order_by(AuditRecord.sequence)).scalars().all()
    assert [(e.from_status, e.to_status, e.actor_role, e.reason_code) for e in lines] == [
        (None, "submitted", "citizen", "submitted.api"),
        ("submitted", "eligible", "system", "screening.eligible_to_verify"),
        ("eligible", "ineligible", "program_manager", "manual.ineligible"),
    ]
    assert lines[1].details == {"to_verify": ["asset_limit"]}
    assert lines[2].note == "재산 서류 확인 결과 기준 초과" and lines[2].actor_id == "1"
    assert [e.action for e in entries] == ["application.submit", "application.status"]
    assert all(str(person) == e.subject_person_id for e in entries)


def test_moves_that_free_or_fill_a_seat_go_through_the_selection(database_url, keyring):
    round_id = open_round(database_url)
    application_id, _ = apply(database_url, round_id, register(database_url, keyring))
    with transaction(engine_for(database_url)) as session, pytest.raises(InvalidTransition):
        statuses.change_status(session, application_id, S.SELECTED, actor=MANAGER, note="직권 선발")


def test_draft_rounds_can_be_deleted_and_open_ones_cannot(database_url):
    with transaction(engine_for(database_url)) as session:
        draft = rounds.create_round(session, round_input(), actor=MANAGER)
        opened = rounds.create_round(session, round_input(), actor=MANAGER)
        rounds.open_round(session, opened.id, actor=MANAGER)
        rounds.delete_round(session, draft.id, actor=MANAGER)
        with pytest.raises(RoundStateError):
            rounds.delete_round(session, opened.id, actor=MANAGER)
        assert [r.id for r in rounds.list_rounds(session)] == [opened.id]


def test_the_plan_gives_companion_jobs_five_fields():
    units = rounds.units_from_plan("companion_jobs")
    assert [(u.code, u.seats) for u in units] == [
        ("care_health", 1904), ("economy", 1162), ("social_safety", 4068), ("digital", 1312),
        ("climate_environment", 4534)]


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    mine = ("rounds", "round_seeds", "round_units", "eligibility_contexts", "applications",
            "application_events", "selection_runs", "selection_outcomes", "selection_withdrawals")
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata)
                 if any(f"'{t}'" in repr(d) or f"{t}." in repr(d) for t in mine)]
    assert diffs == []


def test_a_bulk_move_never_overwrites_a_status_changed_meanwhile(database_url, keyring):
    from ilja.applications.errors import ConcurrentChange

    round_id = open_round(database_url)
    first, _ = apply(database_url, round_id, register(database_url, keyring))
    second, _ = apply(database_url, round_id, register(database_url, keyring))
    with transaction(engine_for(database_url)) as session:
        statuses.change_status(session, second, S.INELIGIBLE, actor=MANAGER, note="서류 미비")
    stale = [statuses.BulkMove(first, "eligible", S.SELECTED, "selection.score"),
             statuses.BulkMove(second, "eligible", S.SELECTED, "selection.score")]
    with pytest.raises(ConcurrentChange), transaction(engine_for(database_url)) as session:
        statuses.record_moves(session, stale, actor=MANAGER, program_kind="public_job")
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, first).status == S.ELIGIBLE
        assert session.get_one(Application, second).status == S.INELIGIBLE


def test_the_first_submission_of_a_day_does_not_hold_up_the_others(database_url, keyring):
    """The first submission stores the day's shared eligibility context; on PostgreSQL that is
    committed at once, so other applicants don't wait for the first one's whole transaction."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time by design")
    round_id = open_round(database_url)
    first, second = register(database_url, keyring), register(database_url, keyring)
    finished = threading.Event()

    def other_applicant() -> None:
        apply(database_url, round_id, second)
        finished.set()

    from ilja.people import registry

    with transaction(engine_for(database_url)) as session:
        service.submit(session, round_id=round_id, person_id=first,
                       person=registry.person_format(registry.get_person(session, first)),
                       preferences=["care"], channel=models.Channel.API, idempotency_key="first",
                       actor=CITIZEN)
        thread = threading.Thread(target=other_applicant)
        thread.start()
        assert finished.wait(10), "the second applicant waited for the first one's commit"
        thread.join()
    assert count(database_url, Application) == 2
