"""Kinds of excused absence (공결 사유) and the effect each has, by the dated rules of each
program family: for a trainee, whether the day leaves the attendance rate
(``training.excused.<kind>``); for a public-job participant, whether it is paid leave or unpaid
but excused (``publicjobs.excused.<kind>_paid``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree


class ExcuseKind(StrEnum):
    OFFICIAL = "official"  # 공가: 예비군·민방위 훈련, 투표, 법원·관공서 출석
    SICK = "sick"  # 병가
    FAMILY = "family"  # 경조사
    INTERVIEW = "interview"  # 채용 면접


def training_rule(kind: ExcuseKind, on: dt.date, tree: ParameterTree | None = None) -> ParameterUse:
    """Whether a trainee's day of ``kind`` is excused (value true) or an absence (false)."""
    return (tree or default_tree()).get(f"training.excused.{kind.value}").use_at(on)


def evidence_required(on: dt.date, tree: ParameterTree | None = None) -> bool:
    return bool((tree or default_tree()).value("training.excused.evidence_required", on))


def publicjobs_rule(kind: ExcuseKind, on: dt.date, tree: ParameterTree | None = None) -> ParameterUse:
    """Whether a participant's excused day of ``kind`` is paid leave (true) or unpaid (false)."""
    return (tree or default_tree()).get(f"publicjobs.excused.{kind.value}_paid").use_at(on)
