"""Each dated rule change of the sources (docs/sources.md), tested on both sides of its date."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.rules.engine import Engine
from tests.rules.factories import person

D = dt.date


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def result(engine: Engine, p, program: str, on: dt.date, announced: dt.date | None = None):
    return engine.evaluate_person(p, on, announced, [program]).results[0]


# 매력일자리 중장년: 40 ≤ age < 65 before 2025, age ≥ 40 from 2025 -----------------------------
def test_middle_aged_upper_limit_abolished_in_2025(engine):
    sixty_seven = person(birth_date=D(1957, 3, 1))
    before = result(engine, sixty_seven, "attractive_jobs.middle_aged", D(2024, 12, 31))
    after = result(engine, sixty_seven, "attractive_jobs.middle_aged", D(2025, 1, 1))
    assert before.failed == ["middle_aged_max_age"]
    assert after.eligible


def test_middle_aged_lower_limit_stays(engine):
    thirty_nine = person(birth_date=D(1985, 6, 1))
    for on in (D(2024, 12, 31), D(2025, 1, 1)):
        assert result(engine, thirty_nine, "attractive_jobs.middle_aged", on).failed == ["middle_aged_min_age"]


def test_sixty_four_is_middle_aged_before_2025(engine):
    assert result(engine, person(birth_date=D(1960, 6, 1)), "attractive_jobs.middle_aged", D(2024, 12, 31)).eligible


# 매력일자리 청년: age ≤ 39; discharged veterans up to 3 more years from 2025 ----------------------
@pytest.mark.parametrize(
    ("service_months", "age", "eligible_2024", "eligible_2025"),
    [
        (0, 39, True, True),
        (0, 40, False, False),
        (24, 40, False, True),
        (24, 42, False, True),
        (24, 43, False, False),
        (13, 41, False, True),  # 1–2 years of service: 2 years' extension (assumption parameter)
        (13, 42, False, False),
        (6, 40, False, True),  # under a year: 1 year
        (6, 41, False, False),
    ],
)
def test_youth_age_veteran_extension_from_2025(engine, service_months, age, eligible_2024, eligible_2025):
    for on, expected in ((D(2024, 12, 31), eligible_2024), (D(2025, 1, 1), eligible_2025)):
        p = person(birth_date=D(on.year - age, 1, 1) if on.month > 1 or on.day > 1 else D(on.year - age - 1, 12, 31),
                   veteran_service_months=service_months)
        r = result(engine, p, "attractive_jobs.youth", on)
        assert r.eligible is expected, (on, r.failed)


def test_veteran_exception_is_named_in_the_explanation(engine):
    p = person(birth_date=D(1983, 1, 1), veteran_service_months=24)  # 42 on 2025-03-01
    r = result(engine, p, "attractive_jobs.youth", D(2025, 3, 1))
    condition = next(c for c in r.conditions if c.id == "youth_max_age")
    assert condition.status == "held"
    assert condition.exceptions == ["discharged_veteran"]
    assert {u.name for u in condition.parameters} >= {
        "attractive_jobs.youth.max_age", "attractive_jobs.youth.veteran_extension_by_service"}


# 동행일자리: unemployment-benefit exclusion judged on the announcement date, then the work start --
def test_benefit_exclusion_moves_from_announcement_to_work_start_in_2025(engine):
    covers_announcement = [{"start": D(2023, 10, 1), "end": D(2023, 12, 31)}]
    p = person(unemployment_benefit_periods=covers_announcement)
    before = result(engine, p, "companion_jobs", on=D(2024, 1, 10), announced=D(2023, 11, 20))
    assert "no_unemployment_benefit" in before.failed
    covers_announcement_2025 = [{"start": D(2024, 10, 1), "end": D(2024, 12, 31)}]
    p = person(unemployment_benefit_periods=covers_announcement_2025)
    after = result(engine, p, "companion_jobs", on=D(2025, 1, 10), announced=D(2024, 11, 20))
    assert "no_unemployment_benefit" not in after.failed


def test_benefit_on_work_start_excludes_from_2025_only(engine):
    p = person(unemployment_benefit_periods=[{"start": D(2023, 12, 1), "end": D(2025, 2, 28)}])
    # announced 2023-11-20 (not yet receiving), starting 2024-01-10 (receiving): judged on announcement
    assert "no_unemployment_benefit" not in result(
        engine, p, "companion_jobs", on=D(2024, 1, 10), announced=D(2023, 11, 20)).failed
    p = person(unemployment_benefit_periods=[{"start": D(2024, 12, 1), "end": D(2025, 2, 28)}])
    assert "no_unemployment_benefit" in result(
        engine, p, "companion_jobs", on=D(2025, 1, 10), announced=D(2024, 11, 20)).failed


# 동행일자리: household-head points for single-person household heads from 2025 ---------------------
def test_single_person_household_heads_get_the_points_from_2025(engine):
    p = person(household_head=True, household_size=1, vulnerable_groups=["other_vulnerable"],
               household_assets_krw=300_000_000)
    before = result(engine, p, "companion_jobs", D(2024, 12, 31))
    after = result(engine, p, "companion_jobs", D(2025, 1, 1))
    head_points = 5  # companion_jobs.bonus_points.household_head_points (assumption parameter)
    assert after.bonus_points - before.bonus_points == head_points
    assert after.output_exceptions == ["single_person_household_head"]
    assert before.output_exceptions == []


def test_multi_person_household_heads_always_get_the_points(engine):
    p = person(household_head=True, household_size=2, vulnerable_groups=["other_vulnerable"],
               household_assets_krw=300_000_000)
    assert result(engine, p, "companion_jobs", D(2024, 12, 31)).bonus_points == \
        result(engine, p, "companion_jobs", D(2025, 1, 1)).bonus_points


# 청년취업사관학교 2.0 (2025-11-11): lifetime limit → one year wait; quitting without notice -----------
def academy(start: dt.date, end: dt.date, outcome: str = "completed") -> dict:
    return {"program": "youth_academy", "start": start, "end": end, "result": outcome}


def test_lifetime_limit_of_two_abolished_by_academy_2(engine):
    p = person(training_history=[academy(D(2022, 3, 1), D(2022, 8, 31)),
                                 academy(D(2023, 3, 1), D(2023, 8, 31))])
    assert result(engine, p, "youth_academy", D(2025, 11, 10)).failed == ["lifetime_limit"]
    assert result(engine, p, "youth_academy", D(2025, 11, 11)).eligible


def test_one_year_wait_after_the_previous_course_from_academy_2(engine):
    p = person(training_history=[academy(D(2025, 3, 1), D(2025, 8, 31))])
    assert result(engine, p, "youth_academy", D(2025, 11, 10)).eligible  # old rule: 1 of 2
    assert result(engine, p, "youth_academy", D(2025, 12, 1)).failed == ["waiting_period"]
    assert result(engine, p, "youth_academy", D(2026, 8, 30)).failed == ["waiting_period"]
    assert result(engine, p, "youth_academy", D(2026, 8, 31)).eligible


def test_quitting_without_notice_restricts_from_academy_2(engine):
    p = person(training_history=[academy(D(2024, 3, 1), D(2024, 5, 15), "quit_without_notice")])
    assert result(engine, p, "youth_academy", D(2025, 11, 10)).eligible
    assert result(engine, p, "youth_academy", D(2026, 3, 2)).failed == ["quit_without_notice_restriction"]
    assert result(engine, p, "youth_academy", D(2026, 5, 15)).eligible  # 24 months (assumption)


def test_academy_thresholds_rise_with_academy_2():
    from ilja.rules.parameters import default_tree

    tree = default_tree()
    for name in ("youth_academy.academic.dropout_threshold",
                 "youth_academy.academic.instructor_satisfaction_bar"):
        assert tree.value(name, D(2025, 11, 10)) == 70
        assert tree.value(name, D(2025, 11, 11)) == 80
    assert tree.value("youth_academy.academic.instructor_min_industry_years", D(2025, 11, 11)) == 2


# age floors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("program", "floor"), [("youth_academy", 15), ("tech_institute", 15),
                                                ("companion_jobs", 18), ("attractive_jobs", 18)])
def test_age_floors(engine, program, floor):
    on = D(2025, 3, 1)
    just_old_enough = person(birth_date=D(2025 - floor, 3, 1))
    one_day_short = person(birth_date=D(2025 - floor, 3, 2))
    assert "min_age" not in result(engine, just_old_enough, program, on).failed
    assert "min_age" in result(engine, one_day_short, program, on).failed


def test_residence_outside_seoul_fails_every_program(engine):
    p = person(sido="경기도", sigungu="군포시")
    evaluation = engine.evaluate_person(p, D(2025, 3, 1))
    for r in evaluation.results:
        if r.program != "attractive_jobs.foreign_students":
            assert "seoul_resident" in r.failed, r.program


# 기술교육원 priority groups ---------------------------------------------------------------------
def test_tech_institute_priority_groups(engine):
    assert result(engine, person(vulnerable_groups=["basic_livelihood"]), "tech_institute",
                  D(2025, 3, 1)).priority_group
    assert not result(engine, person(vulnerable_groups=["long_term_unemployed"]), "tech_institute",
                      D(2025, 3, 1)).priority_group


# 동행일자리 income, assets, missing inputs ------------------------------------------------------------
def test_income_limit_is_80_percent_of_median_for_the_household_size(engine):
    limit_3 = 5_025_353 * 8 // 10  # 2025 median for 3 persons × 0.80
    ok = person(household_income_krw=limit_3)
    over = person(household_income_krw=limit_3 + 1)
    assert "income_limit" not in result(engine, ok, "companion_jobs", D(2025, 1, 10)).failed
    assert "income_limit" in result(engine, over, "companion_jobs", D(2025, 1, 10)).failed


def test_missing_income_is_to_be_verified_not_a_failure(engine):
    r = result(engine, person(household_income_krw=None, household_assets_krw=None,
                              receives_livelihood_benefit=None), "companion_jobs", D(2025, 1, 10))
    assert r.eligible
    assert r.to_verify == ["income_limit", "asset_limit", "no_livelihood_benefit"]


def test_foreign_student_pilot_from_2025(engine):
    p = person(nationality="VN", visa="D-2", employment_status="student")
    assert result(engine, p, "attractive_jobs.foreign_students", D(2025, 3, 1)).eligible
    assert result(engine, p, "attractive_jobs.foreign_students", D(2024, 3, 1)).failed == ["pilot_running"]
    assert "student_visa" in result(engine, person(nationality="VN", visa="E-9"),
                                     "attractive_jobs.foreign_students", D(2025, 3, 1)).failed


def test_dates_before_a_parameter_history_give_a_clear_error(engine):
    from ilja.rules.parameters import ParameterError

    with pytest.raises(ParameterError, match="has no value on 2019-06-01"):
        engine.evaluate_person(person(), D(2019, 6, 1))
