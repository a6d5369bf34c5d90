"""Registry fixtures: a fresh key file per test, records in the registry's shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ilja.accounts import audit
from ilja.people.rrn import KeyRing, expected_check_digit, generate_key_file

MANAGER = audit.Actor("1", "program_manager", "127.0.0.1")
COORDINATOR = audit.Actor("2", "job_coordinator", "127.0.0.1")
AUDITOR = audit.Actor("3", "auditor", "127.0.0.1")
TODAY = dt.date(2025, 6, 1)


def valid_rrn(front: str = "900101", gender: str = "1", serial: str = "23456") -> str:
    """A pre-2020 number with a correct check digit."""
    body = front + gender + serial
    return f"{front}-{gender}{serial}{expected_check_digit(body + '0')}"


def cell_text(value: Any) -> str | None:
    """A person's field as an import file's cell holds it: blank for nothing, 예/아니오 for a
    flag, a list as JSON."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "예" if value else "아니오"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def record(**overrides: Any) -> dict[str, Any]:
    base = {
        "name": "홍길동",
        "phone": "010-1234-5678",
        "birth_date": "1990-01-01",
        "sido": "서울특별시",
        "sigungu": "마포구",
        "address_detail": "월드컵북로 1",
        "employment_status": "unemployed",
        "able_to_work": True,
        "household_head": True,
        "household_size": 1,
        "nationality": "KR",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def keyring(tmp_path) -> KeyRing:
    return generate_key_file(tmp_path / "keys" / "data-keys.json")


@pytest.fixture
def key_file(tmp_path, keyring):
    return tmp_path / "keys" / "data-keys.json"
