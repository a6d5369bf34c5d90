"""The person format and its columnar form.

A person (the stable contract others feed Ilja in JSONL, CSV or XLSX) is validated into
``Person``; many persons become a ``Population``: one numpy array per field, with list-valued
fields (benefit periods, training history) kept as offsets + flat arrays so that whole-population
evaluation never loops in Python. Dates are ``int32`` YYYYMMDD numbers: comparing them compares
dates, and ``(on - birth) // 10000`` is the age in completed years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

EMPLOYMENT_STATUSES = ("unemployed", "employed", "self_employed", "student")
VULNERABLE_GROUPS = (
    "basic_livelihood",
    "near_poor",
    "national_merit",
    "disabled",
    "single_parent",
    "north_korean_defector",
    "long_term_unemployed",
    "other_vulnerable",
)
TRAINING_RESULTS = ("completed", "dropped", "quit_without_notice")
# The 17 first-level divisions (시·도) by their names today (강원특별자치도 since 2023-06-11,
# 전북특별자치도 since 2024-01-18): ``sido`` is one of them, written out in full.
SIDO_NAMES = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시",
    "세종특별자치시", "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전라남도",
    "경상북도", "경상남도", "제주특별자치도",
)
SIDO_MESSAGE = "expected one of the 17 시·도 names in full, such as 서울특별시 or 경기도"
HISTORY_PROGRAMS = (
    "youth_academy",
    "tech_institute",
    "companion_jobs",
    "attractive_jobs",
    "other",
)
# Without these nothing can be judged: who the person is, and their age (every program's first
# condition, and 동행일자리's daily hours).
REQUIRED_FIELDS = ("id", "birth_date")
# Facts a person may leave out (None): the conditions that read one are then "to be verified",
# not failed, as a district office checks them after the application.
NULLABLE_FIELDS = (
    "sido",
    "sigungu",
    "employment_status",
    "able_to_work",
    "household_head",
    "household_size",
    "nationality",
    "household_income_krw",
    "household_assets_krw",
    "receives_livelihood_benefit",
)
# The code of an absent coded fact (``employment_status``) in a Population: it equals no real one.
ABSENT_CODE = -1
LIST_FIELDS = ("unemployment_benefit_periods", "training_history", "vulnerable_groups")
ALL_FIELDS = (
    "id",
    "birth_date",
    "sido",
    "sigungu",
    "employment_status",
    "able_to_work",
    "unemployment_benefit_periods",
    "household_head",
    "household_size",
    "vulnerable_groups",
    "veteran_service_months",
    "nationality",
    "visa",
    "training_history",
    "household_income_krw",
    "household_assets_krw",
    "receives_livelihood_benefit",
)


def date_to_int(value: dt.date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def int_to_date(value: int) -> dt.date:
    return dt.date(int(value) // 10000, int(value) // 100 % 100, int(value) % 100)


_DATE_PARTS = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def impossible_date(text: str) -> str | None:
    """Why ``YYYY-MM-DD`` text names no real date, in English and Korean; None when it names
    one or is not shaped like a date at all.

    "Expected a date YYYY-MM-DD" would send someone who wrote ``1990-02-30`` looking for a
    format mistake. The value itself is not repeated: errors never echo personal data.
    """
    parts = _DATE_PARTS.fullmatch(text)
    if parts is None:
        return None
    year, month, day = (int(part) for part in parts.groups())
    if year == 0:
        en, ko = "there is no year 0", "0년은 없습니다"
    elif not 1 <= month <= 12:
        en, ko = f"there is no month {month}", f"{month}월은 없습니다"
    elif day == 0:
        en, ko = "there is no day 0", "0일은 없습니다"
    elif day > (days := calendar.monthrange(year, month)[1]):
        en, ko = (f"{_MONTHS[month - 1]} {year} has {days} days",
                  f"{year}년 {month}월은 {days}일까지 있습니다")
    else:
        return None
    return f"not a real date: {en} (없는 날짜입니다: {ko})"


def _real_date(value: Any) -> Any:
    if isinstance(value, bool | int | float):  # Pydantic would read 0 as 1970-01-01 (Unix time)
        raise PydanticCustomError("date_type", "expected a date YYYY-MM-DD, not a number")
    if isinstance(value, str) and (reason := impossible_date(value.strip())):
        raise PydanticCustomError("date_impossible", reason)
    return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):  # Pydantic would read true as 1
        raise PydanticCustomError("int_type", "expected a whole number, not true/false")
    return value


def _yes_no(value: Any) -> Any:
    if not isinstance(value, bool | str):  # Pydantic would read 1 and 0.0 as yes and no
        raise PydanticCustomError("bool_type", "expected true or false")
    return value


def _sido(value: str) -> str:
    if value not in SIDO_NAMES:
        raise PydanticCustomError("sido_unknown", SIDO_MESSAGE)
    return value


# A date whose impossible values (``1990-02-30``) are called impossible, not badly formatted;
# a number is not a date.
RealDate = Annotated[dt.date, BeforeValidator(_real_date)]
# Types as strict as a file's cells: JSON's true is not 1, and 1 is not true.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
Sido = Annotated[str, AfterValidator(_sido)]


def add_months(yyyymmdd: Any, months: Any) -> Any:
    """Shift YYYYMMDD numbers by whole months; works on ints and on numpy arrays alike.

    The day is kept as it is (31 January + 1 month = "31 February"), which still orders
    correctly against real dates: it falls after 28/29 February and before 1 March.
    """
    year = yyyymmdd // 10000
    month = yyyymmdd // 100 % 100
    day = yyyymmdd % 100
    total = year * 12 + (month - 1) + months
    return (total // 12) * 10000 + (total % 12 + 1) * 100 + day


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: RealDate
    end: RealDate

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date, info) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError("end is before start")
        return end


class TrainingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    program: Literal[HISTORY_PROGRAMS]  # type: ignore[valid-type]
    start: RealDate
    end: RealDate
    result: Literal[TRAINING_RESULTS]  # type: ignore[valid-type]

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date, info) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError("end is before start")
        return end


class Person(BaseModel):
    """One person in the person format (see the README's "Person format").

    Only ``id`` and ``birth_date`` are required; a fact left out (None) makes the conditions
    that read it "to be verified" (``NULLABLE_FIELDS``).
    """

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=64)
    birth_date: RealDate
    sido: Sido | None = Field(default=None, min_length=1, max_length=20, examples=["서울특별시"])
    sigungu: str | None = Field(default=None, min_length=1, max_length=20, examples=["마포구"])
    employment_status: Literal[EMPLOYMENT_STATUSES] | None = None  # type: ignore[valid-type]
    able_to_work: YesNo | None = None
    unemployment_benefit_periods: list[Period] = Field(default_factory=list, max_length=100)
    household_head: YesNo | None = None
    household_size: WholeNumber | None = Field(default=None, ge=1, le=30)
    vulnerable_groups: list[Literal[VULNERABLE_GROUPS]] = Field(default_factory=list)  # type: ignore[valid-type]
    veteran_service_months: WholeNumber = Field(default=0, ge=0, le=600)
    nationality: str | None = Field(default=None, min_length=2, max_length=3,
                                    pattern=r"^[A-Z]{2,3}$", examples=["KR"])
    visa: str = Field(default="", max_length=10)
    training_history: list[TrainingRecord] = Field(default_factory=list, max_length=100)
    household_income_krw: WholeNumber | None = Field(default=None, ge=0, le=10**12)
    household_assets_krw: WholeNumber | None = Field(default=None, ge=0, le=10**14)
    receives_livelihood_benefit: YesNo | None = None

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: dt.date) -> dt.date:
        if value.year < 1900 or value > dt.date(2100, 1, 1):
            raise ValueError("birth_date must be between 1900 and 2100")
        return value

    @field_validator("vulnerable_groups")
    @classmethod
    def _canonical_groups(cls, groups: list[str]) -> list[str]:
        """A set, in the format's order: duplicates mean nothing."""
        return [g for g in VULNERABLE_GROUPS if g in groups]

    @field_validator("visa")
    @classmethod
    def _visa_upper(cls, value: str) -> str:
        return value.upper()


@dataclass(frozen=True)
class FieldError:
    """A bad value: which row (1-based, as a spreadsheet counts data rows), which field, why."""

    row: int
    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.message}"


