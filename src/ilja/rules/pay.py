"""Monthly pay of a full standard month: hourly wage × paid hours, plus named allowances.

Money is whole won in integers. Paid hours follow the labour-law convention behind "209 hours":
weekly hours plus the paid weekly holiday (주휴, pro rata to a 40-hour week, only from 15 hours a
week), times the average weeks per month (4.345), rounded half up to the whole hour. Everything
is integer arithmetic on milli-hours, so it runs unchanged on Python ints and numpy int64 arrays.

Rounding rule: paid hours are rounded half up to the hour; pay is then an exact integer
(hourly wage × hours + allowances), so no money is ever rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MILLI = 1000


@dataclass(frozen=True)
class WorkingTime:
    """The statutory constants of the calculation (parameters ``common.working_time.*``)."""

    standard_weekly_hours: int
    holiday_hours_per_standard_week: int
    holiday_min_weekly_hours: int
    weeks_per_month: Decimal
    weeks_per_month_milli: int = field(init=False)

    def __post_init__(self) -> None:
        value = self.weeks_per_month * MILLI
        if value != value.to_integral_value():
            raise ValueError("weeks_per_month must have at most three decimals")
        object.__setattr__(self, "weeks_per_month_milli", int(value))


def _round_half_up_div(numerator: Any, denominator: int) -> Any:
    return (numerator + denominator // 2) // denominator


def weekly_holiday_milli_hours(weekly_milli_hours: Any, time: WorkingTime, where: Any) -> Any:
    """Paid weekly-holiday milli-hours: pro rata to a standard week, none under the minimum."""
    pro_rata = weekly_milli_hours * time.holiday_hours_per_standard_week // time.standard_weekly_hours
    return where(weekly_milli_hours >= time.holiday_min_weekly_hours * MILLI, pro_rata, 0)


def monthly_hours(weekly_milli_hours: Any, time: WorkingTime) -> Any:
    """Whole hours a month for ``weekly_milli_hours`` a week, rounded half up."""
    return _round_half_up_div(weekly_milli_hours * time.weeks_per_month_milli, MILLI * MILLI)


@dataclass
class MonthlyPay:
    """A full month's gross pay and its parts (all whole won, or arrays of them)."""

    hourly_wage: Any
    work_hours: Any
    holiday_hours: Any
    work_pay: Any
    holiday_pay: Any
    allowances: dict[str, Any]

    def pick(self, where: Any, condition: Any, other: MonthlyPay) -> MonthlyPay:
        """This pay where ``condition`` holds, ``other`` elsewhere (field by field)."""
        return MonthlyPay(
            hourly_wage=where(condition, self.hourly_wage, other.hourly_wage),
            work_hours=where(condition, self.work_hours, other.work_hours),
            holiday_hours=where(condition, self.holiday_hours, other.holiday_hours),
            work_pay=where(condition, self.work_pay, other.work_pay),
            holiday_pay=where(condition, self.holiday_pay, other.holiday_pay),
            allowances={k: where(condition, v, other.allowances[k]) for k, v in self.allowances.items()},
        )

    @property
    def paid_hours(self) -> Any:
        return self.work_hours + self.holiday_hours

    @property
    def total(self) -> Any:
        total = self.work_pay + self.holiday_pay
        for amount in self.allowances.values():
            total = total + amount
        return total


def standard_month(hourly_wage: Any, daily_hours: Any, days_per_week: Any, time: WorkingTime,
                   allowances: dict[str, Any] | None = None, *, where: Any) -> MonthlyPay:
    """Gross pay of a full standard month.

    ``where`` is the context's ``where`` (numpy's for columns, a plain if/else for one person).
    The holiday hours are the month's paid hours minus the month's working hours, so the two
    parts always add up to the rounded total (11,779 × 209 = 2,461,811 for 8 h × 5 d).
    """
    weekly = daily_hours * days_per_week * MILLI
    holiday = weekly_holiday_milli_hours(weekly, time, where)
    paid = monthly_hours(weekly + holiday, time)
    work = monthly_hours(weekly, time)
    return MonthlyPay(
        hourly_wage=hourly_wage,
        work_hours=work,
        holiday_hours=paid - work,
        work_pay=hourly_wage * work,
        holiday_pay=hourly_wage * (paid - work),
        allowances=dict(allowances or {}),
    )
