"""Decisions reach the person with reasons and deadlines; a dropout waits for its prior notice;
an upheld objection re-runs what the decision did (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.applications import service as applications
from ilja.db import engine_for, transaction
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.models import DecisionStatus
from ilja.messages.models import OutboxMessage
from ilja.rights import service as rights
from ilja.training import progress
from ilja.training import service as training
from tests.training.factories import OPERATOR, course_with_cohort

D = dt.date
STAFF = audit.Actor("7", "program_manager", "127.0.0.1")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _topics(session, person_id: int) -> list[str]:
    return list(session.scalars(select(OutboxMessage.topic).where(OutboxMessage.person_id == person_id)
                                .order_by(OutboxMessage.id)))


def test_the_draw_notifies_the_not_selected_and_an_upheld_objection_selects_them(
        database_url, keyring, tmp_path):
    setup = course_with_cohort(database_url, keyring, applicants=3, seats=1)
    with transaction(engine_for(database_url)) as session:
        statuses = {a: applications.get_application(session, a).status for a in setup.applications}
        losers = [a for a, s in statuses.items() if s in ("not_selected", "waitlisted")]
        assert losers
        app = applications.get_application(session, losers[0])
        decision, = rights.decisions_about(session, f"application:{app.id}")
        assert decision.kind == app.status and decision.status == DecisionStatus.EFFECTIVE
        assert "점수" in decision.reasons_ko and decision.objection_by > decision.decided_on
        assert decision.appeal_by > decision.objection_by
        assert _topics(session, app.person_id)[-1] == f"rights_decision_{app.status}"
        appeal = rights.file_appeal(session, audit.Actor("9", "citizen"), decision_id=decision.id,
                                    text="점수가 잘못 계산되었습니다.", attachment=PDF, keyring=keyring,
                                    store=tmp_path)
        assert rights.appeal_text(appeal, keyring) == "점수가 잘못 계산되었습니다."
        assert appeal.due_on > appeal.filed_on and appeal.attachment_type == "application/pdf"
        with pytest.raises(rights.RightsError):
            rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons=" ")
        rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="가점 누락 확인")
        assert applications.get_application(session, app.id).status == "selected"
        from ilja.selection import offer_service

        assert offer_service.current_offer(session, app.id).state == "open"  # to accept by its deadline
        assert decision.status == DecisionStatus.OVERTURNED
        assert _topics(session, app.person_id)[-2:] == ["offer_made", "rights_appeal_decided"]
        report = rights.report(session)
        assert [(r.kind, r.status, r.count, r.mean_days) for r in report] == [
            (decision.kind, "upheld", 1, 0)]


def test_an_objection_refuses_a_bad_file_and_a_second_open_one(database_url, keyring, tmp_path):
    setup = course_with_cohort(database_url, keyring, applicants=2, seats=1)
    with transaction(engine_for(database_url)) as session:
        loser = next(a for a in setup.applications
                     if applications.get_application(session, a).status != "selected")
        decision, = rights.decisions_about(session, f"application:{loser}")
        with pytest.raises(rights.RightsError) as caught:
            rights.file_appeal(session, STAFF, decision_id=decision.id, text="이의", attachment=b"MZ\x90",
                               keyring=keyring, store=tmp_path)
        assert caught.value.field == "attachment"
        rights.file_appeal(session, STAFF, decision_id=decision.id, text="이의", attachment=None,
                           keyring=keyring, store=tmp_path)
        with pytest.raises(rights.RightsError, match="already"):
            rights.file_appeal(session, STAFF, decision_id=decision.id, text="또", attachment=None,
                               keyring=keyring, store=tmp_path)


def test_a_dropout_waits_for_its_prior_notice_and_an_upheld_objection_restores_the_enrolment(
        database_url, keyring, tmp_path):
    starts = D(2025, 12, 1)
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1, starts=starts,
                               ends=starts + dt.timedelta(days=60))
    with transaction(engine_for(database_url)) as session:
        enrolment, = training.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        for offset in (10, 20):
            progress.add_assessment(session, cohort_id=setup.cohort_id, title=f"{offset}", actor=OPERATOR,
                                    held_on=starts + dt.timedelta(days=offset), scores={enrolment.id: "75"})
        progress.evaluate_cohort(session, cohort_id=setup.cohort_id, on=starts + dt.timedelta(days=21),
                                 actor=OPERATOR)
        assert training.get_enrolment(session, enrolment.id).status == "enrolled"  # not yet
        decision, = rights.decisions_about(session, f"enrolment:{enrolment.id}")
        assert decision.kind == DecisionKind.DROPOUT and decision.status == DecisionStatus.PROPOSED
        assert decision.answer_by is not None and "80" in decision.reasons_ko
        assert _topics(session, enrolment.person_id)[-1] == "rights_prior_notice_dropout"
        assert rights.take_effect_due(session, on=decision.answer_by) == []  # the window is open
        rights.take_effect_due(session, on=decision.answer_by + dt.timedelta(days=1))
        assert training.get_enrolment(session, enrolment.id).status == "dropped"
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "dropped"
        assert applications.get_application(session, enrolment.application_id).status == "dropped"
        assert decision.status == DecisionStatus.EFFECTIVE
        with clock.frozen(decision.effective_on):
            appeal = rights.file_appeal(session, STAFF, decision_id=decision.id, text="병가였습니다",
                                        attachment=None, keyring=keyring, store=tmp_path)
            rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="진단서 확인")
        restored = training.get_enrolment(session, enrolment.id)
        assert restored.status == "enrolled" and restored.ended_on is None
        assert training.training_history_for(session, enrolment.person_id) == []  # the course goes on
        assert training.get_cohort(session, setup.cohort_id).enrolled == 1
        assert applications.get_application(session, enrolment.application_id).status == "enrolled"


def test_agreeing_to_a_prior_notice_makes_it_effective_at_once(database_url, keyring):
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1)
    with transaction(engine_for(database_url)) as session:
        enrolment, = training.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        training.quit_course(session, enrolment_id=enrolment.id, with_notice=False, on=D(2025, 12, 5),
                             reason=None, actor=OPERATOR)
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "dropped"
        decision, = rights.decisions_about(session, f"enrolment:{enrolment.id}")
        assert decision.kind == DecisionKind.REPARTICIPATION_EXCLUDED
        rights.agree(session, STAFF, decision_id=decision.id)
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "quit_without_notice"
        with clock.frozen(decision.effective_on):
            appeal = rights.file_appeal(session, STAFF, decision_id=decision.id, text="미리 알렸습니다",
                                        attachment=None, keyring=keyring, store=None)
            rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="문자 기록 확인")
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "dropped"


def test_the_command_makes_due_notices_take_effect(database_url, keyring, monkeypatch):
    from typer.testing import CliRunner

    from ilja.cli import app
    from ilja.config import get_settings

    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1)
    with transaction(engine_for(database_url)) as session:
        enrolment, = training.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        training.quit_course(session, enrolment_id=enrolment.id, with_notice=False, on=D(2025, 12, 5),
                             reason=None, actor=OPERATOR)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    result = CliRunner().invoke(app, ["rights", "effect", "--on", later])
    get_settings.cache_clear()
    assert result.exit_code == 0 and result.output.startswith("1 decision(s) took effect"), result.output
    with transaction(engine_for(database_url)) as session:
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "quit_without_notice"


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "rights_" in repr(d)]
    assert diffs == []