class PersonFormatError(Exception):
    def __init__(self, errors: Sequence[FieldError]):
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = f" (and {len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
        super().__init__(f"{len(self.errors)} invalid value(s): {shown}{more}")


def parse_person(data: Mapping[str, Any], row: int = 1) -> Person:
    """Validate one record; raise ``PersonFormatError`` naming the row and every bad field."""
    try:
        return Person.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            location = ".".join(str(part) for part in error["loc"]) or "record"
            message = "missing" if error["type"] == "missing" else error["msg"]
            errors.append(FieldError(row, location, message, error["type"]))
        raise PersonFormatError(errors) from None


def unknown_fields(data: Mapping[str, Any]) -> list[str]:
    return sorted(set(data) - set(ALL_FIELDS))


class Categories:
    """A string column as small integer codes plus the list of distinct values."""

    __slots__ = ("codes", "values", "_index")

    def __init__(self, codes: np.ndarray, values: Sequence[str]):
        self.codes = codes
        self.values = list(values)
        self._index = {value: i for i, value in enumerate(self.values)}

    @classmethod
    def encode(cls, strings: Sequence[str]) -> Categories:
        values: dict[str, int] = {}
        codes = np.fromiter((values.setdefault(s, len(values)) for s in strings), dtype=np.int32,
                            count=len(strings))
        return cls(codes, list(values))

    def code_of(self, value: str) -> int:
        return self._index.get(value, -1)

    def isin(self, wanted: Iterable[str]) -> np.ndarray:
        codes = [self._index[w] for w in wanted if w in self._index]
        if not codes:
            return np.zeros(len(self.codes), dtype=bool)
        if len(codes) == 1:
            return self.codes == codes[0]
        return np.isin(self.codes, codes)

    def decode(self) -> np.ndarray:
        return np.asarray(self.values, dtype=object)[self.codes]

    def take(self, index: np.ndarray) -> Categories:
        return Categories(self.codes[index], self.values)


