"""The registry on SQLite and PostgreSQL: one person per RRN, near-duplicates flagged, RRNs only
encrypted, stored only where a program's legal basis permits it, reads audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import PermissionDenied
from ilja.db import engine_for, transaction
from ilja.people import merging, registry
from ilja.people.models import DuplicateFlag, Person
from ilja.people.records import RecordInvalid, RegistryError
from ilja.rules import population
from tests.people.conftest import AUDITOR, COORDINATOR, MANAGER, TODAY, record, valid_rrn

RRN = valid_rrn()
PUBLIC_JOB = "companion_jobs"
ACADEMY = "youth_academy"


def register(url, data, keyring, program=PUBLIC_JOB):
    with transaction(engine_for(url)) as session:
        result = registry.register_person(session, data, actor=MANAGER, program=program,
                                          keyring=keyring, on=TODAY)
        return result.person.id, result.created, result


def actions(url, action=None):
    with transaction(engine_for(url)) as session:
        query = select(AuditRecord).order_by(AuditRecord.sequence)
        if action:
            query = query.where(AuditRecord.action == action)
        return session.execute(query).scalars().all()


def test_the_same_rrn_registered_twice_is_one_person(database_url, keyring):
    first_id, created, _ = register(database_url, record(rrn=RRN), keyring)
    assert created
    second_id, created, _ = register(
        database_url, record(rrn=RRN.replace("-", ""), phone="010-9999-0000",
                             employment_status="employed", household_income_krw=2_000_000),
        keyring, program="attractive_jobs.youth")
    assert second_id == first_id and not created
    with transaction(engine_for(database_url)) as session:
        people = session.execute(select(Person)).scalars().all()
        assert len(people) == 1
        person = people[0]
        assert (person.phone, person.employment_status) == ("01099990000", "employed")
        assert person.household_income_krw == 2_000_000
        assert session.execute(select(DuplicateFlag)).first() is None
    update = actions(database_url, "person.update")[-1]
    assert update.details["fields"] == ["employment_status", "household_income_krw", "phone"]


def test_an_update_keeps_what_the_newer_intake_leaves_empty(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=RRN, household_assets_krw=10), keyring)
    register(database_url, record(rrn=RRN, phone=None, address_detail=None), keyring)
    with transaction(engine_for(database_url)) as session:
        person = registry.get_person(session, person_id)
        assert person.phone == "01012345678" and person.household_assets_krw == 10


def test_a_near_duplicate_without_rrn_match_is_flagged_not_merged(database_url, keyring):
    first_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    second_id, created, result = register(database_url, record(), keyring, program=ACADEMY)
    assert created and second_id != first_id
    assert [(f.person_a_id, f.person_b_id) for f in result.flags] == [(first_id, second_id)]
    third_id, _, _ = register(database_url, record(phone="010-5555-5678"), keyring, program=ACADEMY)
    with transaction(engine_for(database_url)) as session:
        flags = session.execute(select(DuplicateFlag)).scalars().all()
        assert [(f.person_a_id, f.person_b_id, f.status) for f in flags] == [
            (first_id, second_id, "open")]
        assert session.get(Person, third_id) is not None
    flagged = actions(database_url, "person.duplicate_flag")
    assert len(flagged) == 1 and flagged[0].subject_person_id == str(second_id)


def test_rrn_is_stored_only_encrypted(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    digits = RRN.replace("-", "")
    with engine_for(database_url).connect() as connection:
        row = connection.execute(text("SELECT * FROM persons WHERE id = :id"),
                                 {"id": person_id}).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert digits not in stored and digits[6:] not in stored and RRN not in stored
    assert row["rrn_token"].startswith("v1:") and row["rrn_index"].startswith("h1:")
    assert row["rrn_masked"] == "900101-1******"
    for entry in actions(database_url):
        assert digits[6:] not in entry.canonical


def test_a_program_without_legal_basis_stores_no_rrn(database_url, keyring):
    person_id, created, result = register(database_url, record(rrn=RRN), keyring, program=ACADEMY)
    assert created and result.rrn_refused
    assert [w.code for w in result.warnings] == ["rrn_not_permitted"]
    with transaction(engine_for(database_url)) as session:
        person = registry.get_person(session, person_id)
        assert person.rrn_token is None and person.rrn_index is None and person.rrn_masked is None
        assert registry.find_by_rrn(session, RRN, keyring=keyring) is None
    assert actions(database_url, "person.create")[-1].details["rrn"] == "refused"


def test_a_bad_rrn_is_refused_and_a_bad_check_digit_is_a_warning(database_url, keyring):
    with pytest.raises(RecordInvalid) as error:
        register(database_url, record(rrn="901301-1234567"), keyring)
    assert [(p.field, p.code) for p in error.value.problems] == [("rrn", "rrn_birth_date")]
    assert "901301" not in str(error.value)
    wrong_check = RRN[:-1] + str((int(RRN[-1]) + 1) % 10)
    _, created, result = register(database_url, record(rrn=wrong_check), keyring)
    assert created and [w.code for w in result.warnings] == ["rrn_check_digit"]
    with pytest.raises(RecordInvalid) as error:
        register(database_url, record(rrn=valid_rrn("850505"), phone="010-0000-1111"), keyring)
    assert error.value.problems[0].code == "birth_date_mismatch"


def test_birth_date_is_taken_from_the_rrn_when_left_out(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=valid_rrn("000229", "3"),
                                                    birth_date=None), keyring)
    with transaction(engine_for(database_url)) as session:
        assert str(registry.get_person(session, person_id).birth_date) == "2000-02-29"


def test_person_format_feeds_the_rules_engine(database_url, keyring):
    person_id, _, _ = register(database_url, record(
        rrn=RRN, vulnerable_groups=["disabled"], household_income_krw=1_500_000,
        unemployment_benefit_periods=[{"start": "2024-01-01", "end": "2024-06-30"}]), keyring)
    with transaction(engine_for(database_url)) as session:
        person = registry.person_format(registry.get_person(session, person_id))
    assert isinstance(person, population.Person)
    assert person.id == str(person_id) and person.vulnerable_groups == ["disabled"]
    assert person.unemployment_benefit_periods[0].end.isoformat() == "2024-06-30"
    from ilja.rules.engine import default_engine

    assert default_engine().evaluate_person(person, TODAY) is not None


def test_masked_view_and_audited_read(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    with transaction(engine_for(database_url)) as session:
        masked = registry.read_person(session, person_id, actor=AUDITOR)
        personal = registry.read_person(session, person_id, actor=COORDINATOR, personal=True)
    assert (masked.name, masked.rrn, masked.phone, masked.address_detail) == (
        "홍*동", "900101-1******", "010-****-5678", None)
    assert (personal.name, personal.rrn, personal.phone) == (
        "홍길동", "900101-1******", "010-1234-5678")
    reads = actions(database_url, "person.read")
    assert [(r.actor_id, r.subject_person_id) for r in reads] == [("3", str(person_id)),
                                                                 ("2", str(person_id))]


def test_rrn_reveal_needs_the_permission_and_a_reason_and_is_audited(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    with transaction(engine_for(database_url)) as session:
        person = registry.get_person(session, person_id)
        with pytest.raises(PermissionDenied):
            registry.reveal_rrn(session, person, actor=COORDINATOR, reason="급여 신고", keyring=keyring)
        with pytest.raises(RegistryError) as error:
            registry.reveal_rrn(session, person, actor=MANAGER, reason=" ", keyring=keyring)
        assert error.value.code == "reason_required"
        assert registry.reveal_rrn(session, person, actor=MANAGER, reason="4대보험 취득 신고",
                                   keyring=keyring) == RRN
    [entry] = actions(database_url, "person.read_rrn")
    assert (entry.actor_id, entry.subject_person_id, entry.reason) == (
        "1", str(person_id), "4대보험 취득 신고")
    assert RRN[7:] not in entry.canonical


def test_search_by_name_phone_and_birth_date_is_parameterised(database_url, keyring):
    register(database_url, record(rrn=RRN), keyring)
    register(database_url, record(name="김%_철수", phone="02-123-4567", birth_date="1985-03-04",
                                  sigungu="강남구"), keyring, program=ACADEMY)
    with transaction(engine_for(database_url)) as session:
        def names(**query):
            return [p.name for p in registry.search_people(session, **query)[0]]

        assert names(q="길동") == ["홍길동"]
        assert names(q="%") == ["김%_철수"]
        assert names(q="_") == ["김%_철수"]
        assert names(q="5678") == ["홍길동"]
        assert names(q="1985-03-04") == ["김%_철수"]
        assert names(q="19900101") == ["홍길동"]
        assert names(district="강남구") == ["김%_철수"]
        assert names(q="'; DROP TABLE persons; --") == []
        assert registry.search_people(session, q=None)[1] == 2


def test_merge_keeps_the_older_id_moves_references_and_the_rrn(database_url, keyring):
    from ilja.accounts import service
    from ilja.accounts.models import User
    from ilja.accounts.roles import Role

    older_id, _, _ = register(database_url, record(household_income_krw=None), keyring,
                              program=ACADEMY)
    newer_id, _, result = register(database_url, record(rrn=RRN, household_income_krw=900_000,
                                                        vulnerable_groups=["disabled"]), keyring)
    [flag] = result.flags
    with transaction(engine_for(database_url)) as session:
        service.create_user(session, login="citizen", password="Tr0ub4dor&3x", role=Role.CITIZEN,
                            display_name="시민", person_id=newer_id)
        with pytest.raises(PermissionDenied):
            merging.resolve_duplicate(session, flag.id, decision="merge", actor=AUDITOR,
                                       keyring=keyring)
    with transaction(engine_for(database_url)) as session:
        resolved = merging.resolve_duplicate(session, flag.id, decision="merge", actor=MANAGER,
                                              keyring=keyring)
        assert (resolved.status, resolved.person_a_id, resolved.merged_person_id) == (
            "confirmed", older_id, newer_id)
    with transaction(engine_for(database_url)) as session:
        assert registry.get_person(session, newer_id) is None
        kept = registry.get_person(session, older_id)
        assert kept.household_income_krw == 900_000 and kept.vulnerable_groups == ["disabled"]
        assert registry.find_by_rrn(session, RRN, keyring=keyring).id == older_id
        assert registry.reveal_rrn(session, kept, actor=MANAGER, reason="병합 확인",
                                   keyring=keyring) == RRN
        user = session.execute(select(User).where(User.login == "citizen")).scalar_one()
        assert user.person_id == older_id
        with pytest.raises(RegistryError) as error:
            merging.resolve_duplicate(session, flag.id, decision="dismiss", actor=MANAGER,
                                       keyring=keyring)
        assert error.value.code == "flag_resolved"
    [entry] = actions(database_url, "person.merge")
    assert entry.subject_person_id == str(older_id)
    assert entry.details["merged_person_id"] == newer_id and "rrn" in entry.details["fields_filled"]


def test_two_different_rrns_are_never_merged(database_url, keyring):
    first_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    _, _, result = register(database_url, record(rrn=valid_rrn(serial="99999")), keyring)
    [flag] = result.flags  # same name, birth date and phone, different numbers: staff look
    with transaction(engine_for(database_url)) as session, pytest.raises(RegistryError) as error:
        merging.resolve_duplicate(session, flag.id, decision="merge", actor=MANAGER,
                                   keyring=keyring)
    assert error.value.code == "merge_rrn_conflict"
    with transaction(engine_for(database_url)) as session:
        flag = merging.resolve_duplicate(session, flag.id, decision="dismiss", actor=MANAGER,
                                          keyring=keyring)
        assert flag.status == "dismissed" and flag.resolved_by == MANAGER.id
        assert registry.get_person(session, first_id) is not None


def test_errors_and_reprs_never_carry_the_number(keyring):
    from ilja.people.records import validate_record

    with pytest.raises(RecordInvalid) as error:
        validate_record(record(rrn="901301-1234567"), program=PUBLIC_JOB, on=TODAY)
    assert "1234567" not in repr(error.value.problems) and "1234567" not in str(error.value)
    valid = validate_record(record(rrn=RRN), program=PUBLIC_JOB, on=TODAY)
    assert RRN[7:] not in repr(valid) and valid.record.rrn is None
    with pytest.raises(RegistryError) as error:
        validate_record(record(), program="no_such_program")
    assert error.value.code == "program_unknown"


def test_two_intakes_of_the_same_rrn_at_once_make_one_person(database_url, keyring):
    import threading

    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def intake(phone: str) -> None:
        try:
            with transaction(engine_for(database_url)) as session:
                barrier.wait(timeout=10)
                result = registry.register_person(session, record(rrn=RRN, phone=phone),
                                                  actor=MANAGER, program=PUBLIC_JOB,
                                                  keyring=keyring, on=TODAY)
                outcomes.append(result.created)
        except BaseException as exc:  # pragma: no cover - reported below
            outcomes.append(exc)

    threads = [threading.Thread(target=intake, args=(p,)) for p in ("010-1111-0000",
                                                                     "010-2222-0000")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [False, True]
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 1
        assert audit.verify(session).ok


def test_a_household_groups_its_members_under_its_head(database_url, keyring):
    head_id, _, _ = register(database_url, record(rrn=RRN, household_size=2), keyring)
    member_id, _, _ = register(database_url, record(name="홍아들", phone=None,
                                                    birth_date="2010-05-05", household_head=False,
                                                    household_size=2, employment_status="student"),
                               keyring, program=ACADEMY)
    with transaction(engine_for(database_url)) as session:
        head, member = (registry.get_person(session, i) for i in (head_id, member_id))
        household = registry.create_household(session, actor=MANAGER, head=head,
                                              address="서울특별시 마포구", members=[member])
        household_id = household.id
    with transaction(engine_for(database_url)) as session:
        assert {registry.get_person(session, i).household_id for i in (head_id, member_id)} == {
            household_id}
    [entry] = actions(database_url, "household.create")
    assert entry.details == {"head_person_id": head_id, "members": [member_id]}


def test_an_rrn_can_be_erased_with_a_reason_keeping_the_person(database_url, keyring):
    person_id, _, _ = register(database_url, record(rrn=RRN), keyring)
    with transaction(engine_for(database_url)) as session:
        person = registry.get_person(session, person_id)
        with pytest.raises(PermissionDenied):
            registry.delete_person_rrn(session, person, actor=AUDITOR, reason="보유기간 경과")
        registry.delete_person_rrn(session, person, actor=MANAGER, reason="보유기간 경과")
    with transaction(engine_for(database_url)) as session:
        person = registry.get_person(session, person_id)
        assert (person.rrn_token, person.rrn_index, person.rrn_masked) == (None, None, None)
        assert registry.find_by_rrn(session, RRN, keyring=keyring) is None
    assert actions(database_url, "person.rrn_erase")[0].reason == "보유기간 경과"


def test_two_records_with_citizen_accounts_are_not_merged(database_url, keyring):
    from ilja.accounts import service
    from ilja.accounts.roles import Role

    older_id, _, _ = register(database_url, record(), keyring, program=ACADEMY)
    newer_id, _, result = register(database_url, record(rrn=RRN), keyring)
    [flag] = result.flags
    with transaction(engine_for(database_url)) as session:
        for login, person_id in (("citizen-a", older_id), ("citizen-b", newer_id)):
            service.create_user(session, login=login, password="Tr0ub4dor&3x", role=Role.CITIZEN,
                                display_name="시민", person_id=person_id)
    with transaction(engine_for(database_url)) as session, pytest.raises(RegistryError) as error:
        merging.resolve_duplicate(session, flag.id, decision="merge", actor=MANAGER, keyring=keyring)
    assert error.value.code == "accounts_both"
    with transaction(engine_for(database_url)) as session:
        assert registry.get_person(session, newer_id) is not None  # nothing merged
