"""REST endpoints of the rules engine: eligibility with explanations, parameters and their history."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from ilja.rules.engine import default_engine
from ilja.rules.explain import explanation_dict
from ilja.rules.formulas import PROGRAMS
from ilja.rules.parameters import ParameterError, default_tree
from ilja.rules.population import Person

router = APIRouter(tags=["rules"])

ProgramCode = Literal[tuple(PROGRAMS)]  # type: ignore[valid-type]


class EligibilityRequest(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    person: Person
    on: dt.date = Field(description="The round's start date (work or course start).")
    announced: dt.date | None = Field(None, description="Announcement date (default: `on`).")
    programs: list[ProgramCode] | None = Field(None, description="Only these programs (default: all).")


class LabelOut(BaseModel):
    ko: str
    en: str


class ParameterUseOut(BaseModel):
    name: str
    value: Any
    effective_from: dt.date
    source: str
    kind: str
    label: LabelOut
    unit: str | None


class ConditionOut(BaseModel):
    id: str
    label: LabelOut
    status: Literal["held", "failed", "to_verify"]
    inputs: dict[str, Any]
    parameters: list[ParameterUseOut]
    exceptions: list[str]


class PayBreakdownOut(BaseModel):
    hourly_wage: int
    work_hours: int
    weekly_holiday_hours: int
    paid_hours: int
    work_pay: int
    weekly_holiday_pay: int
    allowances: dict[str, int]
    total: int


class ProgramResultOut(BaseModel):
    program: str
    label: LabelOut
    eligible: bool
    failed: list[str]
    to_verify: list[str]
    priority_group: bool
    bonus_points: float
    monthly_pay_krw: int | None
    pay_breakdown: PayBreakdownOut | None
    conditions: list[ConditionOut]
    output_parameters: list[ParameterUseOut]
    output_exceptions: list[str]
    explanation: dict[Literal["ko", "en"], list[str]]


class EligibilityResponse(BaseModel):
    person_id: str
    on: dt.date
    announced: dt.date
    parameter_version: str
    code_version: str
    results: list[ProgramResultOut]


class DatedValueOut(BaseModel):
    start: dt.date
    value: Any
    source: str
    kind: str
    note: str | None


class ParameterOut(BaseModel):
    name: str
    label: LabelOut
    description: str
    unit: str | None
    file: str
    history: list[DatedValueOut]


class ParameterSummaryOut(BaseModel):
    name: str
    label: LabelOut
    unit: str | None
    value_today: Any
    kind: str


@router.post("/eligibility", response_model=EligibilityResponse,
             responses={422: {"description": "Invalid person or dates"}})
def eligibility(request: EligibilityRequest) -> EligibilityResponse:
    """Per-program eligibility of one person on a date, with the reasons in Korean and English."""
    engine = default_engine()
    try:
        evaluation = engine.evaluate_person(request.person, request.on, request.announced,
                                            request.programs)
    except ParameterError as exc:
        raise HTTPException(status_code=422, detail=[{"loc": ["body", "on"], "msg": str(exc),
                                                      "type": "parameter_not_in_force"}]) from None
    payload = evaluation.as_dict()
    for result, raw in zip(evaluation.results, payload["results"], strict=True):
        raw["explanation"] = explanation_dict(result)
    return EligibilityResponse.model_validate(payload)


@router.get("/parameters", response_model=list[ParameterSummaryOut])
def list_parameters(prefix: str = "") -> list[ParameterSummaryOut]:
    """Every parameter (optionally under a prefix) with the value in force today."""
    today = dt.date.today()
    out = []
    for parameter in default_tree():
        if parameter.name.startswith(prefix):
            entry = parameter.entry_at(today)
            out.append(ParameterSummaryOut(
                name=parameter.name, label=LabelOut(ko=parameter.label_ko, en=parameter.label_en),
                unit=parameter.unit, value_today=entry.value, kind=entry.kind))
    return out


@router.get("/parameters/{name}", response_model=ParameterOut,
            responses={404: {"description": "Unknown parameter"}})
def get_parameter(name: str) -> ParameterOut:
    """A parameter with its whole dated history and the source of every value."""
    try:
        parameter = default_tree().get(name)
    except ParameterError:
        raise HTTPException(status_code=404, detail=f"unknown parameter {name!r}") from None
    return ParameterOut.model_validate(parameter.as_dict())
