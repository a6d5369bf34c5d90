"""The dropout rule (중도 탈락): assessment scores and attendance, warned first, then dropped.

Scores: a score below the dropout threshold in force on the **cohort's start date**
(``youth_academy.academic.dropout_threshold``: 70, then 80 from Academy 2.0 on 2025-11-11 —
seoul-2025-academy-2-0-release 교육 품질·관리 강화; each program has its own bar, and the
technical education institutes have none in the documents) warns the trainee; once they have had
``training.dropout.score_warnings_before_dropout`` warnings, the next score below drops them.
Attendance: a trainee under the warning rate is warned once; one who can no longer reach the
completion rate, or who was absent without excuse on too many consecutive days, is warned, then
dropped (all attendance figures are documented assumptions, ``training/attendance.yaml``). A
dropout is only ever *proposed* here: it goes through the prior notice of ``ilja.rights`` before
it takes effect, and nothing in this module reads a day without a record as an absence.

A cohort keeps the rules it started under: a trainee who began in September 2025 is judged
against 70 until they finish, as the press release announces new rules for new courses.

Every finding carries its rule, its figures and the parameters it used, so a warning letter
and a dropout record can both say why. ``score_findings`` / ``attendance_finding`` decide for
one trainee; ``score_columns`` / ``attendance_columns`` for many at once, with the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree
from ilja.training.attendance import AttendanceColumns, AttendanceRules, TraineeAttendance


def threshold_parameter(program: str) -> str:
    """Each program has its own score bar (``<program>.academic.dropout_threshold``)."""
    return f"{program}.academic.dropout_threshold"


class Kind(StrEnum):
    WARNING = "warning"  # 경고
    DROPOUT = "dropout"  # 중도 탈락


class Rule(StrEnum):
    SCORE_BELOW_THRESHOLD = "score_below_threshold"
    ATTENDANCE_BELOW_WARNING = "attendance_below_warning"
    ATTENDANCE_UNREACHABLE = "attendance_unreachable"
    CONSECUTIVE_ABSENCES = "consecutive_absences"


REASONS = {
    Rule.SCORE_BELOW_THRESHOLD: (
        "평가 점수 {score}점이 중도 탈락 기준 {threshold}점 미만입니다",
        "Assessment score {score} is below the dropout threshold of {threshold}"),
    Rule.ATTENDANCE_BELOW_WARNING: (
        "출석률 {rate}%가 경고 기준 {limit}% 미만입니다",
        "Attendance rate {rate}% is below the warning rate of {limit}%"),
    Rule.ATTENDANCE_UNREACHABLE: (
        "남은 {remaining}회를 모두 출석해도 수료 출석률 {limit}%에 이를 수 없습니다",
        "Even attending all {remaining} remaining sessions cannot reach the completion rate of "
        "{limit}%"),
    Rule.CONSECUTIVE_ABSENCES: (
        "연속 무단결석 {run}일 (기준 {limit}일)",
        "{run} consecutive unexcused absences (limit {limit})"),
}


def _nan_if_none(value: Any) -> float:
    return float("nan") if value is None else float(value)


@dataclass(frozen=True, slots=True)
class DropoutRules:
    """Every figure the dropout rule needs, in force on one cohort's start date."""

    cohort_start: dt.date
    threshold: int | None  # None: the program has no score bar (only attendance can drop)
    score_warnings: int
    attendance_warnings: int
    attendance: AttendanceRules
    uses: tuple[ParameterUse, ...]

    @classmethod
    def at(cls, cohort_start: dt.date, program: str = "youth_academy",
           tree: ParameterTree | None = None) -> DropoutRules:
        tree = tree or default_tree()
        threshold = tree.get(threshold_parameter(program)).use_at(cohort_start)
        scores = tree.get("training.dropout.score_warnings_before_dropout").use_at(cohort_start)
        attendance = tree.get("training.dropout.attendance_warnings_before_dropout").use_at(
            cohort_start)
        bar = None if threshold.value is None else int(threshold.value)
        return cls(cohort_start, bar, int(scores.value), int(attendance.value),
                   AttendanceRules.at(cohort_start, tree), (threshold, scores, attendance))


