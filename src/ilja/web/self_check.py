"""The self-check form ("내가 신청할 수 있는 사업"): its fields, defaults and validation.

The form posts plain fields; ``parse_form`` turns them into a ``Person`` of the person format
plus the round's dates, or into a list of errors, each naming the field (its element id, for
the error summary's links) and a catalogue key with its parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ilja.rules.population import EMPLOYMENT_STATUSES, TRAINING_RESULTS, VULNERABLE_GROUPS, Person
from ilja.web import countries

SEOUL = "서울특별시"
# 17 first-level divisions (시·도): the value is what the person format stores.
SIDO = (
    ("seoul", SEOUL), ("busan", "부산광역시"), ("daegu", "대구광역시"), ("incheon", "인천광역시"),
    ("gwangju", "광주광역시"), ("daejeon", "대전광역시"), ("ulsan", "울산광역시"),
    ("sejong", "세종특별자치시"), ("gyeonggi", "경기도"), ("gangwon", "강원특별자치도"),
    ("chungbuk", "충청북도"), ("chungnam", "충청남도"), ("jeonbuk", "전북특별자치도"),
    ("jeonnam", "전라남도"), ("gyeongbuk", "경상북도"), ("gyeongnam", "경상남도"),
    ("jeju", "제주특별자치도"),
)
YES_NO = ("yes", "no")
LIVELIHOOD_CHOICES = ("unknown", "yes", "no")
COURSE_ROWS = (1, 2)
MAX_HOUSEHOLD = 30
MAX_SERVICE_MONTHS = 600
MAX_MONEY = 10**12


@dataclass
class FormError:
    field: str  # the element id the summary links to
    key: str  # catalogue key under ``errors.``
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class SelfCheck:
    person: Person
    on: dt.date
    announced: dt.date


def default_values(today: dt.date) -> dict[str, Any]:
    return {
        "sido": SEOUL, "nationality": "KR", "household_size": "1", "veteran_service_months": "0",
        "receives_livelihood_benefit": "unknown", "on": today.isoformat(),
        "announced": today.isoformat(), "vulnerable_groups": [],
    }


def form_values(form: Mapping[str, Any], getlist: Any) -> dict[str, Any]:
    """The submitted values as strings (and the list of checked groups), to refill the form."""
    values = {key: str(value).strip() for key, value in form.items() if key != "vulnerable_groups"}
    values["vulnerable_groups"] = [str(v) for v in getlist("vulnerable_groups")]
    return values


def first_id(name: str, choices: Sequence[str]) -> str:
    """The id of a radio group's first input: where an error about the group links to."""
    return f"{name}-{choices[0]}"


class _Reader:
    def __init__(self, values: Mapping[str, Any], today: dt.date):
        self.values = values
        self.today = today
        self.errors: list[FormError] = []

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def date(self, name: str, *, required: bool, label: str | None = None) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            if required:
                self.errors.append(FormError(name, "date_required", {"field": label or name}))
            return None
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            self.errors.append(FormError(name, "date_invalid", {"field": label or name}))
            return None
        if not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
            self.errors.append(FormError(name, "date_range", {"field": label or name}))
            return None
        return value

    def integer(self, name: str, *, required: bool, low: int, high: int) -> int | None:
        raw = self.text(name).replace(",", "")
        if not raw:
            if required:
                self.errors.append(FormError(name, f"{name}_required"))
            return None
        try:
            value = int(raw)
        except ValueError:
            self.errors.append(FormError(name, "integer_invalid", {"field": name}))
            return None
        if not low <= value <= high:
            self.errors.append(FormError(name, f"{name}_range", {"low": low, "high": high}))
            return None
        return value

    def choice(self, name: str, choices: Sequence[str]) -> str | None:
        raw = self.text(name)
        if raw not in choices:
            self.errors.append(FormError(first_id(name, choices), f"{name}_required"))
            return None
        return raw


