"""Attendance files: every row checked, each problem with its row, column and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from ilja.training.attendance import Mark
from ilja.training.attendance_import import AttendanceFileError, Roster, check, read_frame

ROSTER = Roster(enrolments={("AI-01", "AI-01-001"): 11, ("AI-01", "AI-01-002"): 12},
                session_days={"AI-01": [20251201, 20251202, 20251203]})


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_good_csv_with_korean_headers_and_extra_columns(tmp_path):
    path = write_csv(tmp_path / "a.csv", [
        "기수,훈련생번호,이름,날짜,출결",
        "AI-01,AI-01-001,홍길동,2025-12-01,출석",
        "AI-01,AI-01-002,김철수,2025.12.02,지각",
        "AI-01,AI-01-001,홍길동,20251203,공결",
    ])
    rows = check(read_frame(path), ROSTER)
    assert rows.enrolment.tolist() == [11, 12, 11]
    assert rows.day.tolist() == [20251201, 20251202, 20251203]
    assert rows.mark.tolist() == [Mark.PRESENT, Mark.LATE, Mark.EXCUSED]


def test_every_bad_row_is_reported_with_row_column_and_reason(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        "cohort,trainee,date,mark",
        "AI-01,AI-01-001,2025-12-01,present",  # 2 ok
        "AI-01,AI-01-009,2025-12-01,present",  # 3 not enrolled
        "AI-99,AI-01-001,2025-12-01,present",  # 4 unknown cohort
        "AI-01,AI-01-002,2025-02-30,present",  # 5 not a date
        "AI-01,AI-01-002,2025-12-06,present",  # 6 Saturday: not a session day
        "AI-01,AI-01-002,2025-12-02,sleeping",  # 7 unknown mark
        "AI-01,,2025-12-02,present",  # 8 empty trainee
        "AI-01,AI-01-001,2025-12-01,late",  # 9 duplicate of row 2
    ])
    with pytest.raises(AttendanceFileError) as caught:
        check(read_frame(path), ROSTER)
    got = {(p.row, p.column, p.reason) for p in caught.value.problems}
    assert got == {
        (3, "trainee", "not enrolled in this cohort"),
        (4, "cohort", "unknown cohort"),
        (5, "date", "not a date (use YYYY-MM-DD)"),
        (6, "date", "not a session day of this cohort"),
        (7, "mark", "unknown mark (출석, 지각, 결석, 공결)"),
        (8, "trainee", "empty"),
        (2, "date", "the same trainee and day appear twice"),
        (9, "date", "the same trainee and day appear twice"),
    }


def test_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["기수,날짜", "AI-01,2025-12-01"])
    with pytest.raises(AttendanceFileError) as caught:
        read_frame(path)
    assert {p.column for p in caught.value.problems} == {"trainee", "mark"}


def test_xlsx_with_excel_dates_and_blank_rows(tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["기수", "훈련생번호", "날짜", "출결"])
    sheet.append(["AI-01", "AI-01-001", dt.datetime(2025, 12, 1), "출석"])
    sheet.append([None, None, None, None])
    sheet.append(["AI-01", "AI-01-002", dt.date(2025, 12, 3), "결석"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    rows = check(read_frame(path), ROSTER)
    assert rows.row.tolist() == [2, 4]
    assert rows.mark.tolist() == [Mark.PRESENT, Mark.ABSENT]


def test_other_file_types_are_refused(tmp_path):
    with pytest.raises(AttendanceFileError):
        read_frame(write_csv(tmp_path / "a.txt", ["x"]))


@pytest.mark.parametrize("text", ["2025-12-01", "2025.12.01", "2025/12/01", "20251201",
                                  "2025. 12. 01", "2025-12-01 00:00:00", "2025-12-01T09:00"])
def test_dates_as_operators_write_them(text):
    from ilja.training.attendance_import import _day_number

    assert _day_number(text) == 20251201


@pytest.mark.parametrize("text", ["2025121", "2025-13-01", "yesterday", "01/12/2025"])
def test_not_dates(text):
    from ilja.training.attendance_import import _day_number

    assert _day_number(text) is None
