"""A registry record before it touches the database: validation, the RRN's legal basis, masking.

Pure functions (no database, no web), shared by the service, the API and the import so that a
bad record reads the same wherever it comes from: each problem names its field, a stable code
and a plain message in Korean and English — never the value itself (``hide_input_in_errors``).

An RRN is kept only for an intake through a program whose legal basis permits it
(개인정보 보호법 §24-2 ①; ``common.personal_data.rrn_collection_programs``). For any other program
the number is dropped unread: not validated, not indexed, not stored.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from ilja import clock
from ilja.errors import IljaError
from ilja.people.rrn import InvalidRrn, Rrn, RrnWarning, parse_rrn
from ilja.rules.formulas import PROGRAMS
from ilja.rules.parameters import default_tree
from ilja.rules.population import EMPLOYMENT_STATUSES, Sido, WholeNumber, YesNo
from ilja.rules.population import Person as FormatPerson
from ilja.text import FreeText

RRN_PROGRAMS_PARAMETER = "common.personal_data.rrn_collection_programs"
REGISTRY_FIELDS = ("name", "rrn", "phone", "address_detail", "household_id")
_KST = dt.timezone(dt.timedelta(hours=9))


def korean_today() -> dt.date:
    return clock.today()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with (or worth saying about) a record: field, code, messages."""

    field: str
    code: str
    message: str
    message_ko: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "msg": self.message,
                "msg_ko": self.message_ko}


# A refusal's HTTP status by its code; any other code is bad input (422).
REGISTRY_STATUSES = {"flag_unknown": 404, "person_unknown": 404, "rrn_absent": 409,
                     "flag_resolved": 409, "flag_stale": 409, "merge_rrn_conflict": 409,
                     "merge_conflict": 409}


class RegistryError(IljaError):
    """A registry operation refused, with a stable ``code``; messages hold no personal data."""

    def __init__(self, code: str, message: str, message_ko: str, **context: Any) -> None:
        super().__init__(message_ko, message, code=code)
        self.status_code = REGISTRY_STATUSES.get(code, 422)
        self.message = message
        self.context = context


class RecordInvalid(RegistryError):
    """A record with one or more bad fields; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        fields = ", ".join(sorted({p.field for p in problems}))
        super().__init__("record_invalid", f"Invalid fields: {fields}",
                         f"입력값이 올바르지 않은 항목: {fields}")
        self.problems = problems

    def extra(self) -> dict[str, Any]:
        return {"problems": [p.as_dict() for p in self.problems]}


# --- phone numbers and names ----------------------------------------------------------------

_PHONE = re.compile(r"0[0-9]{8,10}", re.ASCII)


def normalise_phone(text: str) -> str:
    """Digits only, with a leading 0 (``+82 10-1234-5678`` → ``01012345678``)."""
    digits = re.sub(r"[^0-9+]", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    if not _PHONE.fullmatch(digits):
        raise ValueError("phone must be a Korean number: 9 to 11 digits starting with 0")
    return digits


def _phone_parts(digits: str) -> tuple[str, str, str]:
    area = "02" if digits.startswith("02") else digits[:3]
    rest = digits[len(area):]
    return area, rest[:-4], rest[-4:]


def format_phone(digits: str | None) -> str | None:
    """``01012345678`` → ``010-1234-5678``; Seoul landlines keep their ``02`` area code."""
    return None if not digits else "-".join(_phone_parts(digits))


def mask_phone(digits: str | None) -> str | None:
    """``010-****-5678``: the area code and the last four digits (개인정보의 표시 제한)."""
    if not digits:
        return None
    area, middle, last = _phone_parts(digits)
    return f"{area}-{'*' * len(middle)}-{last}"


def mask_name(name: str) -> str:
    """``홍길동`` → ``홍*동``, ``김철`` → ``김*``, ``John Smith`` → ``J********h``."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- the record -----------------------------------------------------------------------------


