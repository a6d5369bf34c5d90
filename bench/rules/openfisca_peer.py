"""The peer: 동행일자리 and 매력일자리 eligibility and monthly pay written as an OpenFisca model.

A small country model (one ``person`` entity) with the same conditions and the same pay
arithmetic as ``ilja/rules/formulas/companion_jobs.py`` and ``attractive_jobs.py``. Its
parameters are built from Ilja's own parameter tree (every dated value), so the two models
can only disagree through their code. Written the way an OpenFisca author would: one
variable per condition, ``where``/boolean algebra, parameters read once per formula.

What differs, and why:

* OpenFisca variables cannot hold lists, so unemployment-benefit receipt arrives as two
  precomputed boolean inputs for the round's day: receiving on the work start
  (``receives_unemployment_benefit``) and on the announcement date
  (``receives_unemployment_benefit_on_announcement``). The formula picks one by the same
  dated parameter Ilja uses. The precomputation (from Ilja's offsets + flat arrays) is
  counted in OpenFisca's set-up time.
* OpenFisca has no "absent" value: income, assets and the livelihood benefit each come with
  a ``*_known`` boolean; an unknown input does not make the condition fail (as in Ilja).
* Vulnerable groups are one boolean variable per group (``is_<group>``), sido and employment
  status are OpenFisca ``Enum`` variables, dates are int YYYYMMDD (as in Ilja's columns).
* Money: OpenFisca's ``float`` is float32 and its ``int`` is int32. Money variables here are
  ``int`` variables whose dtype is raised to int64 (``MoneyVariable``): float32 cannot hold
  whole won above 16.7 million, and assets pass int32's 2.1 billion.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DAY, ETERNITY
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from ilja.rules.parameters import ParameterTree, default_tree
from ilja.rules.population import EMPLOYMENT_STATUSES, VULNERABLE_GROUPS, Population

PROGRAMS = ("companion_jobs", "attractive_jobs")
OUTPUTS = (
    "companion_jobs_eligible",
    "companion_jobs_monthly_pay",
    "attractive_jobs_eligible",
    "attractive_jobs_monthly_pay",
)
MILLI = 1000

Person = build_entity(
    key="person",
    plural="persons",
    label="A person",
    doc="A Seoul resident (or applicant) in the person format.",
    is_person=True,
)


class Sido(Enum):
    """The 17 provinces (시·도) a registered address can be in."""

    서울특별시 = "서울특별시"
    부산광역시 = "부산광역시"
    대구광역시 = "대구광역시"
    인천광역시 = "인천광역시"
    광주광역시 = "광주광역시"
    대전광역시 = "대전광역시"
    울산광역시 = "울산광역시"
    세종특별자치시 = "세종특별자치시"
    경기도 = "경기도"
    강원특별자치도 = "강원특별자치도"
    충청북도 = "충청북도"
    충청남도 = "충청남도"
    전북특별자치도 = "전북특별자치도"
    전라남도 = "전라남도"
    경상북도 = "경상북도"
    경상남도 = "경상남도"
    제주특별자치도 = "제주특별자치도"


EmploymentStatus = Enum("EmploymentStatus", {s: s for s in EMPLOYMENT_STATUSES})


# parameters ---------------------------------------------------------------------------------
def _values(tree: ParameterTree, name: str, convert: Any = None) -> dict[str, Any]:
    """An OpenFisca parameter (``values`` keyed by date) from an Ilja parameter's history."""
    parameter = tree.get(name)
    values = {}
    for entry in parameter.values:
        value = entry.value if convert is None or entry.value is None else convert(entry.value)
        values[entry.start.isoformat()] = {"value": value}
    return {"description": parameter.label_en, "values": values}


def _median_table(table: dict[Any, int]) -> list[int]:
    """{size: income} → [0, income(1), income(2), …] (OpenFisca values cannot be mappings)."""
    sizes = sorted(int(k) for k in table)
    return [0] + [int(table[s] if s in table else table[str(s)]) for s in sizes]


