"""REST endpoints of the rules engine: eligibility with explanations, parameters and their history,
and the sources registry. Every ``source`` keeps its registry key (``document: seoul-2025-jobs-plan
§2 …``); ``citations`` beside it gives each cited source's key and title, so a client can show the
title as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    computed_field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ilja import clock
from ilja.errors import Invalid, NotFound
from ilja.rules.answer import eligibility_json
from ilja.rules.engine import PersonEvaluation, default_engine
from ilja.rules.explain import explanation_dicts
from ilja.rules.formulas import PROGRAMS
from ilja.rules.parameters import ParameterError, default_tree
from ilja.rules.population import Person, RealDate
from ilja.rules.sources import default_registry

router = APIRouter(tags=["rules"])

ProgramCode = Literal[tuple(PROGRAMS)]  # type: ignore[valid-type]


class EligibilityRequest(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    person: Person
    on: RealDate = Field(description="The round's start date (work or course start).")
    announced: RealDate | None = Field(None, description="Announcement date (default: `on`).")
    programs: list[ProgramCode] | None = Field(None, description="Only these programs (default: all).")

    @field_validator("on")
    @classmethod
    def _born_by_then(cls, on: dt.date, info: ValidationInfo) -> dt.date:
        """Nobody is judged on a day before they were born: that is a slip in one of the dates,
        and the engine (pure, as of any date) would answer it with a negative age."""
        person = info.data.get("person")
        if person is not None and person.birth_date > on:
            raise PydanticCustomError(
                "born_after_reference_date",
                "the person's birth date is after this date: check both dates "
                "(생년월일이 기준일보다 늦습니다. 두 날짜를 확인해 주십시오)")
        return on


class LabelOut(BaseModel):
    ko: str
    en: str


class TitleOut(BaseModel):
    ko: str
    en: str | None


class SourceOut(BaseModel):
    """A registered source: its key, kind, title, issuer and date (YYYY, YYYY-MM or YYYY-MM-DD)."""

    key: str
    kind: Literal["document", "notice", "law"]
    title: TitleOut
    issuer: TitleOut
    date: str | None


class CitationOut(BaseModel):
    key: str
    title: TitleOut


class _Cited(BaseModel):
    source: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> list[CitationOut]:
        """The registered sources ``source`` cites, by key and title (empty for an assumption)."""
        return [CitationOut(key=s.key, title=TitleOut(ko=s.title_ko, en=s.title_en))
                for s in default_registry().cited(self.source)]


class ParameterUseOut(_Cited):
    name: str
    value: Any
    effective_from: dt.date
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


_RESPONSE = TypeAdapter(EligibilityResponse)  # what FastAPI writes a response model with


class DatedValueOut(_Cited):
    start: dt.date
    value: Any
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


def modelled_answer(evaluation: PersonEvaluation) -> bytes:
    """The answer written through the response models, every node validated, as the route did
    before ``ilja.rules.answer``: the reference its bytes are held to (tests, bench/rules)."""
    payload = evaluation.as_dict()
    for explanation, raw in zip(explanation_dicts(evaluation), payload["results"], strict=True):
        raw["explanation"] = explanation
    return _RESPONSE.dump_json(EligibilityResponse.model_validate(payload), by_alias=True)


@router.post("/eligibility", response_model=EligibilityResponse,
             responses={422: {"description": "Invalid person or dates"}})
def eligibility(request: EligibilityRequest) -> Response:
    """Per-program eligibility of one person on a date, with the reasons in Korean and English.

    The answer is written by ``ilja.rules.answer``: the bytes ``EligibilityResponse`` would give,
    made from parts kept across checks; the model documents it."""
    engine = default_engine()
    try:
        evaluation = engine.evaluate_person(request.person, request.on, request.announced,
                                            request.programs)
    except ParameterError as exc:
        raise Invalid("이 날짜에 시행 중인 기준이 없어 판정할 수 없습니다.", str(exc),
                      code="parameter_not_in_force", loc=("body", "on")) from None
    return Response(eligibility_json(evaluation), media_type="application/json")


@router.get("/parameters", response_model=list[ParameterSummaryOut])
def list_parameters(prefix: str = "") -> list[ParameterSummaryOut]:
    """Every parameter (optionally under a prefix) with the value in force today."""
    today = clock.today()
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
        raise NotFound(f"매개변수 {name!r}이(가) 없습니다.", f"unknown parameter {name!r}",
                       code="parameter_unknown") from None
    return ParameterOut.model_validate(parameter.as_dict())


@router.get("/sources", response_model=list[SourceOut])
def list_sources() -> list[SourceOut]:
    """Every registered source the parameters and the plan cite by key (docs/sources.md)."""
    return [SourceOut.model_validate(s.as_dict()) for s in default_registry()]