class PersonRecord(FormatPerson):
    """A person as the registry takes it: the person format plus name, RRN, phone and address.

    ``id`` (the person format's external id) is optional here; the registry assigns its own.
    ``birth_date`` may be left out when the RRN is given and kept: it is read from the number.
    """

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True,
                              str_strip_whitespace=True)

    id: str | None = Field(default=None, max_length=64)  # type: ignore[assignment]
    name: FreeText = Field(min_length=1, max_length=100)
    rrn: str | None = Field(default=None, max_length=32, repr=False)
    phone: str | None = Field(default=None, max_length=32)
    address_detail: FreeText | None = Field(default=None, max_length=200)
    household_id: WholeNumber | None = Field(default=None, ge=1)
    # The person format lets these be left out ("to be verified"); the registry keeps a person's
    # facts and asks for them at intake, so here they are required again.
    sido: Sido = Field(min_length=1, max_length=20)
    sigungu: FreeText = Field(min_length=1, max_length=20)
    employment_status: Literal[EMPLOYMENT_STATUSES]  # type: ignore[valid-type]
    able_to_work: YesNo
    household_head: YesNo
    household_size: WholeNumber = Field(ge=1, le=30)
    nationality: str = Field(min_length=2, max_length=3, pattern=r"^[A-Z]{2,3}$")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items()
                    if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("name")
    @classmethod
    def _name_normalised(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)

    @field_validator("phone")
    @classmethod
    def _phone_normalised(cls, value: str | None) -> str | None:
        return None if value is None else normalise_phone(value)


@dataclass
class ValidRecord:
    """A validated record, the RRN parsed (or dropped), and the warnings for the caller."""

    record: PersonRecord
    rrn: Rrn | None
    rrn_refused: bool
    warnings: list[Problem] = field(default_factory=list)
    # ``format_fields`` when the record was built from checked columns (``people.quick_records``)
    stored: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def format_fields(self) -> dict[str, Any]:
        """The person-format columns, in the JSON shapes the database stores."""
        if self.stored is not None:
            return self.stored.copy()
        return self.record.model_dump(mode="json", exclude={"id", *REGISTRY_FIELDS})


def base_program(program: str) -> str:
    return program.split(".", 1)[0]


def known_programs() -> frozenset[str]:
    return frozenset(code for code in PROGRAMS if "." not in code)


def rrn_permitted(program: str, on: dt.date | None = None) -> bool:
    """Whether an intake through ``program`` (or one of its tracks) may collect an RRN on ``on``."""
    allowed = default_tree().value(RRN_PROGRAMS_PARAMETER, on or korean_today())
    return base_program(program) in set(allowed or ())


def check_program(program: str) -> None:
    if base_program(program) not in known_programs():
        raise RegistryError("program_unknown", f"Unknown program {program!r}.",
                            f"알 수 없는 사업 코드입니다: {program!r}", program=program)


def _rrn_problem(error: InvalidRrn) -> Problem:
    return Problem("rrn", error.code, error.message, error.message_ko)


def _warning(code_field: str, warning: RrnWarning) -> Problem:
    return Problem(code_field, warning.code, warning.message, warning.message_ko)


def rrn_warnings(number: Rrn) -> list[Problem]:
    """What a kept RRN is worth saying about (a check digit that does not match)."""
    return [_warning("rrn", w) for w in number.warnings]


RRN_REFUSED = Problem(
    "rrn", "rrn_not_permitted",
    "This program has no legal basis to collect resident registration numbers "
    "(Personal Information Protection Act §24-2); the person was registered without it.",
    "이 사업은 주민등록번호를 수집할 법적 근거가 없어(개인정보 보호법 제24조의2) 주민등록번호 없이 "
    "등록했습니다.")


