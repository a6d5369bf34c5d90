"""Correction requests (개인정보 보호법 §36) on SQLite and PostgreSQL: filed with the deadline,
queued for the staff who may see the person, answered — accepted (the registry's field corrected
through people.registry, audited) or refused with reasons — and the answer sent to the person."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import PermissionDenied, Role
from ilja.accounts.scope import SYSTEM, Scope
from ilja.db import engine_for, transaction
from ilja.messages.models import OutboxMessage
from ilja.people.models import Person
from ilja.privacy import corrections
from ilja.privacy.errors import PrivacyError
from tests.applications.factories import CITIZEN, MANAGER, register

OPERATOR = audit.Actor("5", "operator", "127.0.0.1")
FILED = dt.datetime(2026, 12, 9, 10, tzinfo=clock.SEOUL)  # a Wednesday


def file(url: str, person_id: int, item: str = "phone", asked: str = "010-2222-3333") -> int:
    with clock.frozen(FILED), transaction(engine_for(url)) as session:
        return corrections.file(session, person_id=person_id, item=item, wrong="예전 번호입니다",
                                asked=asked, actor=CITIZEN).id


def test_a_request_is_queued_with_its_deadline_and_a_bad_one_names_the_field(database_url, keyring):
    person = register(database_url, keyring)
    request_id = file(database_url, person)
    with transaction(engine_for(database_url)) as session:
        row = corrections.get(session, request_id)
        assert row.due_on == dt.date(2026, 12, 21)  # ten days on is a Saturday: the Monday after
        assert [r.id for r in corrections.queue(session, SYSTEM)] == [request_id]
        assert corrections.queue(session, Scope(Role.OPERATOR, site_code="campus.mapo")) == []
        assert corrections.get(session, request_id, Scope(Role.CITIZEN, person_id=person + 1)) is None
        with pytest.raises(PrivacyError) as empty:
            corrections.file(session, person_id=person, item="phone", wrong=" ", asked="x", actor=CITIZEN)
        assert (empty.value.field, empty.value.code) == ("wrong", "required")
        with pytest.raises(PrivacyError) as unknown:
            corrections.file(session, person_id=person, item="shoe_size", wrong="x", asked="x", actor=CITIZEN)
        assert unknown.value.field == "item"
        assert session.scalars(select(AuditRecord.action).where(AuditRecord.action == "correction.file")).all() == [
            "correction.file"]


def test_an_accepted_request_corrects_the_registry_and_tells_the_person(database_url, keyring):
    person = register(database_url, keyring)
    request_id = file(database_url, person)
    # an operator may answer, but only people.edit corrects the registry
    with transaction(engine_for(database_url)) as session, pytest.raises(PermissionDenied):
        corrections.answer(session, request_id, accept=True, text="고쳤습니다", actor=OPERATOR)
    with transaction(engine_for(database_url)) as session:
        row = corrections.answer(session, request_id, accept=True, text="전화번호를 고쳤습니다.", actor=MANAGER)
        assert (row.status, row.corrected_fields) == ("accepted", "phone")
        with pytest.raises(PrivacyError, match="already been answered"):
            corrections.answer(session, request_id, accept=False, text="x", actor=MANAGER)
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Person, person).phone == "01022223333"
        update = session.scalars(select(AuditRecord).where(AuditRecord.action == "person.update")).one()
        assert update.details == {"via": f"correction:{request_id}", "fields": ["phone"]}
        message = session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == "privacy_correction_answered")).one()
        assert message.person_id == person and "정정했습니다" in message.body and "전화번호" in message.body


def test_a_refusal_needs_reasons_and_another_item_is_corrected_in_its_own_domain(database_url, keyring):
    person = register(database_url, keyring)
    refused_id = file(database_url, person, item="birth_date", asked="1970-03-16")
    training_id = file(database_url, person, item="training", asked="5월 2일 출석")
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(PrivacyError) as bare:
            corrections.answer(session, refused_id, accept=False, text="", actor=OPERATOR)
        assert bare.value.field == "answer"
        corrections.answer(session, refused_id, accept=False, text="가족관계증명서의 생년월일과 같습니다.",
                           actor=OPERATOR)
        accepted = corrections.answer(session, training_id, accept=True, text="출결을 출석으로 고쳤습니다.",
                                      actor=OPERATOR)
        assert accepted.corrected_fields is None and accepted.status == "accepted"
    with transaction(engine_for(database_url)) as session:
        bodies = [m.body for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at))]
        assert any("정정하지 않은 이유: 가족관계증명서" in b and "1833-6972" in b for b in bodies)
        assert session.get_one(Person, person).birth_date == dt.date(1970, 3, 15)