@dataclass
class Ragged:
    """A list-valued column: ``offsets`` (n + 1) into flat columns; ``owner`` maps items to rows."""

    offsets: np.ndarray
    columns: dict[str, np.ndarray]
    owner: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.owner is None:
            lengths = np.diff(self.offsets)
            self.owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def any_per_row(self, mask: np.ndarray) -> np.ndarray:
        n = len(self.offsets) - 1
        return np.bincount(self.owner[mask], minlength=n).astype(bool)

    def count_per_row(self, mask: np.ndarray) -> np.ndarray:
        n = len(self.offsets) - 1
        return np.bincount(self.owner[mask], minlength=n)

    def max_per_row(self, values: np.ndarray, mask: np.ndarray, empty: int = 0) -> np.ndarray:
        """Largest ``values`` among the masked items of each row (``empty`` where none)."""
        n = len(self.offsets) - 1
        result = np.full(n, empty, dtype=values.dtype)
        if not mask.any():
            return result
        masked = np.where(mask, values, np.iinfo(values.dtype).min)
        nonempty = self.lengths > 0
        starts = self.offsets[:-1][nonempty]
        per_row = np.maximum.reduceat(masked, starts)
        has_any = self.any_per_row(mask)
        result[nonempty] = np.where(has_any[nonempty], per_row, empty)
        return result

    def slice(self, start: int, stop: int) -> Ragged:
        """Rows ``start:stop`` as views of the same memory (no copy of the flat columns)."""
        first, last = int(self.offsets[start]), int(self.offsets[stop])
        return Ragged(self.offsets[start : stop + 1] - first,
                      {k: v[first:last] for k, v in self.columns.items()},
                      self.owner[first:last] - np.int32(start))

    def take(self, index: np.ndarray) -> Ragged:
        starts = self.offsets[:-1][index]
        lengths = self.lengths[index]
        offsets = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        item_index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return Ragged(offsets, {k: v[item_index] for k, v in self.columns.items()})


