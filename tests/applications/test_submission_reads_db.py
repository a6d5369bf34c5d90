"""A submission's reads (issue 20 §1): ``service.round_and_applicant`` — on PostgreSQL one statement
for the round with its units, the applicant's record and the courses they ended here — gives what
the reads it replaced give one after another (``lock_round_with_units``, ``person_record``,
``applicant``), on SQLite and PostgreSQL: with a registered history and courses ended here, with
none, for a person who does not exist and for a round that does not exist."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from tests.training.test_history_db import _end_four

from ilja.applications import rounds, service
from ilja.applications.errors import RoundNotFound
from ilja.db import engine_for, transaction
from ilja.people.models import Person

REGISTERED = [{"program": "youth_academy", "start": "2023-03-02", "end": "2023-06-30", "result": "completed"},
              {"program": "youth_academy", "start": "2026-01-05", "end": "2026-02-27", "result": "dropped"}]


def _one_by_one(session, round_id: int, person_id: int):
    locked = rounds.lock_round_with_units(session, round_id, shared=True)
    found = service.person_record(session, person_id)
    return locked, None if found is None else service.applicant(session, found)


def test_one_statement_reads_what_the_three_read(database_url, keyring):
    who = _end_four(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        session.execute(update(Person).where(Person.id == who["done"]).values(training_history=REGISTERED))
    with transaction(engine_for(database_url)) as session:
        round_id = service.get_application(session, service.applications_of_person(session, who["done"])[0].id).round_id
        missing = max(who.values()) + 1000
        for person_id in [*who.values(), missing]:
            (row, units), person = service.round_and_applicant(session, round_id, person_id)
            (expected_row, expected_units), expected = _one_by_one(session, round_id, person_id)
            assert {name: getattr(row, name) for name in expected_row._fields} == expected_row._asdict()
            assert units == expected_units and units
            assert person == expected
            assert (person is None) == (person_id == missing)
        _, done = service.round_and_applicant(session, round_id, who["done"])
        assert [(str(r.start), r.result) for r in done.training_history] == [
            ("2023-03-02", "completed"), ("2025-12-01", "completed"), ("2026-01-05", "dropped")]
        _, silent = service.round_and_applicant(session, round_id, who["silent"])
        assert [r.result for r in silent.training_history] == ["quit_without_notice"]
        _, still = service.round_and_applicant(session, round_id, who["still"])
        assert still.training_history == []
        with pytest.raises(RoundNotFound):
            service.round_and_applicant(session, round_id + 1000, who["done"])
