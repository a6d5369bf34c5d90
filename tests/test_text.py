"""Free text (ilja.text): an RRN standing alone or a control character is refused on the way in,
and a value leaves for a spreadsheet without formulas or control characters."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from ilja.text import FreeText, MultilineText, cell, cells, looks_like_rrn


class Note(BaseModel):
    title: FreeText = Field(max_length=200)
    body: MultilineText = ""


@pytest.mark.parametrize("text", [
    "900101-1234567", "9001011234567", "사유: 900101 - 1234567 확인", "０１０２０３-４１２３４５６",
    "(851231-2000000)", "note 200229-3111111.",
])
def test_a_standalone_rrn_is_seen(text):
    assert looks_like_rrn(text)


@pytest.mark.parametrize("text", [
    "010-1234-5678", "9013011234567", "901301-1234567", "900230-1234567",  # no 13th month, 30 Feb
    "a9001011234567", "90010112345678", "seed 4f9001011234567ab", "계좌 110-123-456789",
    "2025-07-01 1234567", "",
])
def test_other_numbers_are_not_an_rrn(text):
    assert not looks_like_rrn(text)


def test_free_text_refuses_an_rrn_without_repeating_it():
    with pytest.raises(ValidationError) as refused:
        Note(title="상담 900101-1234567")
    (error,) = refused.value.errors()
    assert (error["loc"], error["type"]) == (("title",), "text_rrn")
    assert "900101" not in error["msg"]


@pytest.mark.parametrize(("field", "text", "ok"), [
    ("title", "한 줄\t탭", False), ("title", "줄\n바꿈", False), ("title", "벨\x07", False),
    ("title", "널\x00", False), ("title", "C1\x85", False),
    ("body", "여러 줄\n\t들여쓰기\r\n끝", True), ("body", "ESC\x1b[31m", False),
    ("title", "평범한 제목 (2025)", True),
])
def test_control_characters_are_refused_where_they_mean_nothing(field, text, ok):
    values = {"title": "제목", field: text}
    if ok:
        Note(**values)
        return
    with pytest.raises(ValidationError) as refused:
        Note(**values)
    assert refused.value.errors()[0]["type"] == "text_control_character"


def test_a_lone_surrogate_is_refused_by_pydantic_itself():
    with pytest.raises(ValidationError) as refused:
        Note(title="\ud800")
    assert refused.value.errors()[0]["type"] == "string_unicode"


def test_cells_neutralise_formulas_and_drop_control_characters():
    assert cells(["=1+1", "+82", "-5", "@SUM(A1)", "\tx", "a\x0bb\x1f", 7, None, "보통"]) == [
        "'=1+1", "'+82", "'-5", "'@SUM(A1)", "'\tx", "ab", 7, None, "보통"]


@settings(deadline=None, max_examples=200)
@given(st.text())
def test_any_text_fits_an_xlsx_cell(text):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append([cell(text)])
    book.save(io.BytesIO())
    value = cell(text)
    assert not value.startswith(("=", "+", "-", "@")) or value.startswith("'")
