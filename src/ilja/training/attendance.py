"""Daily attendance (출결): present, late, absent, excused — and the attendance rate they give.

The rate follows the attendance parameters (``rules/parameters/training/attendance.yaml``, all
documented assumptions: the source documents are silent): every ``lates_per_absence`` late
arrivals (지각) count as one absence, excused days (공결) are left out of the count, and a run of
unexcused absences (무단결석) on consecutive session days is measured for the dropout rule.

Two paths with one meaning: ``summarise_one`` for a trainee's page (plain Python, easy to
read) and ``summarise`` for a whole year of a campus network as numpy columns; a hypothesis
test holds them equal. Rates are exact fractions compared in integers, never floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction
from typing import Any

import numpy as np

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree


class Mark(IntEnum):
    """One trainee's attendance on one session day (stored as this small integer)."""

    PRESENT = 0  # 출석
    LATE = 1  # 지각
    ABSENT = 2  # 결석 (무단)
    EXCUSED = 3  # 공결

    @property
    def code(self) -> str:
        return self.name.lower()


MARK_LABELS_KO = {Mark.PRESENT: "출석", Mark.LATE: "지각", Mark.ABSENT: "결석", Mark.EXCUSED: "공결"}

# What operators type in their spreadsheets today, Korean or English, mapped to a mark.
_MARK_WORDS = {
    **{m.code: m for m in Mark},
    **{label: m for m, label in MARK_LABELS_KO.items()},
    "o": Mark.PRESENT, "○": Mark.PRESENT, "x": Mark.ABSENT, "×": Mark.ABSENT,
    "무단결석": Mark.ABSENT, "결석(무단)": Mark.ABSENT, "병결": Mark.EXCUSED, "인정결석": Mark.EXCUSED,
}


def parse_mark(text: Any) -> Mark | None:
    """The mark a cell means, or None when it means nothing we know."""
    if text is None:
        return None
    return _MARK_WORDS.get(str(text).strip().lower())


def _share(value: Any) -> Fraction:
    return Fraction(str(value))


@dataclass(frozen=True, slots=True)
class AttendanceRules:
    """The attendance parameters in force on a date (a cohort's start date)."""

    on: dt.date
    min_rate: Fraction
    warning_rate: Fraction
    lates_per_absence: int | None
    excused_excluded: bool
    max_consecutive_absences: int | None
    uses: tuple[ParameterUse, ...]

    @classmethod
    def at(cls, on: dt.date, tree: ParameterTree | None = None) -> AttendanceRules:
        tree = tree or default_tree()
        names = ("min_attendance_rate", "warning_attendance_rate", "lates_per_absence",
                 "excused_excluded", "max_consecutive_absences")
        uses = {n: tree.get(f"training.attendance.{n}").use_at(on) for n in names}
        lates = uses["lates_per_absence"].value
        run = uses["max_consecutive_absences"].value
        return cls(
            on=on,
            min_rate=_share(uses["min_attendance_rate"].value),
            warning_rate=_share(uses["warning_attendance_rate"].value),
            lates_per_absence=int(lates) if lates else None,
            excused_excluded=bool(uses["excused_excluded"].value),
            max_consecutive_absences=int(run) if run else None,
            uses=tuple(uses.values()),
        )


@dataclass(frozen=True, slots=True)
class TraineeAttendance:
    """One trainee's counts so far and what they mean under the rules."""

    present: int
    late: int
    absent: int
    excused: int
    counted: int  # days that count towards the rate
    attended: int  # counted days attended, after late arrivals are turned into absences
    longest_absence_run: int

    @property
    def rate(self) -> Fraction:
        """Attended / counted; 1 while nothing counts yet (no evidence against the trainee)."""
        return Fraction(self.attended, self.counted) if self.counted else Fraction(1)

    def reachable(self, remaining: int, rate: Fraction) -> bool:
        """Can the trainee still reach ``rate`` by attending all ``remaining`` sessions?"""
        return (self.attended + remaining) * rate.denominator >= rate.numerator * (
            self.counted + remaining)


def _counted_and_attended(present: Any, late: Any, absent: Any, excused: Any,
                          rules: AttendanceRules) -> tuple[Any, Any]:
    penalty = late // rules.lates_per_absence if rules.lates_per_absence else late * 0
    counted = present + late + absent + (0 if rules.excused_excluded else excused)
    return counted, present + late - penalty


