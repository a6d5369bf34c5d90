"""Persons for rule tests: a valid default that each test changes in the one way it is about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ilja.rules.population import Person


def person(**changes: Any) -> Person:
    data: dict[str, Any] = {
        "id": "T1",
        "birth_date": dt.date(1990, 6, 15),
        "sido": "서울특별시",
        "sigungu": "마포구",
        "employment_status": "unemployed",
        "able_to_work": True,
        "household_head": False,
        "household_size": 3,
        "vulnerable_groups": ["near_poor"],
        "veteran_service_months": 0,
        "nationality": "KR",
        "visa": "",
        "unemployment_benefit_periods": [],
        "training_history": [],
        "household_income_krw": 2_000_000,
        "household_assets_krw": 50_000_000,
        "receives_livelihood_benefit": False,
    }
    data.update(changes)
    return Person.model_validate(data)