def _percent(share: Any) -> int:
    value = Decimal(str(share)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{share} is not a whole percentage")
    return int(value)


def _milli(value: Any) -> int:
    return int(Decimal(str(value)) * MILLI)


def openfisca_parameters(tree: ParameterTree | None = None) -> dict[str, Any]:
    """The parameter tree of the peer, built from Ilja's (same values, same dates)."""
    tree = tree or default_tree()
    c, a = "companion_jobs", "attractive_jobs"
    return {
        "common": {
            "residence_sido": _values(tree, "common.seoul.residence_sido"),
            "employment_vulnerable_groups": _values(tree, "common.vulnerability.employment_vulnerable_groups"),
            "median_income_by_household_size": _values(
                tree, "common.median_income.monthly_by_household_size", _median_table),
            "standard_weekly_hours": _values(tree, "common.working_time.standard_weekly_hours"),
            "holiday_hours_per_standard_week": _values(
                tree, "common.working_time.weekly_holiday_hours_per_standard_week"),
            "holiday_min_weekly_hours": _values(tree, "common.working_time.weekly_holiday_min_weekly_hours"),
            "weeks_per_month_milli": _values(tree, "common.working_time.weeks_per_month", _milli),
        },
        c: {
            "min_age": _values(tree, f"{c}.eligibility.min_age"),
            "required_employment_status": _values(tree, f"{c}.eligibility.required_employment_status"),
            "income_limit_percent_of_median": _values(
                tree, f"{c}.eligibility.income_limit_share_of_median", _percent),
            "asset_limit_krw": _values(tree, f"{c}.eligibility.asset_limit_krw"),
            "unemployment_benefit_reference_date": _values(
                tree, f"{c}.eligibility.unemployment_benefit_reference_date"),
            "exclude_livelihood_benefit_recipients": _values(
                tree, f"{c}.eligibility.exclude_livelihood_benefit_recipients"),
            "hourly_wage": _values(tree, f"{c}.work.hourly_wage"),
            "daily_hours": _values(tree, f"{c}.work.daily_hours"),
            "older_participant_age": _values(tree, f"{c}.work.older_participant_age"),
            "older_daily_hours": _values(tree, f"{c}.work.older_daily_hours"),
            "days_per_week": _values(tree, f"{c}.work.days_per_week"),
            "monthly_allowance_krw": _values(tree, f"{c}.work.monthly_allowance_krw"),
        },
        a: {
            "min_age": _values(tree, f"{a}.eligibility.min_age"),
            "required_employment_status": _values(tree, f"{a}.eligibility.required_employment_status"),
            "hourly_wage": _values(tree, f"{a}.work.hourly_wage"),
            "daily_hours": _values(tree, f"{a}.work.daily_hours"),
            "days_per_week": _values(tree, f"{a}.work.days_per_week"),
            "monthly_allowance_krw": _values(tree, f"{a}.work.monthly_allowance_krw"),
        },
    }


# variables: inputs --------------------------------------------------------------------------
class MoneyVariable(Variable):
    """Whole won as int64 (OpenFisca's own ``int`` is int32, its ``float`` float32).

    OpenFisca reads ``value_type`` from each class's own namespace, so every subclass
    declares ``value_type = int`` again.
    """

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.int64


class birth_date(Variable):
    value_type = int
    entity = Person
    definition_period = ETERNITY
    label = "Birth date as YYYYMMDD"


class sido(Variable):
    value_type = Enum
    possible_values = Sido
    default_value = Sido.서울특별시
    entity = Person
    definition_period = ETERNITY
    label = "Province of the registered address (시·도)"


class employment_status(Variable):
    value_type = Enum
    possible_values = EmploymentStatus
    default_value = EmploymentStatus.unemployed
    entity = Person
    definition_period = ETERNITY
    label = "Employment status"


class able_to_work(Variable):
    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Able to work (근로능력)"


class household_size(Variable):
    value_type = int
    default_value = 1
    entity = Person
    definition_period = ETERNITY
    label = "Members of the person's household"


class household_income_krw(MoneyVariable):
    value_type = int
    entity = Person
    definition_period = ETERNITY
    label = "Monthly household income (KRW)"


class household_income_known(Variable):
    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Household income was declared"


class household_assets_krw(MoneyVariable):
    value_type = int
    entity = Person
    definition_period = ETERNITY
    label = "Household assets (KRW)"


class household_assets_known(Variable):
    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Household assets were declared"


class receives_livelihood_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Receives the livelihood benefit (생계급여)"


class receives_livelihood_benefit_known(Variable):
    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Livelihood-benefit receipt is known"


class receives_unemployment_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Receives unemployment benefit on this day (precomputed from the benefit periods)"


class receives_unemployment_benefit_on_announcement(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Received unemployment benefit on the announcement date of the round starting this day"


def _group_variable(group: str) -> type[Variable]:
    return type(f"is_{group}", (Variable,), {
        "value_type": bool,
        "entity": Person,
        "definition_period": ETERNITY,
        "label": f"Belongs to the vulnerable group {group}",
    })


GROUP_VARIABLES = [_group_variable(group) for group in VULNERABLE_GROUPS]


# variables: formulas ------------------------------------------------------------------------
class age(Variable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "Age in completed years on the day"

    def formula(person, period, parameters):
        day = period.start
        return (day.year * 10000 + day.month * 100 + day.day - person("birth_date", period)) // 10000


class seoul_resident(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Lives in Seoul (서울시민)"

    def formula(person, period, parameters):
        provinces = parameters(period).common.residence_sido
        where = person("sido", period)
        return np.logical_or.reduce([where == Sido[p] for p in provinces])


def _status_in(person: Any, period: Any, statuses: list[str]) -> np.ndarray:
    status = person("employment_status", period)
    return np.logical_or.reduce([status == EmploymentStatus[s] for s in statuses])


class employment_vulnerable(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Employment-vulnerable (취업 취약계층)"

    def formula(person, period, parameters):
        groups = parameters(period).common.employment_vulnerable_groups
        return np.logical_or.reduce([person(f"is_{g}", period) for g in groups])


class companion_jobs_income_within_limit(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Household income ≤ the share of the standard median income (true when unknown)"

    def formula(person, period, parameters):
        p = parameters(period)
        table = np.asarray(p.common.median_income_by_household_size, dtype=np.int64)
        size = person("household_size", period).astype(np.int64)
        top = len(table) - 1
        median = table[np.minimum(size, top)] + np.maximum(size - top, 0) * (table[top] - table[top - 1])
        income = person("household_income_krw", period)
        within = income * 100 <= median * p.companion_jobs.income_limit_percent_of_median
        return within | ~person("household_income_known", period)


class companion_jobs_assets_within_limit(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Household assets ≤ the limit (true when unknown)"

    def formula(person, period, parameters):
        limit = parameters(period).companion_jobs.asset_limit_krw
        within = person("household_assets_krw", period) <= limit
        return within | ~person("household_assets_known", period)


class companion_jobs_no_unemployment_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Not receiving unemployment benefit on the reference date (announcement, from 2025 work start)"

    def formula(person, period, parameters):
        reference = parameters(period).companion_jobs.unemployment_benefit_reference_date
        if reference == "announcement":
            return ~person("receives_unemployment_benefit_on_announcement", period)
        return ~person("receives_unemployment_benefit", period)


class companion_jobs_no_livelihood_benefit(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Not receiving the livelihood benefit (true when unknown or not excluded)"

    def formula(person, period, parameters):
        if not parameters(period).companion_jobs.exclude_livelihood_benefit_recipients:
            return person.filled_array(True)
        known = person("receives_livelihood_benefit_known", period)
        return ~person("receives_livelihood_benefit", period) | ~known


class companion_jobs_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Eligible for 서울 동행일자리"

    def formula(person, period, parameters):
        p = parameters(period).companion_jobs
        return (
            (person("age", period) >= p.min_age)
            & person("seoul_resident", period)
            & person("able_to_work", period)
            & _status_in(person, period, p.required_employment_status)
            & person("employment_vulnerable", period)
            & person("companion_jobs_income_within_limit", period)
            & person("companion_jobs_assets_within_limit", period)
            & person("companion_jobs_no_unemployment_benefit", period)
            & person("companion_jobs_no_livelihood_benefit", period)
        )


class attractive_jobs_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Eligible for 서울 매력일자리"

    def formula(person, period, parameters):
        p = parameters(period).attractive_jobs
        return (
            (person("age", period) >= p.min_age)
            & person("seoul_resident", period)
            & _status_in(person, period, p.required_employment_status)
        )


def _full_month(parameters: Any, program: Any, daily_hours: Any) -> Any:
    """Hourly wage × paid hours (weekly hours + paid weekly holiday, × weeks a month) + allowance.

    The same integer milli-hour arithmetic as ``ilja/rules/pay.py``: paid hours rounded half up;
    the allowance pro rata to days shorter than the standard day.
    """
    time = parameters.common
    weekly = daily_hours * program.days_per_week * MILLI
    holiday = np.where(weekly >= time.holiday_min_weekly_hours * MILLI,
                       weekly * time.holiday_hours_per_standard_week // time.standard_weekly_hours, 0)
    paid = ((weekly + holiday) * time.weeks_per_month_milli + MILLI * MILLI // 2) // (MILLI * MILLI)
    allowance = np.int64(program.monthly_allowance_krw) * daily_hours // np.int64(program.daily_hours)
    return np.int64(program.hourly_wage) * paid + allowance


class companion_jobs_monthly_pay(MoneyVariable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "동행일자리 gross pay of a full standard month (KRW)"

    def formula(person, period, parameters):
        p = parameters(period)
        c = p.companion_jobs
        older = person("age", period) >= c.older_participant_age
        daily = np.where(older, c.older_daily_hours, c.daily_hours).astype(np.int64)
        return _full_month(p, c, daily)


class attractive_jobs_monthly_pay(MoneyVariable):
    value_type = int
    entity = Person
    definition_period = DAY
    label = "매력일자리 gross pay of a full standard month (KRW)"

    def formula(person, period, parameters):
        p = parameters(period)
        pay = _full_month(p, p.attractive_jobs, np.int64(p.attractive_jobs.daily_hours))
        return person.filled_array(pay, dtype=np.int64)


VARIABLES: list[type[Variable]] = [
    birth_date, sido, employment_status, able_to_work, household_size,
    household_income_krw, household_income_known, household_assets_krw, household_assets_known,
    receives_livelihood_benefit, receives_livelihood_benefit_known,
    receives_unemployment_benefit, receives_unemployment_benefit_on_announcement,
    *GROUP_VARIABLES,
    age, seoul_resident, employment_vulnerable,
    companion_jobs_income_within_limit, companion_jobs_assets_within_limit,
    companion_jobs_no_unemployment_benefit, companion_jobs_no_livelihood_benefit,
    companion_jobs_eligible, attractive_jobs_eligible,
    companion_jobs_monthly_pay, attractive_jobs_monthly_pay,
]


class IljaPeerSystem(TaxBenefitSystem):
    """The OpenFisca tax-benefit system of the peer."""

    def __init__(self, tree: ParameterTree | None = None) -> None:
        super().__init__([Person])
        self.parameters = ParameterNode("", data=openfisca_parameters(tree))
        self._parameters_at_instant_cache = {}
        self.add_variables(*VARIABLES)


# simulation ---------------------------------------------------------------------------------
def _covering(population: Population, yyyymmdd: int) -> np.ndarray:
    """Persons with a benefit period covering the day (from Ilja's offsets + flat arrays)."""
    periods = population.benefit_periods
    covers = (periods.columns["start"] <= yyyymmdd) & (periods.columns["end"] >= yyyymmdd)
    return periods.any_per_row(covers)


def _enum_codes(categories: Any, enum: type[Enum]) -> np.ndarray:
    """Ilja's category codes → the Enum's indices (unknown values are an error)."""
    members = list(enum)
    lookup = np.asarray([members.index(enum[v]) for v in categories.values], dtype=np.int16)
    return lookup[categories.codes]


def build_simulation(system: TaxBenefitSystem, population: Population, on: dt.date,
                     announced: dt.date) -> Simulation:
    """A simulation of every person, inputs set from Ilja's columns (all vectorised)."""
    simulation = SimulationBuilder().build_default_simulation(system, count=len(population))
    day = on.isoformat()
    status_lookup = np.asarray(
        [list(EmploymentStatus).index(EmploymentStatus[s]) for s in EMPLOYMENT_STATUSES], dtype=np.int16)
    inputs: dict[str, np.ndarray] = {
        "birth_date": population.birth_date,
        "sido": _enum_codes(population.sido, Sido),
        "employment_status": status_lookup[population.employment_status],
        "able_to_work": population.able_to_work,
        "household_size": population.household_size,
        "household_income_krw": population.household_income_krw,
        "household_income_known": population.household_income_known,
        "household_assets_krw": population.household_assets_krw,
        "household_assets_known": population.household_assets_known,
        "receives_livelihood_benefit": population.receives_livelihood_benefit,
        "receives_livelihood_benefit_known": population.receives_livelihood_benefit_known,
    }
    for bit, group in enumerate(VULNERABLE_GROUPS):
        inputs[f"is_{group}"] = (population.vulnerable_groups >> bit) & 1 == 1
    for name, values in inputs.items():
        simulation.set_input(name, day, values)
    simulation.set_input("receives_unemployment_benefit", day,
                         _covering(population, on.year * 10000 + on.month * 100 + on.day))
    simulation.set_input(
        "receives_unemployment_benefit_on_announcement", day,
        _covering(population, announced.year * 10000 + announced.month * 100 + announced.day))
    return simulation


def calculate(simulation: Simulation, on: dt.date) -> dict[str, np.ndarray]:
    return {name: simulation.calculate(name, on.isoformat()) for name in OUTPUTS}


def evaluate(population: Population, on: dt.date, announced: dt.date | None = None,
             system: TaxBenefitSystem | None = None) -> dict[str, np.ndarray]:
    """Set-up and calculation of the two programs for every person."""
    system = system or IljaPeerSystem()
    simulation = build_simulation(system, population, on, announced or on)
    return calculate(simulation, on)
