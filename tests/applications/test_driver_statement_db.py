"""A statement run on the driver's cursor (``db.DriverStatement``: a submission's read and its
insert, a sign-up's statements) converts values by the columns' types both ways, and its error,
as it reaches a log, carries no personal data — as the engine's own statements' errors
(tests/test_db_errors.py) — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ilja.db import DriverStatement, UTCDateTime, engine_for, transaction

_PROBE = Table("driver_probe", MetaData(), Column("id", Integer, primary_key=True),
               Column("note", String(64), nullable=False, unique=True), Column("at", UTCDateTime),
               Column("details", JSON))
KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def probe(database_url):
    engine = engine_for(database_url)
    _PROBE.create(engine)
    yield engine
    _PROBE.drop(engine)


def test_values_go_and_come_back_through_the_columns_types(probe):
    write = DriverStatement(insert(_PROBE).returning(_PROBE.c.id), ["note", "at", "details"])
    read = DriverStatement(select(_PROBE.c.note, _PROBE.c.at, _PROBE.c.details).where(
        _PROBE.c.id == bindparam("id")))
    at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=KST)
    with transaction(probe) as session:
        [(new_id,)] = write.run(session, {"note": "돌봄", "at": at, "details": {"가점": [1, 2]}})
        assert read.run(session, {"id": new_id}) == [["돌봄", at, {"가점": [1, 2]}]]
        assert read.run(session, {"id": new_id})[0][1].tzinfo == dt.UTC
        assert read.run(session, {"id": new_id + 1}) == []


def test_a_failed_driver_statement_names_no_value(probe):
    write = DriverStatement(insert(_PROBE), ["note"])
    with pytest.raises(IntegrityError) as raised, transaction(probe) as session:
        write.run(session, {"note": "김민준 010-1234-5678"})
        write.run(session, {"note": "김민준 010-1234-5678"})
    for text in (str(raised.value), str(raised.value.orig), str(raised.value.__cause__)):
        assert "김민준" not in text and "010-1234-5678" not in text
    with transaction(probe) as session:  # the failed transaction left nothing
        assert session.execute(select(_PROBE.c.id)).all() == []
