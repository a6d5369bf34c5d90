"""서울 동행일자리 (Seoul Companion Jobs): eligibility, bonus points and monthly pay.

Sources: seoul-2025-jobs-plan §2 서울 동행일자리 (지원대상, 지원내용, 규제개선) and the districts'
recruitment notices, companion-jobs-notices (income, assets, exclusions, scoring items, hours).
"""

from decimal import Decimal

from ilja.rules.formulas.common import min_age, public_job_month, seoul_resident
from ilja.rules.model import Context, Program

P = "companion_jobs"


def _bonus_points(x: Context):
    """가점: household head (세대주, single-person heads from 2025), dependants, groups, assets."""
    size = x.household_size
    single_person_head = x.exception(
        "single_person_household_head",
        x.household_head & (size == 1) & x.param(f"{P}.bonus_points.single_person_household_heads"),
    )
    head = x.household_head & (size >= 2) | single_person_head
    points = x.where(head, x.param(f"{P}.bonus_points.household_head_points"), 0)
    dependants = x.where(size > 1, size - 1, 0) * x.param(f"{P}.bonus_points.dependant_points")
    cap = x.param(f"{P}.bonus_points.dependant_points_max")
    points = points + x.where(dependants > cap, cap, dependants)
    points = points + x.each_group_points(x.param(f"{P}.bonus_points.group_points"))
    low_assets = x.known("household_assets_krw") & (
        x.household_assets_krw <= x.param(f"{P}.bonus_points.low_asset_threshold_krw")
    )
    return points + x.where(low_assets, x.param(f"{P}.bonus_points.low_asset_points"), 0)


def _monthly_pay(x: Context):
    """Hourly minimum wage × paid hours (6 h a day, 3 h from 65) + the assumed allowance."""
    older = x.age >= x.param(f"{P}.work.older_participant_age")
    return x.choose(older,
                    lambda: public_job_month(x, P, x.param(f"{P}.work.older_daily_hours")),
                    lambda: public_job_month(x, P, x.param(f"{P}.work.daily_hours")))


companion_jobs = Program("companion_jobs", "서울 동행일자리", "Seoul Companion Jobs",
                         bonus=_bonus_points, pay=_monthly_pay)


@companion_jobs.condition("min_age", "만 18세 이상", "Aged 18 or over", inputs=("age",))
def _min_age(x: Context):
    return min_age(x, f"{P}.eligibility.min_age")


@companion_jobs.condition("seoul_resident", "서울시민", "Lives in Seoul", inputs=("sido",))
def _seoul_resident(x: Context):
    return seoul_resident(x)


@companion_jobs.condition("able_to_work", "근로능력 있음", "Able to work", inputs=("able_to_work",))
def _able_to_work(x: Context):
    return x.able_to_work


@companion_jobs.condition("not_employed", "미취업 (구직등록)", "Not in work (registered job seeker)",
                          inputs=("employment_status",))
def _not_employed(x: Context):
    return x.status_in(x.param(f"{P}.eligibility.required_employment_status"))


@companion_jobs.condition("employment_vulnerable", "취업 취약계층", "Employment-vulnerable",
                          inputs=("vulnerable_groups",))
def _employment_vulnerable(x: Context):
    return x.in_groups(x.param("common.vulnerability.employment_vulnerable_groups"))


@companion_jobs.condition("income_limit", "가구 소득 기준 이하", "Household income within the limit",
                          inputs=("household_income_krw", "household_size"),
                          needs=("household_income_krw",))
def _income_limit(x: Context):
    """Household income ≤ share × standard median income for the household's size."""
    share = Decimal(str(x.param(f"{P}.eligibility.income_limit_share_of_median")))
    numerator, denominator = share.as_integer_ratio()
    median = x.by_household_size(x.param("common.median_income.monthly_by_household_size"))
    return x.household_income_krw * denominator <= median * numerator


@companion_jobs.condition("asset_limit", "가구 재산 기준 이하", "Household assets within the limit",
                          inputs=("household_assets_krw",), needs=("household_assets_krw",))
def _asset_limit(x: Context):
    return x.household_assets_krw <= x.param(f"{P}.eligibility.asset_limit_krw")


@companion_jobs.condition(
    "no_unemployment_benefit", "실업급여 미수급 (기준 시점)",
    "Not receiving unemployment benefit on the reference date", inputs=("unemployment_benefit_periods",),
)
def _no_unemployment_benefit(x: Context):
    """Recipients are excluded, judged on the announcement date, from 2025 on the work start date."""
    reference = x.param(f"{P}.eligibility.unemployment_benefit_reference_date")
    day = x.announced if reference == "announcement" else x.on
    return ~x.receiving_benefit_on(day)


@companion_jobs.condition("no_livelihood_benefit", "생계급여 미수급", "Not receiving livelihood benefit",
                          inputs=("receives_livelihood_benefit",),
                          needs=("receives_livelihood_benefit",))
def _no_livelihood_benefit(x: Context):
    if not x.param(f"{P}.eligibility.exclude_livelihood_benefit_recipients"):
        return True
    return ~x.receives_livelihood_benefit
