"""Consents stored with applications and withdrawn, on SQLite and PostgreSQL: the sensitive data
counts only with its consent; withdrawing it re-evaluates before the draw and asks for a re-check
after; withdrawing the main consent withdraws the application (and frees a seat after the draw);
each step audited and announced to the person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.accounts.scope import Scope
from ilja.applications import service
from ilja.applications.models import Application, ApplicationEvent, Channel, Round
from ilja.db import engine_for, transaction
from ilja.messages.models import OutboxMessage
from ilja.people import consents, registry
from ilja.people.consent_models import Consent, ConsentVia
from ilja.privacy import consent
from ilja.privacy.errors import PrivacyError
from tests.applications.factories import CITIZEN, MANAGER, open_round, register
from tests.applications.test_import import row, run_import, write_csv
from tests.selection.test_service import drawn_round

ALL = {"collection_use": "2025-01-01", "sensitive": "2025-01-01", "unique_id": "2025-01-01"}
REQUIRED = {"collection_use": "2025-01-01", "unique_id": "2025-01-01"}


def apply_with(url: str, round_id: int, person_id: int, given: dict[str, str]) -> int:
    """Apply as the web form does: the person as the consents allow, the consents recorded."""
    with transaction(engine_for(url)) as session:
        row = session.get_one(Round, round_id)
        given = consents.checked(row.program_code, clock.today(), given)
        person = consents.usable_person(service.applicant(session, registry.get_person(session, person_id)), given,
                                       row.starts_on)
        submission = service.submit(session, round_id=round_id, person_id=person_id, person=person,
                                    preferences=["care"], channel=Channel.WEB, idempotency_key=f"k-{person_id}",
                                    actor=CITIZEN)
        consents.record(session, person_id=person_id, application_id=submission.application.id, given=given,
                       via=ConsentVia.WEB, actor=CITIZEN)
        return submission.application.id


def own(url: str, application_id: int, purpose: str) -> tuple[int, Scope]:
    with transaction(engine_for(url)) as session:
        row = session.scalars(select(Consent).where(Consent.application_id == application_id,
                                                    Consent.purpose == purpose)).one()
        return row.id, Scope(Role.CITIZEN, person_id=row.person_id)


def test_the_disability_counts_only_with_its_consent_and_withdrawing_it_recalculates(database_url, keyring):
    round_id = open_round(database_url)
    groups = ["disabled", "long_term_unemployed"]
    with_consent = apply_with(database_url, round_id, register(database_url, keyring, vulnerable_groups=groups), ALL)
    without = apply_with(database_url, round_id, register(database_url, keyring, vulnerable_groups=groups),
                         REQUIRED)
    with transaction(engine_for(database_url)) as session:
        before = session.get_one(Application, with_consent).score
        refused = session.get_one(Application, without).score
        assert before > refused
        assert consents.sensitive_allowed(session, with_consent) and not consents.sensitive_allowed(session, without)
    consent_id, scope = own(database_url, with_consent, "sensitive")
    with transaction(engine_for(database_url)) as session:
        result = consent.withdraw(session, consent_id, actor=CITIZEN, scope=scope)
        assert result.consequence is consent.Consequence.PRIORITY_RECALCULATED and result.withdrawn_too == []
    with transaction(engine_for(database_url)) as session:
        application = session.get_one(Application, with_consent)
        assert application.score == refused and application.status == "eligible"
        line = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == with_consent)
                               .order_by(ApplicationEvent.id.desc())).first()
        assert (line.reason_code, line.from_status, line.to_status) == (
            "consent.sensitive_withdrawn", "eligible", "eligible")
        assert set(consents.active(session, with_consent)) == {"collection_use", "unique_id"}
        entry = session.scalars(select(AuditRecord).where(AuditRecord.action == "consent.withdraw")).one()
        assert entry.details["consequence"] == "priority_recalculated"
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "consent_withdrawn")).one()
        assert "가점과 우선선발 여부를 다시 계산" in message.body
        with pytest.raises(PrivacyError, match="already withdrawn"):
            consent.withdraw(session, consent_id, actor=CITIZEN, scope=scope)
        view = registry.read_person(session, scope.person_id, actor=MANAGER, personal=True)
        assert consents.shown_to_staff(session, view).vulnerable_groups == ["long_term_unemployed"]
        other = registry.read_person(session, session.get_one(Application, without).person_id, actor=MANAGER,
                                     personal=True)
        assert "disabled" not in consents.shown_to_staff(session, other).vulnerable_groups


def test_withdrawing_the_main_consent_withdraws_the_application_and_its_other_consents(database_url, keyring):
    round_id = open_round(database_url)
    application_id = apply_with(database_url, round_id, register(database_url, keyring), ALL)
    consent_id, scope = own(database_url, application_id, "collection_use")
    someone_else = Scope(Role.CITIZEN, person_id=scope.person_id + 1000)
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(PrivacyError, match="No such consent"):
            consent.withdraw(session, consent_id, actor=CITIZEN, scope=someone_else)
        result = consent.withdraw(session, consent_id, actor=CITIZEN, scope=scope)
        assert result.consequence is consent.Consequence.APPLICATION_WITHDRAWN and len(result.withdrawn_too) == 2
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, application_id).status == "withdrawn"
        assert consents.active(session, application_id) == {}
        reasons = [e.reason_code for e in service.history(session, application_id)]
        assert reasons[-1] == "consent.withdrawn"


def test_after_the_draw_a_withdrawn_consent_frees_the_seat_or_asks_for_a_recheck(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring, people=6)
    with transaction(engine_for(database_url)) as session:
        statuses = dict(session.execute(select(Application.id, Application.status)
                                        .where(Application.id.in_(ids))).all())
        seated = [a for a in ids if statuses[a] == "selected"]
        for application_id in seated[:2]:
            application = session.get_one(Application, application_id)
            consents.record(session, person_id=application.person_id, application_id=application_id,
                           given=consents.paper("companion_jobs", application.evaluated_on), via=ConsentVia.PAPER,
                           actor=MANAGER)
    main_id, scope = own(database_url, seated[0], "collection_use")
    sensitive_id, other = own(database_url, seated[1], "sensitive")
    with transaction(engine_for(database_url)) as session:
        assert consent.withdraw(session, main_id, actor=CITIZEN, scope=scope).consequence is \
            consent.Consequence.APPLICATION_WITHDRAWN
        assert consent.withdraw(session, sensitive_id, actor=CITIZEN, scope=other).consequence is \
            consent.Consequence.PRIORITY_RECHECK
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, seated[0]).status == "withdrawn"
        assert service.history(session, seated[0])[-1].reason_code == "withdrawal.declined"
        last = service.history(session, seated[1])[-1]
        assert (last.reason_code, last.to_status, last.details) == (
            "consent.sensitive_withdrawn", "selected", {"recheck": True})


def test_an_import_records_the_paper_forms_consent(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    path = write_csv(tmp_path / "은평구.csv", [row(n) for n in range(1, 4)])
    run_import(database_url, path, round_id, keyring)
    with transaction(engine_for(database_url)) as session:
        applications = set(session.scalars(select(Application.id).where(Application.round_id == round_id)))
        stored = session.scalars(select(Consent)).all()
        assert {c.application_id for c in stored} == applications
        assert sorted(c.purpose for c in stored) == sorted(list(ALL) * 3) and {c.given_via for c in stored} == {"paper"}
