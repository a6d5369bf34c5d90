"""Conditions and outputs several programs share."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from ilja.rules.model import Context
from ilja.rules.pay import MonthlyPay, WorkingTime, standard_month


def min_age(x: Context, parameter: str) -> Any:
    return x.age >= x.param(parameter)


def seoul_resident(x: Context) -> Any:
    """서울시민: registered address in Seoul."""
    return x.category_in("sido", x.param("common.seoul.residence_sido"))


def working_time(x: Context) -> WorkingTime:
    return _working_time(
        x.param("common.working_time.standard_weekly_hours"),
        x.param("common.working_time.weekly_holiday_hours_per_standard_week"),
        x.param("common.working_time.weekly_holiday_min_weekly_hours"),
        str(x.param("common.working_time.weeks_per_month")),
    )


@lru_cache(maxsize=64)
def _working_time(weekly: int, holiday: int, holiday_min: int, weeks_per_month: str) -> WorkingTime:
    return WorkingTime(weekly, holiday, holiday_min, Decimal(weeks_per_month))


def public_job_month(x: Context, program: str, daily_hours: Any) -> MonthlyPay:
    """A full standard month of a public job of ``program`` at ``daily_hours`` a day.

    The monthly allowance is set for the standard day and paid pro rata to shorter days
    (e.g. 동행일자리's 3-hour day from 65: half) — an assumption, like the allowance itself.
    """
    standard_day = x.param(f"{program}.work.daily_hours")
    allowance = x.param(f"{program}.work.monthly_allowance_krw") * daily_hours // standard_day
    return standard_month(
        hourly_wage=x.param(f"{program}.work.hourly_wage"),
        daily_hours=daily_hours,
        days_per_week=x.param(f"{program}.work.days_per_week"),
        time=working_time(x),
        allowances={"monthly_allowance": allowance},
        where=x.where,
    )
