"""Budget execution of a public-job program: budget, committed, paid and a forecast to year end.

Committed is every placement's expected pay over its period (the standard month of
``ilja.rules.pay`` under the rules in force on each month's first day, pro rata to the calendar
days placed); paid is what payroll runs paid; the forecast adds to the paid months the expected
pay of the months not yet paid. A program is on course to overspend when the forecast exceeds its
budget (seoul-2025-jobs-plan §2: 94,291 and 71,129 million KRW for 2025). Employer-side
insurance contributions are not in these figures (assumption: the plan does not split them out).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache

from ilja.rules.parameters import ParameterTree, default_tree
from ilja.rules.pay import WorkingTime, standard_month


def _plain_where(condition, a, b):
    return a if condition else b


@lru_cache(maxsize=4096)
def monthly_pay(program: str, daily_milli: int, days_per_week: int, year: int, month: int,
                tree: ParameterTree | None = None) -> int:
    """A full standard month's gross pay for the pattern, with the allowance pro rata to the day."""
    tree = tree or default_tree()
    on = dt.date(year, month, 1)
    time = WorkingTime(
        int(tree.value("common.working_time.standard_weekly_hours", on)),
        int(tree.value("common.working_time.weekly_holiday_hours_per_standard_week", on)),
        int(tree.value("common.working_time.weekly_holiday_min_weekly_hours", on)),
        Decimal(str(tree.value("common.working_time.weeks_per_month", on))))
    standard_day = int(Decimal(str(tree.value(f"{program}.work.daily_hours", on))) * 1000)
    allowance = int(tree.value(f"{program}.work.monthly_allowance_krw", on)) * daily_milli // standard_day
    pay = standard_month(int(tree.value(f"{program}.work.hourly_wage", on)), Decimal(daily_milli) / 1000,
                         days_per_week, time, {"allowance": allowance}, where=_plain_where)
    return int(pay.total)


def expected_by_month(program: str, daily_milli: int, days_per_week: int, start: dt.date,
                      end: dt.date, year: int) -> dict[int, int]:
    """Expected gross pay per month (YYYYMM) of ``year`` for one placement."""
    result = {}
    for month in range(1, 13):
        days = calendar.monthrange(year, month)[1]
        first, last = dt.date(year, month, 1), dt.date(year, month, days)
        overlap = (min(end, last) - max(start, first)).days + 1
        if overlap > 0:
            full = monthly_pay(program, daily_milli, days_per_week, year, month)
            result[year * 100 + month] = (full * overlap + days // 2) // days
    return result


@dataclass(frozen=True)
class BudgetStatus:
    program: str
    year: int
    budget: int
    committed: int
    paid: int
    forecast: int
    placements: int
    last_paid_month: int | None

    @property
    def overspend(self) -> bool:
        return self.forecast > self.budget

    @property
    def paid_share(self) -> float:
        return self.paid / self.budget if self.budget else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "overspend": self.overspend, "paid_share": round(self.paid_share, 4)}
