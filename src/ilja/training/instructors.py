"""Instructor standards of Academy 2.0 (seoul-2025-academy-2-0-release 교육 품질·관리 강화).

- Qualification: an instructor of an AI course needs at least
  ``youth_academy.academic.instructor_min_industry_years`` of AI/SW industry experience
  (null before 2025-11-11: no stated standard; 2 years from then on). Checked when the
  instructor is assigned, against the rule in force on the cohort's start date.
- Satisfaction: an instructor whose mean lecture-satisfaction score for a cohort is under
  ``youth_academy.academic.instructor_satisfaction_bar`` (70, then 80) is flagged to the course
  committee (학과 운영위원회) — once ``training.instructors.min_survey_responses`` trainees answered.

Experience is counted in whole months so that "2 years" is exact (24 months).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree

MIN_YEARS = "youth_academy.academic.instructor_min_industry_years"
SATISFACTION_BAR = "youth_academy.academic.instructor_satisfaction_bar"
MIN_RESPONSES = "training.instructors.min_survey_responses"


@dataclass(frozen=True, slots=True)
class Qualification:
    qualified: bool
    reason_ko: str
    reason_en: str
    parameters: tuple[ParameterUse, ...] = field(default=())


def qualification(*, ai_course: bool, industry_months: int, on: dt.date,
                  tree: ParameterTree | None = None) -> Qualification:
    """May this instructor teach this course (a cohort starting ``on``)?"""
    use = (tree or default_tree()).get(MIN_YEARS).use_at(on)
    if not ai_course:
        return Qualification(True, "AI 과정이 아니므로 실무경력 기준이 적용되지 않습니다",
                             "Not an AI course: the industry-experience standard does not apply",
                             (use,))
    if use.value is None:
        return Qualification(True, "이 날짜에는 강사 실무경력 기준이 없습니다",
                             "No industry-experience standard on this date", (use,))
    needed = int(use.value) * 12
    if industry_months >= needed:
        return Qualification(True, f"AI·SW 실무경력 {industry_months}개월 (기준 {needed}개월 이상)",
                             f"{industry_months} months of AI/SW industry experience "
                             f"(at least {needed} needed)", (use,))
    return Qualification(False, f"AI·SW 실무경력 {industry_months}개월이 기준 {needed}개월에 "
                                "미달합니다",
                         f"{industry_months} months of AI/SW industry experience; at least "
                         f"{needed} are needed", (use,))


@dataclass(frozen=True, slots=True)
class SatisfactionResult:
    """One instructor's lecture satisfaction for one cohort, judged against the bar."""

    responses: int
    mean: Fraction | None
    bar: int
    judged: bool  # enough responses to judge
    flagged: bool  # under the bar: goes to the course committee
    parameters: tuple[ParameterUse, ...]

    @property
    def mean_display(self) -> float | None:
        return None if self.mean is None else round(float(self.mean), 1)

    def reason(self, lang: str = "ko") -> str:
        if not self.judged:
            return (f"응답 {self.responses}건: 판정에 필요한 응답 수에 미달합니다" if lang == "ko"
                    else f"{self.responses} responses: too few to judge")
        mean = self.mean_display
        if lang == "ko":
            return f"강의 만족도 평균 {mean}점 (기준 {self.bar}점)"
        return f"Mean lecture satisfaction {mean} (bar {self.bar})"

    def as_dict(self) -> dict[str, Any]:
        return {"responses": self.responses, "mean": self.mean_display, "bar": self.bar,
                "judged": self.judged, "flagged": self.flagged,
                "reason": {"ko": self.reason("ko"), "en": self.reason("en")},
                "parameters": [p.as_dict() for p in self.parameters]}


def satisfaction(scores: Sequence[int], *, on: dt.date,
                 tree: ParameterTree | None = None) -> SatisfactionResult:
    """Judge the survey answers (0–100 points each) of a cohort that started ``on``."""
    tree = tree or default_tree()
    bar = tree.get(SATISFACTION_BAR).use_at(on)
    minimum = tree.get(MIN_RESPONSES).use_at(on)
    count = len(scores)
    mean = Fraction(sum(int(s) for s in scores), count) if count else None
    judged = mean is not None and count >= int(minimum.value)
    flagged = judged and mean is not None and mean < int(bar.value)
    return SatisfactionResult(count, mean, int(bar.value), judged, flagged, (bar, minimum))


def flag_columns(sums: np.ndarray, counts: np.ndarray, bars: np.ndarray,
                 min_responses: int) -> np.ndarray:
    """``satisfaction(...).flagged`` for many (instructor, cohort) pairs, in integers."""
    sums = np.asarray(sums, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    return (counts >= max(min_responses, 1)) & (sums < np.asarray(bars, dtype=np.int64) * counts)