def parse_form(values: Mapping[str, Any], today: dt.date, districts: Sequence[str]) -> SelfCheck | list[FormError]:
    """Validate the submitted form; a ``SelfCheck`` when it is all well, else the errors in form order."""
    r = _Reader(values, today)
    birth = r.date("birth_date", required=True, label="birth_date")
    if birth is not None and birth > today:
        r.errors.append(FormError("birth_date", "birth_date_future"))
    sido = r.text("sido")
    if sido not in {value for _, value in SIDO}:
        r.errors.append(FormError("sido", "sido_required"))
    sigungu = r.text("sigungu") if sido == SEOUL else r.text("sigungu_other")
    if sido == SEOUL and sigungu not in districts:
        r.errors.append(FormError("sigungu", "sigungu_required"))
    elif sido and sido != SEOUL and not sigungu:
        r.errors.append(FormError("sigungu_other", "sigungu_other_required"))
    status = r.choice("employment_status", EMPLOYMENT_STATUSES)
    able = r.choice("able_to_work", YES_NO)
    head = r.choice("household_head", YES_NO)
    size = r.integer("household_size", required=True, low=1, high=MAX_HOUSEHOLD)
    groups = [g for g in values.get("vulnerable_groups", []) if g in VULNERABLE_GROUPS]
    service = r.integer("veteran_service_months", required=False, low=0, high=MAX_SERVICE_MONTHS)
    nationality = r.text("nationality").upper()
    if not countries.is_code(nationality):
        r.errors.append(FormError("nationality", "nationality_invalid"))
    visa = r.text("visa").upper()
    if len(visa) > 10:
        r.errors.append(FormError("visa", "visa_invalid"))
    periods = _benefit_periods(r)
    history = _courses(r)
    income = r.integer("household_income_krw", required=False, low=0, high=MAX_MONEY)
    assets = r.integer("household_assets_krw", required=False, low=0, high=MAX_MONEY)
    livelihood = r.choice("receives_livelihood_benefit", LIVELIHOOD_CHOICES)
    on = r.date("on", required=True, label="on")
    announced = r.date("announced", required=False, label="announced") or on
    if on and announced and announced > on:
        r.errors.append(FormError("announced", "announced_after_start"))
    if r.errors:
        return r.errors
    data = {
        "id": "self-check", "birth_date": birth, "sido": sido, "sigungu": sigungu,
        "employment_status": status, "able_to_work": able == "yes", "household_head": head == "yes",
        "household_size": size, "vulnerable_groups": groups, "veteran_service_months": service or 0,
        "nationality": nationality, "visa": visa, "unemployment_benefit_periods": periods,
        "training_history": history, "household_income_krw": income, "household_assets_krw": assets,
        "receives_livelihood_benefit": None if livelihood == "unknown" else livelihood == "yes",
    }
    try:
        person = Person.model_validate(data)
    except ValidationError as exc:
        return [FormError(str(e["loc"][0]) if e["loc"] else "birth_date", "invalid") for e in exc.errors()]
    assert on is not None and announced is not None
    return SelfCheck(person, on, announced)


def _period(r: _Reader, start_name: str, end_name: str) -> tuple[dt.date, dt.date] | None:
    start = r.date(start_name, required=False, label=start_name)
    end = r.date(end_name, required=False, label=end_name)
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = start_name if start is None else end_name
        if not r.text(missing):
            r.errors.append(FormError(missing, "period_incomplete"))
        return None
    if end < start:
        r.errors.append(FormError(end_name, "period_order"))
        return None
    return start, end


def _benefit_periods(r: _Reader) -> list[dict[str, dt.date]]:
    period = _period(r, "benefit_start", "benefit_end")
    return [{"start": period[0], "end": period[1]}] if period else []


def _courses(r: _Reader) -> list[dict[str, Any]]:
    history = []
    for row in COURSE_ROWS:
        period = _period(r, f"course{row}_start", f"course{row}_end")
        result = r.text(f"course{row}_result")
        if period is None:
            continue
        if result not in TRAINING_RESULTS:
            r.errors.append(FormError(f"course{row}_result", "course_result_required"))
            continue
        history.append({"program": "youth_academy", "start": period[0], "end": period[1],
                        "result": result})
    return history
