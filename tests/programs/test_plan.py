"""The 2025 plan as data: figures as the sources state them, and the inconsistencies reported."""

from __future__ import annotations

import pytest
import yaml

from ilja.programs.loader import PLAN_FILES, iter_figures, iter_sources, load_plan
from ilja.programs.plan import DATA_DIR, SOURCE_KINDS, Plan, PlanWarning


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def warning(plan: Plan, code: str, subject: str) -> PlanWarning:
    found = [w for w in plan.warnings if w.code == code and w.subject == subject]
    assert len(found) == 1, [(w.code, w.subject) for w in plan.warnings]
    return found[0]


def check(plan: Plan, code: str, subject: str):
    found = [c for c in plan.checks if c.code == code and c.subject == subject]
    assert len(found) == 1
    return found[0]


def test_companion_fields_add_up_to_12980_while_the_plan_says_12890(plan):
    w = warning(plan, "tracks_people_sum", "companion_jobs")
    assert (w.stated, w.computed) == (12890, 12980)
    assert "12,980" in w.message_ko and "12,890" in w.message_ko
    assert "12,980" in w.message_en and "12,890" in w.message_en
    assert plan.program("companion_jobs").people.value == 12890  # never "fixed"
    fields = {t.name.ko: t.people.value for t in plan.program("companion_jobs").tracks}
    assert fields == {
        "돌봄·건강": 1904,
        "경제": 1162,
        "사회안전": 4068,
        "디지털": 1312,
        "기후환경": 4534,
    }


def test_attractive_tracks_add_up_to_3208_against_about_3500(plan):
    w = warning(plan, "tracks_people_sum", "attractive_jobs")
    assert (w.stated, w.computed) == (3500, 3208)
    assert "3,208" in w.message_en and "about 3,500" in w.message_en
    assert "약 3,500" in w.message_ko
    program = plan.program("attractive_jobs")
    assert program.people.approximate and program.projects.approximate
    approximate = {t.code: t.people.approximate for t in program.tracks}
    assert approximate == {
        "attractive_jobs.vulnerable_companion": False,
        "attractive_jobs.career_building": False,
        "attractive_jobs.private_company": True,
        "attractive_jobs.association": True,
    }


def test_attractive_projects_33_132_50_20_make_235_and_raise_no_warning(plan):
    c = check(plan, "tracks_projects_sum", "attractive_jobs")
    assert c.ok and (c.stated, c.computed) == (235, 235)
    assert not [w for w in plan.warnings if w.code == "tracks_projects_sum"]


def test_attractive_tracks_are_public_or_private(plan):
    types = {t.code: t.type for t in plan.program("attractive_jobs").tracks}
    assert types["attractive_jobs.vulnerable_companion"] == "public"
    assert types["attractive_jobs.career_building"] == "public"
    assert types["attractive_jobs.private_company"] == "private"
    assert types["attractive_jobs.association"] == "private"
    assert plan.program("attractive_jobs.foreign_students").people.value == 100


def test_jungnang_opening_october_in_the_plan_november_in_the_press_release(plan):
    w = warning(plan, "opening_conflict", "campus.jungnang")
    assert (w.stated, w.computed) == ("2025-10", "2025-11")
    jungnang = next(c for c in plan.campuses if c.code == "campus.jungnang")
    assert [(o.month, o.status) for o in jungnang.openings] == [(10, "planned"), (11, "reported")]


def test_guro_planned_after_the_press_release_says_all_campuses_were_complete(plan):
    w = warning(plan, "opening_after_completion", "campus.guro")
    assert (w.stated, w.computed) == ("2025-12", "2025-11")


def test_companion_monthly_pay_gap_and_attractive_pay_consistent(plan):
    w = warning(plan, "monthly_pay", "companion_jobs")
    assert (w.stated, w.computed) == (1770000, 1564680)
    c = check(plan, "monthly_pay", "attractive_jobs")
    assert c.ok and c.computed == 2461811


def test_first_half_is_5_months_21_days_counting_both_ends(plan):
    w = warning(plan, "period_length", "companion_jobs:2025-01-10")
    assert (w.stated, w.computed) == ("P5M20D", "P5M21D")
    assert check(plan, "period_length", "companion_jobs:2025-07-01").ok


def test_the_expected_warnings_and_no_others(plan):
    assert sorted((w.code, w.subject) for w in plan.warnings) == sorted(
        [
            ("tracks_people_sum", "companion_jobs"),
            ("tracks_people_sum", "attractive_jobs"),
            ("monthly_pay", "companion_jobs"),
            ("period_length", "companion_jobs:2025-01-10"),
            ("opening_conflict", "campus.jungnang"),
            ("opening_after_completion", "campus.guro"),
        ]
    )
    for w in plan.warnings:
        assert w.stated is not None and w.computed is not None
        assert w.message_ko and w.message_en and w.sources


def test_25_campuses_one_per_district(plan):
    assert len(plan.campuses) == 25
    assert check(plan, "campus_count", "youth_academy").ok
    assert check(plan, "campus_per_district", "youth_academy").ok
    assert check(plan, "campus_count_by_year", "youth_academy:2024").computed == 20
    assert {c.district for c in plan.campuses} == {d.code for d in plan.districts}


