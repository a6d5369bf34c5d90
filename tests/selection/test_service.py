"""The stored selection on SQLite and PostgreSQL: a round is drawn once, never double-books a seat
under concurrent runs, verifies bit for bit (and fails when a stored outcome is tampered with),
promotes from the waitlist with history, and exports with a reason in the audit log."""

from __future__ import annotations

import io
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from ilja.accounts import audit
from ilja.accounts.audit_chain import AuditEntryError
from ilja.accounts.models import AuditRecord
from ilja.applications import service as applications
from ilja.applications.errors import InvalidTransition
from ilja.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Round,
    RoundStatus,
)
from ilja.applications.rounds import UnitInput
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.selection import service
from ilja.selection.models import SelectionOutcomeRow, SelectionRunRow
from tests.applications.factories import AUDITOR, MANAGER, apply, open_round, register, round_input

S = ApplicationStatus


@pytest.fixture
def keyring(tmp_path):
    return generate_key_file(tmp_path / "keys" / "data-keys.json")


def drawn_round(url, keyring, people=6, seats=(("care", 2), ("safety", 1)), run=True):
    """A 동행일자리 round with ``people`` applicants of rising bonus points, all for ``care``
    except every third for ``safety``."""
    units = [UnitInput(code, code, seats=n) for code, n in seats]
    round_id = open_round(url, round_input(units=units))
    ids = []
    for i in range(people):
        person = register(url, keyring, household_size=1 + i % 4,
                          vulnerable_groups=["long_term_unemployed"] if i % 2 else [])
        choice = "safety" if i % 3 == 2 else "care"
        ids.append(apply(url, round_id, person, [choice])[0])
    if run:
        with transaction(engine_for(url)) as session:
            service.run_selection(session, round_id, actor=MANAGER)
    return round_id, ids


def statuses(url, round_id):
    with transaction(engine_for(url)) as session:
        return dict(session.execute(select(Application.id, Application.status)
                                    .where(Application.round_id == round_id)).all())