def known_column(name: str) -> str:
    """The Population column saying where the fact ``name`` was given (``sido_known``,
    ``household_income_known``)."""
    return f"{name.removesuffix('_krw')}_known"


@dataclass
class Population:
    """Many persons as columns (numpy arrays), ready for whole-population evaluation.

    A fact left out (``NULLABLE_FIELDS``) has a neutral value in its column — 0, False, ``""``,
    ``ABSENT_CODE`` — and False in its ``*_known`` column.
    """

    id: np.ndarray  # object (str), or int64 numbers shown as P00000001 (synthetic populations)
    birth_date: np.ndarray  # int32 YYYYMMDD
    sido: Categories
    sigungu: Categories
    employment_status: np.ndarray  # int8, index into EMPLOYMENT_STATUSES
    able_to_work: np.ndarray  # bool
    household_head: np.ndarray  # bool
    household_size: np.ndarray  # int16
    vulnerable_groups: np.ndarray  # uint16 bit mask over VULNERABLE_GROUPS
    veteran_service_months: np.ndarray  # int16
    nationality: Categories
    visa: Categories
    household_income_krw: np.ndarray  # int64 (0 where unknown)
    household_income_known: np.ndarray  # bool
    household_assets_krw: np.ndarray  # int64
    household_assets_known: np.ndarray  # bool
    receives_livelihood_benefit: np.ndarray  # bool
    receives_livelihood_benefit_known: np.ndarray  # bool
    benefit_periods: Ragged  # columns start, end (int32)
    training_history: Ragged  # columns program (int8), start, end (int32), result (int8)
    # bool; None (the default) means given for everyone, as in a synthetic population
    sido_known: np.ndarray = None  # type: ignore[assignment]
    sigungu_known: np.ndarray = None  # type: ignore[assignment]
    employment_status_known: np.ndarray = None  # type: ignore[assignment]
    able_to_work_known: np.ndarray = None  # type: ignore[assignment]
    household_head_known: np.ndarray = None  # type: ignore[assignment]
    household_size_known: np.ndarray = None  # type: ignore[assignment]
    nationality_known: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        for name in NULLABLE_FIELDS:
            if getattr(self, known_column(name)) is None:
                setattr(self, known_column(name), np.ones(len(self), dtype=bool))

    def __len__(self) -> int:
        return len(self.birth_date)

    def known(self, name: str) -> np.ndarray:
        """Where the fact ``name`` (one of ``NULLABLE_FIELDS``) was given."""
        return getattr(self, known_column(name))

    @classmethod
    def from_persons(cls, persons: Sequence[Person]) -> Population:
        n = len(persons)
        group_bit = {g: 1 << i for i, g in enumerate(VULNERABLE_GROUPS)}
        status_code = {s: i for i, s in enumerate(EMPLOYMENT_STATUSES)}
        program_code = {p: i for i, p in enumerate(HISTORY_PROGRAMS)}
        result_code = {r: i for i, r in enumerate(TRAINING_RESULTS)}

        period_offsets = np.zeros(n + 1, dtype=np.int64)
        history_offsets = np.zeros(n + 1, dtype=np.int64)
        p_start: list[int] = []
        p_end: list[int] = []
        h_program: list[int] = []
        h_start: list[int] = []
        h_end: list[int] = []
        h_result: list[int] = []
        for i, person in enumerate(persons):
            for period in person.unemployment_benefit_periods:
                p_start.append(date_to_int(period.start))
                p_end.append(date_to_int(period.end))
            period_offsets[i + 1] = len(p_start)
            for record in person.training_history:
                h_program.append(program_code[record.program])
                h_start.append(date_to_int(record.start))
                h_end.append(date_to_int(record.end))
                h_result.append(result_code[record.result])
            history_offsets[i + 1] = len(h_start)

        def column(values: Iterable[Any], dtype: Any) -> np.ndarray:
            return np.fromiter(values, dtype=dtype, count=n)

        return cls(
            id=np.asarray([p.id for p in persons], dtype=object),
            birth_date=column((date_to_int(p.birth_date) for p in persons), np.int32),
            sido=Categories.encode([p.sido or "" for p in persons]),
            sigungu=Categories.encode([p.sigungu or "" for p in persons]),
            employment_status=column(
                (status_code.get(p.employment_status, ABSENT_CODE) for p in persons), np.int8
            ),
            able_to_work=column((bool(p.able_to_work) for p in persons), bool),
            household_head=column((bool(p.household_head) for p in persons), bool),
            household_size=column((p.household_size or 0 for p in persons), np.int16),
            vulnerable_groups=column(
                (sum({group_bit[g] for g in p.vulnerable_groups}) for p in persons), np.uint16
            ),
            veteran_service_months=column((p.veteran_service_months for p in persons), np.int16),
            nationality=Categories.encode([p.nationality or "" for p in persons]),
            visa=Categories.encode([p.visa for p in persons]),
            household_income_krw=column((p.household_income_krw or 0 for p in persons), np.int64),
            household_assets_krw=column((p.household_assets_krw or 0 for p in persons), np.int64),
            receives_livelihood_benefit=column(
                (bool(p.receives_livelihood_benefit) for p in persons), bool
            ),
            **{known_column(name): column((getattr(p, name) is not None for p in persons), bool)
               for name in NULLABLE_FIELDS},
            benefit_periods=Ragged(
                period_offsets,
                {"start": np.asarray(p_start, dtype=np.int32), "end": np.asarray(p_end, dtype=np.int32)},
            ),
            training_history=Ragged(
                history_offsets,
                {
                    "program": np.asarray(h_program, dtype=np.int8),
                    "start": np.asarray(h_start, dtype=np.int32),
                    "end": np.asarray(h_end, dtype=np.int32),
                    "result": np.asarray(h_result, dtype=np.int8),
                },
            ),
        )

    def take(self, index: np.ndarray) -> Population:
        """The persons at ``index`` (a chunk, a sample), as a new Population."""
        values: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            column = getattr(self, name)
            values[name] = column.take(index) if isinstance(column, Categories | Ragged) else column[index]
        return Population(**values)

    def slice(self, start: int, stop: int) -> Population:
        """Rows ``start:stop`` as views (no copy): how batch evaluation walks a population."""
        values: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            column = getattr(self, name)
            if isinstance(column, Categories):
                values[name] = Categories(column.codes[start:stop], column.values)
            elif isinstance(column, Ragged):
                values[name] = column.slice(start, stop)
            else:
                values[name] = column[start:stop]
        return Population(**values)

    def chunks(self, size: int) -> Iterable[tuple[int, Population]]:
        for start in range(0, len(self), size):
            yield start, self.slice(start, min(start + size, len(self)))

    def save(self, path: Path) -> None:
        """Write the columns to one ``.npz`` file (how the demo keeps its population)."""
        arrays: dict[str, np.ndarray] = {}
        for name in self.__dataclass_fields__:
            column = getattr(self, name)
            if isinstance(column, Categories):
                arrays[f"{name}.codes"] = column.codes
                arrays[f"{name}.values"] = np.asarray(column.values, dtype=str)
            elif isinstance(column, Ragged):
                arrays[f"{name}.offsets"] = column.offsets
                for key, values in column.columns.items():
                    arrays[f"{name}.{key}"] = values
            elif column.dtype == object:
                arrays[name] = np.asarray(column, dtype=str)
            else:
                arrays[name] = column
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> Population:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if f"{name}.codes" in arrays:
                values[name] = Categories(arrays[f"{name}.codes"], [str(v) for v in arrays[f"{name}.values"]])
            elif f"{name}.offsets" in arrays:
                prefix = f"{name}."
                columns = {key[len(prefix):]: array for key, array in arrays.items()
                           if key.startswith(prefix) and key != f"{name}.offsets"}
                values[name] = Ragged(arrays[f"{name}.offsets"], columns)
            elif name in arrays:  # a column added since the file was saved keeps its default
                array = arrays[name]
                values[name] = array.astype(object) if array.dtype.kind == "U" else array
        return cls(**values)

    def person_id(self, i: int) -> str:
        value = self.id[i]
        return value if isinstance(value, str) else f"P{int(value):08d}"

    def person(self, i: int) -> Person:
        """Row ``i`` back in the person format (for explanations and tests)."""
        bits = int(self.vulnerable_groups[i])
        periods = self.benefit_periods
        history = self.training_history
        p0, p1 = int(periods.offsets[i]), int(periods.offsets[i + 1])
        h0, h1 = int(history.offsets[i]), int(history.offsets[i + 1])
        values = dict(
            id=self.person_id(i),
            birth_date=int_to_date(self.birth_date[i]),
            sido=self.sido.values[self.sido.codes[i]],
            sigungu=self.sigungu.values[self.sigungu.codes[i]],
            employment_status=EMPLOYMENT_STATUSES[self.employment_status[i]],
            able_to_work=bool(self.able_to_work[i]),
            unemployment_benefit_periods=[
                Period(start=int_to_date(periods.columns["start"][k]), end=int_to_date(periods.columns["end"][k]))
                for k in range(p0, p1)
            ],
            household_head=bool(self.household_head[i]),
            household_size=int(self.household_size[i]),
            vulnerable_groups=[g for b, g in enumerate(VULNERABLE_GROUPS) if bits >> b & 1],
            veteran_service_months=int(self.veteran_service_months[i]),
            nationality=self.nationality.values[self.nationality.codes[i]],
            visa=self.visa.values[self.visa.codes[i]],
            training_history=[
                TrainingRecord(
                    program=HISTORY_PROGRAMS[history.columns["program"][k]],
                    start=int_to_date(history.columns["start"][k]),
                    end=int_to_date(history.columns["end"][k]),
                    result=TRAINING_RESULTS[history.columns["result"][k]],
                )
                for k in range(h0, h1)
            ],
            household_income_krw=int(self.household_income_krw[i]),
            household_assets_krw=int(self.household_assets_krw[i]),
            receives_livelihood_benefit=bool(self.receives_livelihood_benefit[i]),
        )
        values.update({name: None for name in NULLABLE_FIELDS if not self.known(name)[i]})
        return Person(**values)


