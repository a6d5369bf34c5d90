"""The registry asks at intake for the facts the person format lets a caller leave out."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ilja.people.records import PersonRecord

COMPLETE = {"name": "김민준", "birth_date": "1990-01-01", "sido": "서울특별시", "sigungu": "마포구",
            "employment_status": "unemployed", "able_to_work": True, "household_head": False,
            "household_size": 2, "nationality": "KR"}
STORED_FACTS = ("sido", "sigungu", "employment_status", "able_to_work", "household_head",
                "household_size", "nationality")


def test_a_complete_record_is_taken():
    assert PersonRecord.model_validate(COMPLETE).sido == "서울특별시"


@pytest.mark.parametrize("fact", STORED_FACTS)
@pytest.mark.parametrize("absent", ["missing", "blank"])
def test_a_record_without_a_stored_fact_is_refused_by_name(fact, absent):
    data = {k: v for k, v in COMPLETE.items() if k != fact}
    if absent == "blank":
        data[fact] = " "
    with pytest.raises(ValidationError) as raised:
        PersonRecord.model_validate(data)
    assert [error["loc"] for error in raised.value.errors()] == [(fact,)]
