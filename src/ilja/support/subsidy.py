"""Training subsidies (교육훈련지원금) for employment-vulnerable youth, as pure functions.

seoul-2025-jobs-plan §1: "online basic course and training subsidies for employment-vulnerable youth",
funded by companies' social-contribution programs. Who qualifies, the amount, the schedule and
the attendance condition are parameters (``rules/parameters/support/subsidy.yaml``); the groups
that count as employment-vulnerable are ``common.vulnerability.employment_vulnerable_groups``.
Each month of the schedule is paid in full when its attendance reaches the bar, else withheld;
a month with no attendance record yet waits (it is neither paid nor withheld until it has one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse
from ilja.support.parameters import in_force

PREFIX = "support.subsidy."
GROUPS = "common.vulnerability.employment_vulnerable_groups"


class Refusal(StrEnum):
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"
    NOT_VULNERABLE = "not_employment_vulnerable"
    ALREADY = "already_granted"
    NO_BIRTH_DATE = "birth_date_unknown"


def uses_on(on: dt.date, tree: ParameterTree | None = None) -> dict[str, ParameterUse]:
    return in_force(PREFIX, ("min_age", "max_age", "monthly_amount_won", "max_months", "min_attendance"), on, tree,
                    extra={"vulnerable_groups": GROUPS})


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in full years (만 나이)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def qualification_refusals(*, birth_date: dt.date | None, groups: Iterable[str], has_active_grant: bool,
                           on: dt.date, uses: Mapping[str, ParameterUse]) -> list[Refusal]:
    refusals = []
    if birth_date is None:
        refusals.append(Refusal.NO_BIRTH_DATE)
    else:
        age = age_on(birth_date, on)
        if age < int(uses["min_age"].value):
            refusals.append(Refusal.TOO_YOUNG)
        if age > int(uses["max_age"].value):
            refusals.append(Refusal.TOO_OLD)
    if not set(groups) & set(uses["vulnerable_groups"].value):
        refusals.append(Refusal.NOT_VULNERABLE)
    if has_active_grant:
        refusals.append(Refusal.ALREADY)
    return refusals


def schedule(starts_on: dt.date, months: int) -> list[str]:
    """The months (YYYY-MM) a grant pays, from the month it starts."""
    index = starts_on.year * 12 + starts_on.month - 1
    return [f"{(index + i) // 12:04d}-{(index + i) % 12 + 1:02d}" for i in range(months)]


def month_payment(attendance_milli: int, monthly_amount_won: int,
                  uses: Mapping[str, ParameterUse]) -> tuple[int, str | None]:
    """(amount, reason withheld): full when the month's attendance (per mille) reaches the bar.
    A month without any record is not judged at all (issue 19 §3: no record is not an absence);
    the run leaves it for a later run once its record exists."""
    if Decimal(attendance_milli) < Decimal(str(uses["min_attendance"].value)) * 1000:
        return 0, "attendance_below_bar"
    return monthly_amount_won, None
