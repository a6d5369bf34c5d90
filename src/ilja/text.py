"""Free text people type (reasons, notes, titles, descriptions, addresses): what it may hold on
the way in, and how it is written out to a spreadsheet.

On the way in, one annotated type for every free-text field (``FreeText`` on one line,
``MultilineText`` where line breaks mean something), so a new field cannot forget a check:

- a resident registration number (주민등록번호) standing alone is refused: such a field has no
  legal basis to hold one (개인정보 보호법 §24-2) and is stored in clear, searched and exported;
- control characters are refused: they mean nothing in a name or a reason, and one stored made
  every XLSX export of the table fail (openpyxl refuses them). (Pydantic itself refuses lone
  surrogates, JSON's ``"\\ud800"``, which no database could store.)

On the way out, ``cell`` makes a value safe for a spreadsheet cell (CSV injection: a cell that
starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel) and drops control characters a
stored value may still hold from before this check.

Errors never repeat the text (it may hold the very number): Pydantic's ``hide_input_in_errors``
and Ilja's error handlers keep only where and why.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Not inside a longer token of letters and digits: a hash's hex (a seed commitment) may hold a
# run of 13 digits that reads as a date, one round opening in a few hundred.
RRN_LIKE = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])\s*-?\s*([0-9]{7})"
    r"(?![0-9A-Za-z])")
_CENTURY = {9: 1800, 0: 1800, 1: 1900, 2: 1900, 3: 2000, 4: 2000,
            5: 1900, 6: 1900, 7: 2000, 8: 2000}
_LINE_BREAKS = frozenset("\n\r\t")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE) plus DEL and the C1 controls.
_CELL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def looks_like_rrn(text: str) -> bool:
    """Whether ``text`` holds 13 digits standing alone (``YYMMDD-GNNNNNN``, the hyphen optional,
    full-width digits too) whose first six are a real date: what a typed RRN looks like.

    The check digit is not asked for: numbers issued since 2020-10-05 have none.
    """
    for match in RRN_LIKE.finditer(unicodedata.normalize("NFKC", text)):
        yy, mm, dd, rest = match.groups()
        try:
            dt.date(_CENTURY[int(rest[0])] + int(yy), int(mm), int(dd))
        except ValueError:
            continue
        return True
    return False


def _bad_character(text: str, *, line_breaks: bool) -> bool:
    return any(unicodedata.category(char) == "Cc" and not (line_breaks and char in _LINE_BREAKS)
               for char in text)


TEXT_PROBLEMS = {
    "text_control_character": ("control characters are not allowed here",
                               "제어 문자는 입력할 수 없습니다"),
    "text_rrn": ("a resident registration number may not be written here; leave it out",
                 "주민등록번호는 이 항목에 입력할 수 없습니다. 빼고 입력해 주십시오"),
}
"""Each problem's code and its message (English, Korean); the text itself is never quoted."""


def text_problem(text: str, *, line_breaks: bool = False) -> str | None:
    """The code of what free text may not hold (``TEXT_PROBLEMS``), or None: for a form that
    reaches a service without a schema, so the service can refuse it in its own error type."""
    if _bad_character(text, line_breaks=line_breaks):
        return "text_control_character"
    if looks_like_rrn(text):
        return "text_rrn"
    return None


def check_text(text: str, *, line_breaks: bool = False) -> str:
    """``text`` if free text may hold it; else a ``PydanticCustomError`` saying what, not the text."""
    code = text_problem(text, line_breaks=line_breaks)
    if code is not None:
        en, ko = TEXT_PROBLEMS[code]
        raise PydanticCustomError(code, f"{en} ({ko})")
    return text


def _one_line(text: str) -> str:
    return check_text(text)


def _lines(text: str) -> str:
    return check_text(text, line_breaks=True)


FreeText = Annotated[str, AfterValidator(_one_line)]
"""One line of free text (a title, a reason, an address): no RRN, no control characters."""

MultilineText = Annotated[str, AfterValidator(_lines)]
"""Free text where line breaks and tabs mean something (a note, a description)."""


def cell(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell (XLSX or CSV): text that Excel would read as a
    formula gets a leading ``'``, control characters are dropped."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return _CELL_CONTROL.sub("", value)


def cells(row: Any) -> list[Any]:
    """Every value of ``row`` through ``cell``."""
    return [cell(value) for value in row]