# Text a date field takes as it is: ``YYYY-MM-DD`` (what a stored person's JSON holds).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NATIONALITY = re.compile(r"[A-Z]{2,3}")
_STATUSES = frozenset(EMPLOYMENT_STATUSES)
_SIDO = frozenset(SIDO_NAMES)
_HISTORY_PROGRAMS = frozenset(HISTORY_PROGRAMS)
_TRAINING_RESULTS = frozenset(TRAINING_RESULTS)
_LATEST_BIRTH = dt.date(2100, 1, 1)


class _NotAsValidated(Exception):
    """A value that validation might change or refuse: the caller validates instead."""


def _made(model: type[BaseModel], values: dict[str, Any]) -> Any:
    """``model.model_construct(**values)`` for a model without private attributes given all its
    fields, without its walk over the fields (8 µs a person, of the 10 a validation takes)."""
    made = object.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _date(value: Any) -> dt.date:
    if type(value) is dt.date:
        return value
    if type(value) is not str or _ISO_DATE.fullmatch(value) is None:
        raise _NotAsValidated
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _NotAsValidated from None


def _span(record: Any, keys: tuple[str, ...]) -> tuple[dt.date, dt.date]:
    if type(record) is not dict or len(record) != len(keys) or not all(k in record for k in keys):
        raise _NotAsValidated
    start, end = _date(record["start"]), _date(record["end"])
    if end < start:
        raise _NotAsValidated
    return start, end


