"""KPIs against the plan's targets and projections to 2030, on figures whose answer is known."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ilja.outcomes.kpi import RECORDS, Actual, compare, goals_for, kpi_rows
from ilja.outcomes.projection import project, project_goals
from ilja.programs.loader import load_plan
from ilja.programs.plan import Target

SRC = "document: test"


def target(metric="trainees_per_year", year=2030, value=10000, unit="persons", **kw) -> Target:
    return Target(program="youth_academy", metric=metric, label={"ko": metric, "en": metric},
                  year=year, kind=kw.pop("kind", "target"), value=value, unit=unit, source=SRC, **kw)


def test_every_goal_of_the_plan_is_a_row():
    plan = load_plan()
    rows = kpi_rows(plan.targets, [])
    metrics = {(r.scope, r.target.metric, r.target.year) for r in rows}
    for expected in [("youth_academy", "trainees_per_year", 2030), ("youth_academy", "company_internships", 2026),
                     ("youth_academy", "city_internships", 2030), ("youth_academy", "bigtech_campuses", 2030),
                     ("youth_academy", "alumni_members", 2030), ("youth_academy", "ai_alliance_members", 2030),
                     ("youth_academy", "employment_rate", 2030), ("companion_jobs", "people", 2025),
                     ("attractive_jobs", "budget", 2025), ("youth_academy", "expanded_campus_min_area", 2030)]:
        assert expected in metrics
    assert len(goals_for(plan.targets, 2030)) == 8


def test_2030_trainee_goal_against_the_2025_figure():
    plan = load_plan()
    row = next(r for r in kpi_rows(plan.targets, [Actual("youth_academy", "trainees_per_year", 2025, 3300, RECORDS)])
               if r.target.metric == "trainees_per_year" and r.target.year == 2030)
    assert row.actual.value == 3300 and row.actual.year == 2025
    assert row.gap == Decimal(6700)
    assert row.attainment == Decimal("33.0")
    assert row.status == "below"


def test_alumni_gap_uses_the_documents_figure_when_records_are_silent():
    plan = load_plan()
    row = next(r for r in kpi_rows(plan.targets, []) if r.target.metric == "alumni_members" and r.target.year == 2030)
    assert row.actual.value == 2878 and row.actual.source.startswith("document:")
    assert row.gap == Decimal(7122)


def test_records_win_over_the_document_for_the_same_year():
    plan = load_plan()
    mine = Actual("youth_academy", "alumni_members", 2025, 3000, RECORDS)
    row = next(r for r in kpi_rows(plan.targets, [mine])
               if r.target.metric == "alumni_members" and r.target.year == 2030)
    assert row.actual is mine and row.gap == Decimal(7000)


def test_range_goal_is_met_from_its_lower_bound():
    goal = target("employment_rate", value=80, value_max=90, comparison="range", unit="percent")
    assert compare(goal, Actual("youth_academy", "employment_rate", 2030, 75.4, RECORDS)).gap == Decimal("4.6")
    assert compare(goal, Actual("youth_academy", "employment_rate", 2030, 80, RECORDS)).status == "met"
    assert compare(goal, Actual("youth_academy", "employment_rate", 2030, 95, RECORDS)).gap == Decimal(-15)
    assert compare(goal, None).status == "no_data"


def test_trainees_projected_by_compound_growth():
    goal = target()
    series = [Actual("youth_academy", "trainees_per_year", 2024, 2800, SRC),
              Actual("youth_academy", "trainees_per_year", 2025, 3300, SRC)]
    p = project(goal, series)
    assert p.model == "compound"
    assert p.observed_growth == pytest.approx(3300 / 2800 - 1)
    assert p.projected == pytest.approx(3300 * (3300 / 2800) ** 5)
    assert p.on_course is False
    assert p.needed_per_year == pytest.approx(6700 / 5)
    assert p.needed_growth == pytest.approx((10000 / 3300) ** 0.2 - 1)
    assert 3300 * (1 + p.needed_growth) ** 5 == pytest.approx(10000)


def test_rates_projected_linearly_and_a_single_figure_held_flat():
    goal = target("employment_rate", value=80, value_max=90, comparison="range", unit="percent")
    p = project(goal, [Actual("youth_academy", "employment_rate", 2024, 70, SRC),
                       Actual("youth_academy", "employment_rate", 2025, 75.4, SRC)])
    assert p.model == "linear" and p.projected == pytest.approx(75.4 + 5.4 * 5) and p.on_course
    flat = project(goal, [Actual("youth_academy", "employment_rate", 2025, 75.4, SRC)])
    assert flat.model == "flat" and flat.projected == 75.4 and flat.on_course is False
    assert flat.gap == pytest.approx(4.6)
    assert project(goal, []).on_course is None


def test_plan_goals_for_2030_projected_from_the_documents():
    plan = load_plan()
    intake = [Actual("youth_academy", "trainees_per_year", 2025, 3300, RECORDS)]
    by_metric = {p.target.metric: p for p in project_goals(plan.targets, intake)}
    trainees = by_metric["trainees_per_year"]
    assert (trainees.previous.value, trainees.base.value) == (2800, 3300)
    assert trainees.projected == pytest.approx(3300 * (3300 / 2800) ** 5)  # ≈ 7,530 < 10,000
    assert trainees.on_course is False and trainees.gap == pytest.approx(10000 - trainees.projected)
    assert by_metric["employment_rate"].base.value == 75.4  # from the cumulative rate
    assert by_metric["ai_alliance_members"].on_course is None  # no figure yet
    mine = [Actual("youth_academy", "ai_alliance_members", 2025, 60, RECORDS)]
    assert project_goals(plan.targets, mine)[-1].target.metric == "ai_alliance_members"
