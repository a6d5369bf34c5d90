"""Checking a file of applications (``import_rows.validate_file``): each row's choices are
checked once for each distinct list of them, and every row that holds a bad list is reported
with its row, column and reason — as when each row was checked alone."""

from __future__ import annotations

import pytest
from tests.applications.factories import open_round
from tests.applications.test_import import row, write_csv

from ilja.applications import import_rows, rounds
from ilja.applications.errors import ImportRejected
from ilja.db import engine_for, transaction


def test_rows_with_the_same_bad_choices_are_each_reported(database_url, tmp_path):
    round_id = open_round(database_url)
    rows = [row(1), row(2, **{"1지망": "nowhere"}), row(3), row(4, **{"1지망": "nowhere"}),
            row(5, **{"1지망": " care "})]
    path = write_csv(tmp_path / "choices.csv", rows)
    with transaction(engine_for(database_url)) as session:
        round_row, units = rounds.lock_round_with_units(session, round_id, shared=True)
        with pytest.raises(ImportRejected) as rejected:
            import_rows.validate_file(path, round_row, units)
        assert [(r.row, r.column) for r in rejected.value.rows] == [(2, "1지망"), (4, "1지망")]
        assert rejected.value.rows[0].reason == rejected.value.rows[1].reason
        assert "nowhere" in rejected.value.rows[0].reason  # the unit named, as check_preferences
        good, _ = import_rows.validate_file(write_csv(tmp_path / "good.csv", [rows[0], rows[4]]),
                                            round_row, units)
    assert [r.preferences for r in good] == [["care"], ["care"]]
    assert good[0].preferences is not good[1].preferences