def test_institute_trainees_are_summed(plan):
    c = check(plan, "institute_trainees_sum", "tech_institute")
    assert c.computed == 1748 + 974 + 1720 + 1758
    institutes = {i.code: (i.founded.value, i.trainees.value, i.district) for i in plan.institutes}
    assert institutes == {
        "institute.central": (1988, 1748, "11170"),
        "institute.south": (1988, 974, None),
        "institute.east": (1979, 1720, "11740"),
        "institute.north": (1990, 1758, "11350"),
    }


def test_every_figure_and_item_has_a_source(plan):
    figures = list(iter_figures(plan))
    assert len(figures) > 40
    sources = list(iter_sources(plan))
    assert len(sources) > len(figures)
    for path, source in sources:
        assert source.split(":", 1)[0] in SOURCE_KINDS, path
        assert source.split(":", 1)[1].strip(), path
    for target in plan.targets:
        assert target.source.split(":", 1)[0] in SOURCE_KINDS


def test_every_value_in_the_data_files_sits_beside_its_source():
    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node:
                assert str(node.get("source", "")).split(":", 1)[0] in SOURCE_KINDS, path
            for key, item in node.items():
                yield from walk(item, f"{path}.{key}")
            yield path
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{path}.{index}")

    for name in PLAN_FILES:
        assert list(walk(yaml.safe_load((DATA_DIR / name).read_text()), name))


def test_program_codes_are_the_rules_engine_codes(plan):
    from ilja.rules.formulas import PROGRAMS

    assert {p.code for p in plan.programs} == set(PROGRAMS)
    assert {p.code for p in plan.programs if p.parent == "attractive_jobs"} == {
        "attractive_jobs.youth",
        "attractive_jobs.middle_aged",
        "attractive_jobs.foreign_students",
    }


def test_budgets_in_million_krw(plan):
    budgets = {p.code: p.budget.value for p in plan.programs if p.budget}
    assert budgets == {
        "youth_academy": 44404,
        "companion_jobs": 94291,
        "attractive_jobs": 71129,
        "tech_institute": 21328,
    }
    assert all(p.budget.unit == "million_krw" for p in plan.programs if p.budget)


def test_companion_periods_and_tech_institute_schedule(plan):
    first, second = plan.program("companion_jobs").periods
    assert (first.start.isoformat(), first.end.isoformat()) == ("2025-01-10", "2025-06-30")
    assert (second.start.isoformat(), second.end.isoformat()) == ("2025-07-01", "2025-12-20")
    regular = plan.program("tech_institute").periods[-1]
    assert regular.precision == "month"
    assert (regular.start.isoformat(), regular.end.isoformat()) == ("2025-03-01", "2026-02-28")
    classes = {t.linked_course.ko for t in plan.program("tech_institute").tracks}
    assert classes == {"글로벌조리", "카페베이커리", "온라인쇼핑몰창업"}


def test_campus_specialisations_and_unknown_openings_stay_null(plan):
    campuses = {c.code: c for c in plan.campuses}
    mapo = campuses["campus.mapo"]
    assert mapo.specialisations[0].partner == "Microsoft" and mapo.floor_area.value == 310
    assert campuses["campus.jung"].floor_area.value == 604
    assert campuses["campus.jongno"].specialisations[0].partner == "Intel"
    hubs = {
        c.code
        for c in plan.campuses
        if any(s.kind == "industry_hub" and s.status == "planned" for s in c.specialisations)
    }
    assert hubs == {
        "campus.seongbuk",
        "campus.yeongdeungpo",
        "campus.gangnam",
        "campus.gangseo",
        "campus.dongdaemun",
    }
    assert campuses["campus.yeongdeungpo"].opening.year == 2021
    assert campuses["campus.yeongdeungpo"].opening.month is None
    assert campuses["campus.nowon"].opening is None
    assert campuses["campus.nowon"].opened_by.year == 2024
    assert campuses["campus.songpa"].opening.month == 5
    assert campuses["campus.mapo"].district_name.en == "Mapo-gu"


def test_targets_by_year(plan):
    def value(metric, year):
        (target,) = [t for t in plan.targets_for(metric, year) if t.track is None]
        return target

    assert [value("trainees_per_year", y).value for y in (2021, 2024, 2025, 2030)] == [
        556,
        2800,
        3300,
        10000,
    ]
    assert value("employment_rate", 2030).comparison == "range"
    assert (value("employment_rate", 2030).value, value("employment_rate", 2030).value_max) == (
        80,
        90,
    )
    assert value("employment_rate_cumulative", 2025).value == 75.4
    assert value("company_internships", 2030).value == 1000
    assert value("city_internships", 2026).value == 100
    assert value("bigtech_campuses", 2030).value == 10
    assert value("campus_floor_area", 2021).value == 3843
    assert value("expanded_campus_min_area", 2030).comparison == "at_least"
    assert value("ai_alliance_members", 2030).value == 250
    companion_budget = [
        t for t in plan.targets_for("budget", 2025) if t.program == "companion_jobs"
    ]
    assert companion_budget[0].value == 94291
    assert len({t.key for t in plan.targets}) == len(plan.targets)


def test_load_plan_is_cached():
    assert load_plan() is load_plan()
