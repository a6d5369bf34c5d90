"""A batch of new persons whose insert finds one of its RRNs already stored (by a transaction
that got there between the batch's look-up and its insert) is registered one by one, matching
that person — on SQLite (SQLAlchemy's error) and PostgreSQL, where a batch of 64 or more goes in
by COPY (which raises the driver's error) and a smaller one by INSERT (SQLAlchemy's)."""

from __future__ import annotations

from unittest import mock

import pytest
from sqlalchemy import func, select

from ilja.db import engine_for, transaction
from ilja.people import registry
from ilja.people.models import Person
from ilja.people.records import validate_record
from tests.people.conftest import MANAGER, TODAY, record, valid_rrn


@pytest.mark.parametrize("size", [3, 70])
def test_a_batch_whose_rrn_was_stored_meanwhile_is_registered_one_by_one(database_url, keyring,
                                                                          size):
    numbers = [valid_rrn("900101", "1", f"1{k:04d}") for k in range(size)]
    records = [validate_record(record(rrn=n, phone=f"010-3000-{k:04d}"), program="companion_jobs",
                               on=TODAY) for k, n in enumerate(numbers)]
    first: list[int] = []

    with transaction(engine_for(database_url)) as session:
        real = session.begin_nested

        def stored_meanwhile():  # after the batch's look-up, before its insert
            if not first:
                first.append(0)
                person, _ = registry.register_person(session, records[1], actor=MANAGER,
                                                     program="companion_jobs", keyring=keyring)
                first[0] = person.id
            return real()

        with mock.patch.object(session, "begin_nested", side_effect=stored_meanwhile):
            done = registry.register_people(session, records, actor=MANAGER,
                                            program="companion_jobs", keyring=keyring)
    assert [r.created for r in done] == [k != 1 for k in range(size)]
    assert done[1].person.id == first[0]
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == size
        for number, registration in zip(numbers, done, strict=True):
            assert registry.find_by_rrn(session, number, keyring=keyring).id == \
                registration.person.id


def test_near_duplicates_in_one_batch_are_flagged_with_those_before_them(database_url, keyring):
    """Same name, birth date and phone, other RRNs (or none): each new person is flagged with
    the one registered before the batch and with those before it in the batch."""
    same = {"name": "김동일", "phone": "010-7777-0001", "birth_date": "1990-01-01"}
    with transaction(engine_for(database_url)) as session:
        before, _ = registry.register_person(session, record(**same), actor=MANAGER,
                                             program="companion_jobs", keyring=keyring, on=TODAY)
        records = [validate_record(record(**same, rrn=valid_rrn("900101", "1", f"2{k:04d}")),
                                   program="companion_jobs", on=TODAY) for k in range(2)]
        records.append(validate_record(record(**same), program="companion_jobs", on=TODAY))
        records.insert(1, validate_record(record(name="남남", phone="010-7777-0002"),
                                          program="companion_jobs", on=TODAY))
        done = registry.register_people(session, records, actor=MANAGER,
                                        program="companion_jobs", keyring=keyring)
        ids = [r.person.id for r in done]
        flagged = [sorted(f.person_a_id + f.person_b_id - r.person.id for f in r.flags)
                   for r in done]
    assert flagged == [[before.id], [], [before.id, ids[0]], [before.id, ids[0], ids[2]]]