def validate_record(data: Mapping[str, Any], *, program: str, on: dt.date | None = None
                    ) -> ValidRecord:
    """Check one record for ``program``; raise ``RecordInvalid`` with every problem found.

    RRN format and birth date are errors, a failed check digit only a warning (numbers issued
    since 2020-10-05 have none, personal-information-act). The RRN's birth date must agree with
    ``birth_date`` when both are given.
    """
    check_program(program)
    today = on or korean_today()
    raw = dict(data)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    number: Rrn | None = None
    refused = False
    rrn_text = raw.get("rrn")
    if isinstance(rrn_text, str) and not rrn_text.strip():
        rrn_text = None
    if rrn_text is not None:
        if not rrn_permitted(program, today):
            refused = True
            warnings.append(RRN_REFUSED)
            raw.pop("rrn", None)
        else:
            try:
                number = parse_rrn(rrn_text, today=today)
            except InvalidRrn as error:
                problems.append(_rrn_problem(error))
            else:
                warnings.extend(rrn_warnings(number))
                if raw.get("birth_date") in (None, ""):
                    raw["birth_date"] = number.birth_date
    try:
        record = PersonRecord.model_validate(raw)
    except ValidationError as exc:
        for detail in exc.errors():
            location = ".".join(str(part) for part in detail["loc"]) or "record"
            if location == "birth_date" and detail["type"] == "missing" and problems:
                continue  # the RRN it would have come from is already reported
            message = "missing" if detail["type"] == "missing" else detail["msg"]
            problems.append(Problem(location, detail["type"], message,
                                    _ko(detail["type"], message)))
        raise RecordInvalid(problems) from None
    if problems:
        raise RecordInvalid(problems)
    if record.birth_date > today:
        raise RecordInvalid([Problem(
            "birth_date", "birth_date_future", "The birth date is in the future.",
            "생년월일이 오늘보다 늦습니다.")])
    if number is not None and number.birth_date != record.birth_date:
        raise RecordInvalid([Problem(
            "birth_date", "birth_date_mismatch",
            "The birth date differs from the one in the resident registration number.",
            "생년월일이 주민등록번호의 생년월일과 다릅니다.")])
    return ValidRecord(record=record.model_copy(update={"rrn": None}), rrn=number,
                       rrn_refused=refused, warnings=warnings)


def registry_field_problems(data: Mapping[str, Any], *, program: str,
                            on: dt.date | None = None) -> list[Problem]:
    """Problems with name, RRN, phone and address alone: an import reports them beside the
    person-format errors of the same row, so one pass over the file shows everything."""
    problems: list[Problem] = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("name", "missing", "missing", _ko("missing", "missing")))
    elif len(name.strip()) > 100:
        problems.append(Problem("name", "string_too_long", "too long", _ko("string_too_long", "")))
    rrn_text = data.get("rrn")
    if isinstance(rrn_text, str) and rrn_text.strip() and rrn_permitted(program, on):
        try:
            parse_rrn(rrn_text, today=on or korean_today())
        except InvalidRrn as error:
            problems.append(_rrn_problem(error))
    phone = data.get("phone")
    if isinstance(phone, str) and phone.strip():
        try:
            normalise_phone(phone)
        except ValueError as error:
            problems.append(Problem("phone", "value_error", str(error), _ko("value_error", "phone")))
    return problems


_KO_MESSAGES = {
    "missing": "필수 항목입니다.",
    "extra_forbidden": "알 수 없는 항목입니다.",
    "literal_error": "허용되지 않는 값입니다.",
    "bool_parsing": "예/아니오 값이어야 합니다.",
    "bool_type": "예/아니오 값이어야 합니다.",
    "int_parsing": "정수여야 합니다.",
    "int_type": "정수여야 합니다.",
    "date_from_datetime_parsing": "날짜(YYYY-MM-DD)여야 합니다.",
    "date_parsing": "날짜(YYYY-MM-DD)여야 합니다.",
    "date_type": "날짜(YYYY-MM-DD)여야 합니다.",
    "date_impossible": "없는 날짜입니다.",
    "sido_unknown": "17개 시·도 이름 중 하나를 전부 적어야 합니다(예: 서울특별시).",
    "text_rrn": "이 항목에는 주민등록번호를 입력할 수 없습니다.",
    "text_control_character": "제어 문자는 입력할 수 없습니다.",
    "string_too_short": "값이 너무 짧습니다.",
    "string_too_long": "값이 너무 깁니다.",
    "string_pattern_mismatch": "형식이 올바르지 않습니다.",
    "greater_than_equal": "값이 너무 작습니다.",
    "less_than_equal": "값이 너무 큽니다.",
}


def _ko(code: str, message: str) -> str:
    if code == "value_error" and "phone" in message:
        return "전화번호는 0으로 시작하는 9~11자리 숫자여야 합니다."
    return _KO_MESSAGES.get(code, "값이 올바르지 않습니다.")