@dataclass(frozen=True, slots=True)
class Finding:
    """A warning or a dropout, with the rule, the figures behind it and the parameters used."""

    kind: Kind
    rule: Rule
    on: dt.date
    figures: dict[str, Any]
    parameters: tuple[ParameterUse, ...] = field(default=())

    def reason(self, lang: str = "ko") -> str:
        ko, en = REASONS[self.rule]
        return (ko if lang == "ko" else en).format(**self.figures)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "rule": self.rule.value, "on": self.on.isoformat(),
                "figures": self.figures, "reason": {"ko": self.reason("ko"),
                                                    "en": self.reason("en")},
                "parameters": [p.as_dict() for p in self.parameters]}


def _points(score: float) -> int | float:
    return int(score) if float(score).is_integer() else round(float(score), 2)


def score_findings(scores: Sequence[tuple[dt.date, float]], rules: DropoutRules, *,
                   prior_warnings: int = 0) -> list[Finding]:
    """Findings for one trainee's scores: a warning per score below the threshold until the
    allowed warnings are used up, then the dropout (and nothing after it)."""
    found: list[Finding] = []
    warnings = prior_warnings
    if rules.threshold is None:
        return found
    for on, score in sorted(scores, key=lambda pair: pair[0]):
        if score >= rules.threshold:
            continue
        figures = {"score": _points(score), "threshold": rules.threshold}
        if warnings < rules.score_warnings:
            warnings += 1
            found.append(Finding(Kind.WARNING, Rule.SCORE_BELOW_THRESHOLD, on, figures,
                                 rules.uses[:2]))
        else:
            found.append(Finding(Kind.DROPOUT, Rule.SCORE_BELOW_THRESHOLD, on, figures,
                                 rules.uses[:2]))
            break
    return found


def _percent(value: Any) -> str:
    return f"{float(value) * 100:.1f}".rstrip("0").rstrip(".")


def attendance_finding(summary: TraineeAttendance, remaining: int, rules: DropoutRules,
                       on: dt.date, *, prior_warnings: int = 0) -> Finding | None:
    """At most one finding for one trainee's attendance so far (the gravest)."""
    a = rules.attendance
    uses = (*a.uses, rules.uses[2])
    if a.max_consecutive_absences and summary.longest_absence_run >= a.max_consecutive_absences:
        kind = Kind.DROPOUT if prior_warnings >= rules.attendance_warnings else Kind.WARNING
        return Finding(kind, Rule.CONSECUTIVE_ABSENCES, on,
                       {"run": summary.longest_absence_run, "limit": a.max_consecutive_absences},
                       uses)
    if not summary.reachable(remaining, a.min_rate):
        kind = Kind.DROPOUT if prior_warnings >= rules.attendance_warnings else Kind.WARNING
        return Finding(kind, Rule.ATTENDANCE_UNREACHABLE, on,
                       {"remaining": remaining, "limit": _percent(a.min_rate),
                        "rate": _percent(summary.rate)}, uses)
    if prior_warnings == 0 and summary.rate < a.warning_rate:
        return Finding(Kind.WARNING, Rule.ATTENDANCE_BELOW_WARNING, on,
                       {"rate": _percent(summary.rate), "limit": _percent(a.warning_rate)}, uses)
    return None


# --------------------------------------------------------------------------------------------
# Many trainees at once
# --------------------------------------------------------------------------------------------
NONE, WARNING, DROPOUT = 0, 1, 2
RULE_CODES = {Rule.SCORE_BELOW_THRESHOLD: 1, Rule.ATTENDANCE_BELOW_WARNING: 2,
              Rule.ATTENDANCE_UNREACHABLE: 3, Rule.CONSECUTIVE_ABSENCES: 4}