def summarise_one(marks: Sequence[Mark | int], rules: AttendanceRules) -> TraineeAttendance:
    """One trainee's marks, in session-day order."""
    counts = {m: 0 for m in Mark}
    run = longest = 0
    for raw in marks:
        mark = Mark(raw)
        counts[mark] += 1
        run = run + 1 if mark is Mark.ABSENT else 0
        longest = max(longest, run)
    counted, attended = _counted_and_attended(counts[Mark.PRESENT], counts[Mark.LATE],
                                              counts[Mark.ABSENT], counts[Mark.EXCUSED], rules)
    return TraineeAttendance(counts[Mark.PRESENT], counts[Mark.LATE], counts[Mark.ABSENT],
                             counts[Mark.EXCUSED], counted, attended, longest)


@dataclass(frozen=True, slots=True)
class AttendanceColumns:
    """Many trainees' counts as int64 columns, one entry per trainee index 0..n-1."""

    present: np.ndarray
    late: np.ndarray
    absent: np.ndarray
    excused: np.ndarray
    counted: np.ndarray
    attended: np.ndarray
    longest_absence_run: np.ndarray

    def __len__(self) -> int:
        return len(self.present)

    def row(self, i: int) -> TraineeAttendance:
        return TraineeAttendance(*(int(getattr(self, f)[i]) for f in self.__dataclass_fields__))

    def below(self, rate: Fraction) -> np.ndarray:
        """Trainees whose rate so far is under ``rate`` (nobody while nothing counts)."""
        return (self.counted > 0) & (self.attended * rate.denominator
                                     < rate.numerator * self.counted)

    def unreachable(self, remaining: np.ndarray | int, rate: Fraction) -> np.ndarray:
        """Trainees who cannot reach ``rate`` even attending every remaining session."""
        return (self.attended + remaining) * rate.denominator < rate.numerator * (
            self.counted + remaining)

    def rate_percent(self) -> np.ndarray:
        """Rates for display (float, rounded to 0.1); decisions use ``below``/``unreachable``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(self.counted > 0, self.attended / np.maximum(self.counted, 1), 1.0)
        return np.round(rate * 100, 1)


def summarise(trainee: np.ndarray, day: np.ndarray, mark: np.ndarray, n_trainees: int,
              rules: AttendanceRules, *, presorted: bool = False) -> AttendanceColumns:
    """Counts per trainee from one row per (trainee index, session day, mark).

    ``day`` is any increasing day number (YYYYMMDD or an ordinal); runs of absences are counted
    over each trainee's recorded days in day order. Pass ``presorted`` when the rows are already
    ordered by trainee, then day.
    """
    trainee = np.asarray(trainee, dtype=np.int64)
    mark = np.asarray(mark, dtype=np.int8)
    if len(trainee) and (trainee.min() < 0 or trainee.max() >= n_trainees):
        raise ValueError("trainee index out of range")
    if len(mark) and (mark.min() < 0 or mark.max() > Mark.EXCUSED):
        raise ValueError("unknown attendance mark")
    if not presorted:
        order = np.lexsort((np.asarray(day), trainee))
        trainee, mark = trainee[order], mark[order]
    counts = np.bincount(trainee * 4 + mark, minlength=n_trainees * 4).reshape(n_trainees, 4)
    present, late, absent, excused = (counts[:, m].astype(np.int64) for m in Mark)
    counted, attended = _counted_and_attended(present, late, absent, excused, rules)
    return AttendanceColumns(present, late, absent, excused, counted, attended,
                             _longest_absence_runs(trainee, mark, n_trainees))


def _longest_absence_runs(trainee: np.ndarray, mark: np.ndarray, n_trainees: int) -> np.ndarray:
    """The longest run of consecutive unexcused absences per trainee (rows sorted)."""
    longest = np.zeros(n_trainees, dtype=np.int64)
    n = len(trainee)
    if n == 0:
        return longest
    index = np.arange(n, dtype=np.int64)
    absent = mark == Mark.ABSENT
    first = np.ones(n, dtype=bool)
    first[1:] = trainee[1:] != trainee[:-1]
    # The last index before each row that breaks a run: a non-absent row, or the row just
    # before a trainee's first row.
    breaks = np.where(~absent, index, np.where(first, index - 1, -1))
    last_break = np.maximum.accumulate(breaks)
    run = np.where(absent, index - last_break, 0)
    starts = np.flatnonzero(first)
    longest[trainee[starts]] = np.maximum.reduceat(run, starts)
    return longest
