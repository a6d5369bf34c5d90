"""Exports and transfer files are written whole or not at all."""

from __future__ import annotations

import os

import pytest

from ilja.files import write_atomically


def test_a_file_is_replaced_whole_and_readable_by_its_owner_only(tmp_path):
    target = tmp_path / "out" / "transfer.csv"
    write_atomically(target, b"old")
    write_atomically(target, b"new, longer content")
    assert target.read_bytes() == b"new, longer content"
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in target.parent.iterdir()] == ["transfer.csv"]


def test_a_write_that_fails_half_way_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "transfer.csv"
    write_atomically(target, b"previous")

    def crash(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, b"half")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["transfer.csv"]


def test_an_uploaded_table_is_read_one_way_and_refused_in_both_languages():
    """``files.read_table``: CSV in UTF-8 (with or without BOM) or CP949, XLSX's first sheet; a
    file too large, of another kind or unreadable is refused with words in Korean and English."""
    import io

    from openpyxl import Workbook

    from ilja import files

    rows = [["지급참조번호", "결과"], ["ILJA-00000001-1", "입금"]]
    text = "\n".join(",".join(row) for row in rows) + "\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp949")):
        assert files.read_table(data, "결과.CSV", max_bytes=10_000) == rows
    book, out = Workbook(), io.BytesIO()
    for row in rows:
        book.active.append(row)
    book.save(out)
    assert files.read_table(out.getvalue(), "result.xlsx", max_bytes=100_000) == rows
    for data, name, words in ((text.encode(), "r.csv", "1바이트"), (text.encode(), "r.pdf", "CSV 또는 XLSX"),
                              (b"PK\x03\x04 not a zip", "r.xlsx", "XLSX"), ("가".encode("utf-16"), "r.csv", "UTF-8")):
        with pytest.raises(files.UnreadableTable) as refused:
            files.read_table(data, name, max_bytes=1 if words == "1바이트" else 10_000)
        assert words in refused.value.ko and refused.value.en


def test_a_sheet_keeps_its_inner_blank_rows_and_drops_the_trailing_ones():
    """Row numbers in a refusal are the spreadsheet's, so a blank row between data stays; the
    blank rows after the last value (a sheet formatted far down) are not built at all."""
    import io

    from openpyxl import Workbook

    from ilja import files

    book, out = Workbook(), io.BytesIO()
    sheet = book.active
    sheet.append(["이름", "전화"])
    sheet.append([None, None])
    sheet.append(["김철수", 1])
    for row in range(4, 5_000):
        sheet.cell(row=row, column=2).number_format = "@"  # formatted, no value
    sheet.cell(row=5_000, column=1, value="")
    book.save(out)
    assert files.read_table(out.getvalue(), "people.xlsx", max_bytes=10_000_000) == [
        ["이름", "전화"], ["", ""], ["김철수", 1]]