def thresholds_for(cohort_starts: np.ndarray, tree: ParameterTree | None = None,
                   program: str = "youth_academy") -> np.ndarray:
    """The threshold in force on each cohort start (YYYYMMDD ints), looked up once per date; NaN
    where the program has no score bar (no score is below NaN)."""
    tree = tree or default_tree()
    starts = np.asarray(cohort_starts, dtype=np.int64)
    unique, inverse = np.unique(starts, return_inverse=True)
    name = threshold_parameter(program)
    values = np.array([_nan_if_none(tree.value(name, dt.date(int(d) // 10000, int(d) // 100 % 100,
                                                     int(d) % 100))) for d in unique],
                      dtype=np.float64)
    return values[inverse]


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """Per score row (sorted by trainee, then date): 0 none, 1 warning, 2 dropout."""

    trainee: np.ndarray
    day: np.ndarray
    score: np.ndarray
    threshold: np.ndarray
    outcome: np.ndarray

    def dropped(self, n_trainees: int) -> np.ndarray:
        out = np.zeros(n_trainees, dtype=bool)
        out[self.trainee[self.outcome == DROPOUT]] = True
        return out


def score_columns(trainee: np.ndarray, day: np.ndarray, score: np.ndarray,
                  threshold_of_trainee: np.ndarray, warnings_allowed: np.ndarray | int,
                  prior_warnings: np.ndarray | None = None) -> ScoreColumns:
    """The score rule over many rows: ``threshold_of_trainee`` and ``warnings_allowed`` are
    per trainee (from each cohort's start date)."""
    trainee = np.asarray(trainee, dtype=np.int64)
    order = np.lexsort((np.asarray(day), trainee))
    trainee, day, score = trainee[order], np.asarray(day)[order], np.asarray(score)[order]
    threshold = np.asarray(threshold_of_trainee, dtype=np.float64)[trainee]
    below = score < threshold
    n = len(trainee)
    first = np.ones(n, dtype=bool)
    first[1:] = trainee[1:] != trainee[:-1]
    cumulative = np.cumsum(below, dtype=np.int64)
    before_group = np.maximum.accumulate(np.where(first, cumulative - below, 0)) if n else cumulative
    count = cumulative - before_group  # below-threshold scores so far, this one included
    allowed = np.broadcast_to(np.asarray(warnings_allowed, dtype=np.int64),
                              threshold_of_trainee.shape)[trainee]
    prior = (np.zeros(n, dtype=np.int64) if prior_warnings is None
             else np.asarray(prior_warnings, dtype=np.int64)[trainee])
    total = count + prior
    # The dropout is the first score below once the warnings are used up: where the total
    # first passes the allowance, or the trainee's first score below if it already had.
    dropout = below & (total > allowed) & ((total - 1 <= allowed) | (count == 1))
    outcome = np.where(below & (total <= allowed), WARNING,
                       np.where(dropout, DROPOUT, NONE)).astype(np.int8)
    return ScoreColumns(trainee, day, score, threshold, outcome)


@dataclass(frozen=True, slots=True)
class AttendanceOutcome:
    """Per trainee: 0 none, 1 warning, 2 dropout, and the rule code (``RULE_CODES``)."""

    outcome: np.ndarray
    rule: np.ndarray


def attendance_columns(summary: AttendanceColumns, remaining: np.ndarray | int,
                       rules: AttendanceRules, warnings_allowed: int,
                       prior_warnings: np.ndarray | None = None) -> AttendanceOutcome:
    """``attendance_finding`` for every trainee of cohorts sharing ``rules``."""
    n = len(summary)
    prior = np.zeros(n, dtype=np.int64) if prior_warnings is None else np.asarray(prior_warnings)
    run_limit = rules.max_consecutive_absences
    by_run = (summary.longest_absence_run >= run_limit) if run_limit else np.zeros(n, dtype=bool)
    unreachable = summary.unreachable(remaining, rules.min_rate) & ~by_run
    low = summary.below(rules.warning_rate) & (prior == 0) & ~by_run & ~unreachable
    outcome = np.zeros(n, dtype=np.int8)
    rule = np.zeros(n, dtype=np.int8)
    outcome[by_run] = np.where(prior[by_run] >= warnings_allowed, DROPOUT, WARNING)
    rule[by_run] = RULE_CODES[Rule.CONSECUTIVE_ABSENCES]
    outcome[unreachable] = np.where(prior[unreachable] >= warnings_allowed, DROPOUT, WARNING)
    rule[unreachable] = RULE_CODES[Rule.ATTENDANCE_UNREACHABLE]
    outcome[low] = WARNING
    rule[low] = RULE_CODES[Rule.ATTENDANCE_BELOW_WARNING]
    return AttendanceOutcome(outcome, rule)
