"""The household entered by hand from a 주민등록등본 (issue 21 §5), on SQLite and PostgreSQL: its
members and incomes become verified facts (size, summed income), audited with who, when and which
paper; an income over the limit takes eligibility away with a decision; bad entries are refused
naming the field, and nothing changes."""

from __future__ import annotations

import pytest
from bench.verification import world
from sqlalchemy import func, select

from ilja.accounts.models import AuditIntake, AuditRecord
from ilja.applications.models import Application
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.people.rrn import generate_key_file
from ilja.verification import records_check, service
from ilja.verification.evaluation import verified_of
from ilja.verification.models import Verification
from tests.verification.households import with_households

STAFF = world.MANAGER


@pytest.fixture
def round_of_four(database_url, tmp_path):
    engine = engine_for(database_url)
    keyring = generate_key_file(tmp_path / "keys.json")
    with transaction(engine) as session:
        built = world.build(session, 4, keyring, seats=2)
        first = built.application_ids[0]
        copy = service.record_counter_document(session, first, "resident_registration_copy", actor=STAFF,
                                               note="원본 확인")
    return engine, built, keyring, first, copy.id


def _audited(engine, action):
    with engine.connect() as connection:
        return [details for table in (AuditIntake, AuditRecord) for details in connection.execute(
            select(table.details).where(table.action == action, table.actor_id == STAFF.id)).scalars()]


def test_members_from_the_copy_become_verified_facts_and_can_take_eligibility_away(round_of_four):
    engine, built, keyring, first, copy = round_of_four
    with transaction(engine) as session:
        result = service.set_household(session, first, [("self", "1,000,000"), ("", ""), ("spouse", "400000")],
                                       document_id=copy, actor=STAFF)
        assert result.became_ineligible == []
        assert verified_of(session, [first])[first] == {
            "household_members": [["self", 1_000_000], ["spouse", 400_000]], "household_size": 2,
            "household_income_krw": 1_400_000}
        facts = service.verified_facts(session, first)
        assert facts["household_size"].method == "resident_copy" and facts["household_size"].document_id == copy
        assert facts["household_size"].source == "주민등록등본 (창구 확인)"
    assert _audited(engine, "verification.household") == [{
        "application": first, "facts": ["household_income_krw", "household_members", "household_size"],
        "document": copy}]
    with transaction(engine) as session:  # the same household again, now with a child earning much
        result = service.set_household(session, first, [("self", "1000000"), ("spouse", "400000"),
                                                        ("child", "9,000,000")], document_id=copy, actor=STAFF)
        assert result.became_ineligible == [first]
        assert session.get_one(Application, first).status == "ineligible"
        assert session.scalars(select(Decision.kind)).all() == ["not_eligible"]
        assert session.scalar(select(func.count()).select_from(Verification)) == 1  # updated, not added


def test_a_records_check_after_the_copy_replaces_it_and_the_copy_after_a_check_takes_its_facts(round_of_four):
    engine, built, keyring, first, copy = round_of_four
    with transaction(engine) as session:
        service.set_household(session, first, [("self", "900000")], document_id=copy, actor=STAFF)
        records_check.import_check(session, with_households(built, world.records_file(built)), "check.csv",
                                   built.round_id, checked_on=world.ANNOUNCED, actor=STAFF, keyring=keyring)
        assert "household_members" not in verified_of(session, [first])[first]
        service.set_household(session, first, [("self", "900000")], document_id=copy, actor=STAFF)
        facts = verified_of(session, [first])[first]
        assert (facts["household_size"], facts["household_income_krw"]) == (1, 900_000)
        assert facts["household_assets_krw"] == 50_000_000 and "household" in facts  # the check's others kept


@pytest.mark.parametrize(("entries", "paper", "field"), [
    ([("self", "1000000")], None, "document_id"),
    ([("spouse", "1000000")], "copy", "relation-0"),
    ([("self", "1000000"), ("self", "0")], "copy", "relation-0"),
    ([("self", "1000000"), ("spouse", "많음")], "copy", "income-1"),
    ([("self", "1000000"), ("uncle", "0")], "copy", "relation-1"),
], ids=["no_copy", "no_self", "self_twice", "bad_income", "bad_relation"])
def test_a_bad_entry_is_refused_naming_its_field(round_of_four, entries, paper, field):
    engine, built, keyring, first, copy = round_of_four
    with transaction(engine) as session:
        with pytest.raises(service.VerificationError) as refused:
            service.set_household(session, first, entries, document_id=copy if paper else None, actor=STAFF)
        assert refused.value.field == field
        assert session.scalar(select(func.count()).select_from(Verification)) == 0
