"""A failing statement's error, as it reaches a log, carries no personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from ilja.db import engine_for


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
