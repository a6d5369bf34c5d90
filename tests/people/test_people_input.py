"""Bad input to the people API is a clear 422 naming the field, never a 500 or a silent reading:
a number is not a date, true is not an income, 시·도 is one of the 17, an RRN or a control
character in free text is refused; and a control character already stored does not break the
XLSX or CSV export (issue 17 §5)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from sqlalchemy import update

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.people.models import Person
from tests.people.conftest import record, valid_rrn
from tests.people.test_people_web import site  # noqa: F401 - the fixture

RRN = valid_rrn("880808", "2", "34567")


def _register(site, **changes):  # noqa: F811
    return site.api("program_manager", "POST", "/people",
                    json={**record(name="박서준", phone="010-4444-5555"), "program": "youth_academy",
                          **changes})


def _problems(response) -> dict[str, str]:
    """Field → code, from FastAPI's validation body or the registry's own (``problems``)."""
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return {p["field"]: p["code"] for p in detail["problems"]}
    return {str(p["loc"][-1]): p["type"] for p in detail}


BAD_VALUES = [
    ({"birth_date": 0}, "birth_date", "date_type"),
    ({"birth_date": 19900101}, "birth_date", "date_type"),
    ({"household_income_krw": True}, "household_income_krw", "int_type"),
    ({"household_size": False}, "household_size", "int_type"),
    ({"able_to_work": 1}, "able_to_work", "bool_type"),
    ({"sido": "서울"}, "sido", "sido_unknown"),
    ({"sido": "Atlantis"}, "sido", "sido_unknown"),
    ({"birth_date": (clock.today() + dt.timedelta(days=30)).isoformat()}, "birth_date",
     "birth_date_future"),
    ({"address_detail": f"월드컵북로 1 ({RRN})"}, "address_detail", "text_rrn"),
    ({"address_detail": "월드컵북로 1 " + RRN.replace("-", "")}, "address_detail", "text_rrn"),
    ({"name": "홍길동\x07"}, "name", "text_control_character"),
    ({"sigungu": "마포구\x00"}, "sigungu", "text_control_character"),
]


def test_a_bad_value_is_refused_where_it_is_and_good_ones_register(site):  # noqa: F811
    for changes, field, code in BAD_VALUES:
        response = _register(site, **changes)
        assert response.status_code == 422, changes
        assert _problems(response) == {field: code}, changes
        assert RRN not in response.text and RRN.replace("-", "") not in response.text
    response = _register(site, sido="경기도", sigungu="성남시", household_income_krw=2_400_000,
                         address_detail="분당로 12, 전화 010-4444-5555")
    assert response.status_code == 201


def test_a_stored_control_character_does_not_break_the_exports_and_reasons_hold_no_rrn(site):  # noqa: F811
    with transaction(engine_for(site.url)) as session:  # stored before input refused it
        session.execute(update(Person).where(Person.id == site.me).values(
            address_detail="월드컵\x0b북로\x1b 1", name="=HYPERLINK(\"x\")"))
    xlsx = site.api("program_manager", "POST", "/people/export",
                    json={"reason": "엑셀로 제출", "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in sheet[1]]
    mine = dict(zip(header, rows[site.me], strict=True))
    assert mine["address_detail"] == "월드컵북로 1"
    assert mine["name"] == "'=HYPERLINK(\"x\")"
    text = site.api("program_manager", "POST", "/people/export",
                    json={"reason": "CSV로 제출", "format": "csv"})
    assert text.status_code == 200
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text.content.decode("utf-8-sig")))}
    assert rows[site.me]["address_detail"] == "월드컵북로 1"
    assert rows[site.me]["name"].startswith("'=")
    response = site.api("program_manager", "POST", "/people/export",
                        json={"reason": f"{RRN} 명단", "format": "csv"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "text_rrn"
    assert RRN not in response.text