_PERIOD_KEYS = ("start", "end")
_RECORD_KEYS = ("program", "start", "end", "result")


def _optional(value: Any, kind: type, low: int = 0, high: int = 0) -> Any:
    """None, or a value of exactly ``kind`` (an int within ``low``–``high``)."""
    if value is None:
        return value
    return _exactly(value, kind, low, high)


def _exactly(value: Any, kind: type, low: int = 0, high: int = 0) -> Any:
    """A value of exactly ``kind`` (JSON's true is no 1 here), an int within ``low``–``high``."""
    if type(value) is kind and (kind is not int or low <= value <= high):
        return value
    raise _NotAsValidated


def validated_as_is(values: Mapping[str, Any], **fields: Any) -> Person | None:
    """The ``Person`` that ``Person.model_validate(values | fields)`` gives, made without
    validating when the values are all there and each is already what validation leaves (a
    stored person: the registry's columns and JSON, checked when they were written); None when
    one is not — the caller validates, and so keeps validation's errors. An import judges
    thousands of stored persons, and validating each again took a third of the judging."""
    try:
        return _as_is({**values, **fields} if fields else values)
    except (_NotAsValidated, KeyError):
        return None


def _as_is(values: Mapping[str, Any]) -> Person:
    person_id = values["id"]
    if type(person_id) is not str or not 0 < len(person_id) <= 64 or person_id != person_id.strip():
        raise _NotAsValidated
    birth = values["birth_date"]
    if type(birth) is not dt.date or birth.year < 1900 or birth > _LATEST_BIRTH:
        raise _NotAsValidated
    sido, sigungu, status = values["sido"], values["sigungu"], values["employment_status"]
    if (sido is not None and (type(sido) is not str or sido not in _SIDO)) \
            or (status is not None and (type(status) is not str or status not in _STATUSES)) \
            or (sigungu is not None and (type(sigungu) is not str or not 0 < len(sigungu) <= 20
                                         or sigungu != sigungu.strip())):
        raise _NotAsValidated
    nationality, visa = values["nationality"], values["visa"]
    if (nationality is not None and (type(nationality) is not str
                                     or _NATIONALITY.fullmatch(nationality) is None)) \
            or type(visa) is not str or len(visa) > 10 or visa != visa.strip().upper():
        raise _NotAsValidated
    groups = values["vulnerable_groups"]
    if type(groups) is not list:
        raise _NotAsValidated
    canonical = [g for g in VULNERABLE_GROUPS if g in groups] if groups else []
    if canonical != groups:  # an unknown group, one twice, or out of the format's order
        raise _NotAsValidated
    periods, history = values["unemployment_benefit_periods"], values["training_history"]
    if type(periods) is not list or len(periods) > 100 or type(history) is not list or len(history) > 100:
        raise _NotAsValidated
    made_periods = []
    for period in periods:
        start, end = _span(period, _PERIOD_KEYS)
        made_periods.append(_made(Period, {"start": start, "end": end}))
    records = []
    for record in history:
        start, end = _span(record, _RECORD_KEYS)
        program, result = record["program"], record["result"]
        if type(program) is not str or program not in _HISTORY_PROGRAMS \
                or type(result) is not str or result not in _TRAINING_RESULTS:
            raise _NotAsValidated
        records.append(_made(TrainingRecord, {"program": program, "start": start, "end": end,
                                              "result": result}))
    return _made(Person, {
        "id": person_id, "birth_date": birth, "sido": sido, "sigungu": sigungu,
        "employment_status": status, "able_to_work": _optional(values["able_to_work"], bool),
        "unemployment_benefit_periods": made_periods,
        "household_head": _optional(values["household_head"], bool),
        "household_size": _optional(values["household_size"], int, 1, 30),
        "vulnerable_groups": canonical,
        "veteran_service_months": _exactly(values["veteran_service_months"], int, 0, 600),
        "nationality": nationality, "visa": visa, "training_history": records,
        "household_income_krw": _optional(values["household_income_krw"], int, 0, 10**12),
        "household_assets_krw": _optional(values["household_assets_krw"], int, 0, 10**14),
        "receives_livelihood_benefit": _optional(values["receives_livelihood_benefit"], bool),
    })
