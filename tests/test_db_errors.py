"""A failing statement's error, as it reaches a log, carries no personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from ilja.db import engine_for, scrub_driver_message


def test_a_failed_insert_does_not_show_its_parameters(database_url):
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE leak_probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)"))
    try:
        with pytest.raises((IntegrityError, StatementError)) as raised, engine.begin() as connection:
            connection.execute(text("INSERT INTO leak_probe (id, note) VALUES (:id, :note)"),
                               [{"id": 1, "note": "김민준 010-1234-5678"},
                                {"id": 1, "note": "이서연 010-9876-5432"}])
        message = str(raised.value)
        assert "[SQL parameters hidden due to hide_parameters=True]" in message
        for secret in ("김민준", "010-1234-5678", "이서연", "010-9876-5432"):
            assert secret not in message
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE leak_probe"))


def test_a_database_message_loses_the_values_it_quotes():
    message = ('duplicate key value violates unique constraint "uq_people_phone"\n'
               'DETAIL:  Key (phone)=(01073452231) already exists.')
    assert scrub_driver_message(message, ["uq_people_phone"]) == (
        'duplicate key value violates unique constraint "uq_people_phone"')
    assert scrub_driver_message('invalid input syntax for type integer: "김누설"') == (
        'invalid input syntax for type integer: "[value hidden]"')


def test_a_real_violation_on_the_database_names_no_value(database_url):
    """PostgreSQL quotes the row back (``DETAIL: Key (note)=(…)``, ``Failing row contains``);
    neither the exception, its cause nor its traceback may show it."""
    import traceback

    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE leak_probe2 (id INTEGER PRIMARY KEY, note TEXT UNIQUE, "
                                "n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO leak_probe2 VALUES (1, :note, 1)"), {"note": SECRET})
    try:
        failing = [("INSERT INTO leak_probe2 VALUES (2, :note, 1)", {"note": SECRET}),
                   ("INSERT INTO leak_probe2 VALUES (3, :note, NULL)", {"note": SECRET})]
        if engine.dialect.name == "postgresql":  # SQLite casts any text to a number
            failing.append(("INSERT INTO leak_probe2 VALUES (4, 'x', CAST(:n AS INTEGER))",
                            {"n": SECRET}))
        for statement, values in failing:
            with pytest.raises((IntegrityError, StatementError)) as raised, engine.begin() as connection:
                connection.execute(text(statement), values)
            shown = "".join(traceback.format_exception(raised.value))
            assert not _leaks(shown), (statement, shown)
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE leak_probe2"))


SECRET = "김누설 010-7345-2231"
NAME, PHONE, ADDRESS = "김누설", "010-7345-2231", "누설로 77"
MARKERS = (NAME, PHONE, PHONE.replace("-", ""), ADDRESS)


def _leaks(text_: str) -> list[str]:
    from urllib.parse import quote

    return [m for m in MARKERS if m in text_ or quote(m) in text_]