def test_a_draw_moves_every_eligible_application_and_reveals_the_seed(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        row = session.get_one(Round, round_id)
        run_row = service.get_run(session, round_id)
        assert row.status == RoundStatus.SELECTED
        assert row.seed_revealed == run_row.seed and run_row.commitment == row.seed_commitment
        assert run_row.applicants == len(ids) and len(run_row.output_hash) == 64
    final = statuses(database_url, round_id)
    assert sorted(final.values()).count(S.SELECTED) == 3
    assert set(final.values()) <= {S.SELECTED, S.WAITLISTED, S.NOT_SELECTED, S.INELIGIBLE}


def test_running_twice_does_not_select_twice(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring)
    before = statuses(database_url, round_id)

    def counts():
        with transaction(engine_for(database_url)) as session:
            return [session.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (ApplicationEvent, SelectionOutcomeRow, SelectionRunRow)]

    written = counts()
    with transaction(engine_for(database_url)) as session:
        again = service.run_selection(session, round_id, actor=MANAGER)
    assert not again.drawn and again.run.status == "completed"
    assert statuses(database_url, round_id) == before
    assert counts() == written and written[1:] == [len(ids), 1]


def test_concurrent_runs_cannot_double_book_a_seat(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring, people=12, run=False)
    barrier = threading.Barrier(3)
    drawn, errors = [], []

    def run() -> None:
        barrier.wait()
        try:
            with transaction(engine_for(database_url)) as session:
                drawn.append(service.run_selection(session, round_id, actor=MANAGER).drawn)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(drawn) == [False, False, True]
    with transaction(engine_for(database_url)) as session:
        runs = session.execute(select(func.count()).select_from(SelectionRunRow)).scalar_one()
        outcomes = session.execute(select(func.count()).select_from(SelectionOutcomeRow)
                                   ).scalar_one()
        draw_lines = session.execute(select(ApplicationEvent.application_id, func.count())
                                     .where(ApplicationEvent.reason_code.like("selection.%"))
                                     .group_by(ApplicationEvent.application_id)).all()
        seated = session.execute(select(SelectionOutcomeRow.unit_code, func.count())
                                 .where(SelectionOutcomeRow.unit_code.is_not(None))
                                 .group_by(SelectionOutcomeRow.unit_code)).all()
    assert runs == 1 and outcomes == len(ids)
    assert all(n == 1 for _, n in draw_lines)
    assert dict(seated) == {"care": 2, "safety": 1}


def test_verify_proves_the_stored_draw_and_fails_on_a_tampered_outcome(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        report = service.verify(session, round_id, actor=AUDITOR)
    assert report.ok and report.check.same_code_version and report.problems == []
    assert report.rerun_output_hash == report.output_hash
    with transaction(engine_for(database_url)) as session:
        loser = session.execute(select(SelectionOutcomeRow).where(
            SelectionOutcomeRow.status != "selected")).scalars().first()
        session.execute(text("UPDATE selection_outcomes SET status = 'selected', "
                             "unit_code = 'care' WHERE id = :id"), {"id": loser.id})
    with transaction(engine_for(database_url)) as session:
        tampered = service.verify(session, round_id, actor=AUDITOR)
        audit.seal(session)  # chain this transaction's entries to read them before the commit
        entries = session.execute(select(AuditRecord.details).where(
            AuditRecord.action == "selection.verify").order_by(AuditRecord.sequence)).scalars().all()
    assert not tampered.ok and not tampered.check.recorded_outputs_match
    assert tampered.check.rerun_matches  # the inputs still give the true result
    assert "recorded_outputs" in tampered.problems
    assert [e["ok"] for e in entries] == [True, False]


def test_verify_fails_when_a_stored_score_is_raised_after_the_draw(database_url, keyring):
    round_id, _ = drawn_round(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        session.execute(text("UPDATE selection_outcomes SET score = score + 100 "
                             "WHERE rank = (SELECT MAX(rank) FROM selection_outcomes)"))
    with transaction(engine_for(database_url)) as session:
        report = service.verify(session, round_id, actor=AUDITOR)
    assert not report.ok and not report.check.inputs_match


def test_a_declined_seat_goes_to_the_first_on_the_waitlist_with_history(database_url, keyring):
    round_id, _ = drawn_round(database_url, keyring, people=8)
    with transaction(engine_for(database_url)) as session:
        rows, _ = service.results(session, round_id, limit=None)
    care = [r for r in rows if r.preferences == ["care"] and r.rank is not None]
    leaver = next(r for r in care if r.status == S.SELECTED)
    waiting = sorted((r for r in care if r.status == S.WAITLISTED),
                     key=lambda r: r.waitlist[0][1])
    with transaction(engine_for(database_url)) as session:
        result = service.withdraw(session, round_id, {leaver.application_id: "declined"},
                                  actor=MANAGER, note="본인 포기 (전화 확인)")
    assert result.promoted == [waiting[0].application_id]
    final = statuses(database_url, round_id)
    assert final[leaver.application_id] == S.WITHDRAWN
    assert final[waiting[0].application_id] == S.SELECTED
    with transaction(engine_for(database_url)) as session:
        line = applications.history(session, waiting[0].application_id)[-1]
        left = applications.history(session, leaver.application_id)[-1]
        report = service.verify(session, round_id, actor=AUDITOR)
    assert (line.from_status, line.to_status, line.reason_code) == (
        "waitlisted", "selected", "promotion.promoted")
    assert line.details["caused_by"] == [leaver.application_id]
    assert line.details["waitlist_place"] == 1 and line.note == "본인 포기 (전화 확인)"
    assert (left.to_status, left.reason_code) == ("withdrawn", "withdrawal.declined")
    assert report.ok and report.withdrawals == 1 and report.withdrawals_replayed


def test_only_selected_or_waitlisted_applications_can_leave(database_url, keyring):
    round_id, _ = drawn_round(database_url, keyring)
    final = statuses(database_url, round_id)
    other = next((a for a, s in final.items() if s in (S.NOT_SELECTED, S.INELIGIBLE)), None)
    if other is None:
        pytest.skip("every applicant is selected or waitlisted in this draw")
    with transaction(engine_for(database_url)) as session, pytest.raises(InvalidTransition):
        service.withdraw(session, round_id, {other: "declined"}, actor=MANAGER, note="포기")


def test_export_writes_scores_ranks_outcomes_and_the_reason_is_audited(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring)
    buffer = io.BytesIO()
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(service.SelectionError):
            service.export_results(session, round_id, io.BytesIO(), reason=" ", actor=MANAGER)
        count = service.export_results(session, round_id, buffer, reason="합격자 안내 문자 발송",
                                       actor=MANAGER)
    assert count == len(ids)
    book = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    rows = list(book["결과 Results"].iter_rows(values_only=True))
    assert rows[0][0].startswith("순위") and len(rows) == len(ids) + 1
    assert rows[1][0] == 1 and "*" in rows[1][2]  # names masked
    assert {r[7] for r in rows[1:]} <= {"선발", "예비 (대기)", "미선발", "자격 미달"}
    with transaction(engine_for(database_url)) as session:
        entry = session.execute(select(AuditRecord).where(
            AuditRecord.action == "selection.export")).scalar_one()
    assert entry.reason == "합격자 안내 문자 발송" and entry.details["rows"] == len(ids)


def test_the_audit_log_itself_refuses_an_export_without_a_reason(database_url):
    from ilja.accounts import audit

    with transaction(engine_for(database_url)) as session, pytest.raises(AuditEntryError):
        audit.record(session, MANAGER, "selection.export", object_type="round", object_id=1)


def test_competition_rates_per_round_unit_and_field(database_url, keyring):
    units = [UnitInput("care", "돌봄·건강 분야", "field", None),
             UnitInput("p1", "어린이집 안전", "project", 1, "care"),
             UnitInput("p2", "지하철 안전", "project", 2, "care")]
    round_id = open_round(database_url, round_input(units=units))
    for i in range(5):
        apply(database_url, round_id, register(database_url, keyring), ["p1" if i < 4 else "p2"])
    with transaction(engine_for(database_url)) as session:
        figures = service.competition(session, round_id)
    assert (figures.seats, figures.applicants, figures.rate) == (3, 5, "1.67")
    assert [(u["unit"], u["competition_rate"]) for u in figures.units] == [("p1", "4.00"),
                                                                          ("p2", "0.50")]
    assert figures.groups == [{"group": "care", "seats": 3, "applicants": 5,
                               "competition_rate": "1.67"}]


def test_tech_institute_priority_seats_stay_within_30_percent(database_url, keyring):
    units = [UnitInput("bakery", "카페베이커리", "cohort", 10)]
    data = round_input(program="tech_institute", units=units,
                       title="2025 기술교육원 카페베이커리 과정 모집")
    round_id = open_round(database_url, data)
    for i in range(16):
        groups = ["basic_livelihood"] if i < 6 else []
        apply(database_url, round_id, register(database_url, keyring, program="tech_institute",
                                               vulnerable_groups=groups), ["bakery"])
    with transaction(engine_for(database_url)) as session:
        service.run_selection(session, round_id, actor=MANAGER)
        rows, _ = service.results(session, round_id, limit=None)
        run_row = service.get_run(session, round_id)
    reserved = [r for r in rows if r.seat == "reserved"]
    assert len(reserved) == 3  # floor(30% × 10)
    assert all(r.priority for r in reserved)
    assert sum(r.status == S.SELECTED for r in rows) == 10
    assert run_row.policy["priority_share"] == "3/10"


def test_results_are_scoped_like_the_applications(database_url, keyring):
    """An operator of a site the round does not recruit for sees none of its applicants' results;
    the program manager sees them all (issue 17 §1)."""
    from ilja.accounts.roles import Role
    from ilja.accounts.scope import Scope

    round_id, ids = drawn_round(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        everyone, total = service.results(session, round_id, limit=None)
        elsewhere, none = service.results(session, round_id, limit=None,
                                          scope=Scope(Role.OPERATOR, "campus.mapo", 99))
        citizen_rows, mine = service.results(session, round_id, limit=None,
                                             scope=Scope(Role.CITIZEN, None, 98, everyone[0].person_id))
    assert total == len(ids) and (elsewhere, none) == ([], 0)
    assert mine == 1 and citizen_rows[0].person_id == everyone[0].person_id
