"""The synthetic population: reproducible, well-typed, plausible, and valid in the person format.

No test depends on exact output values: only on seeds agreeing, dtypes, and broad bounds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ilja.people.synthetic import assumptions, generate_persons, generate_population
from ilja.rules.engine import Engine
from ilja.rules.population import (
    EMPLOYMENT_STATUSES,
    VULNERABLE_GROUPS,
    Person,
    Population,
    parse_person,
)

ON = dt.date(2025, 1, 1)
N = 20_000


@pytest.fixture(scope="module")
def population() -> Population:
    return generate_population(N, seed=7)


def _columns(population: Population) -> dict[str, np.ndarray]:
    """Every array of a population, Categories and Ragged columns included, by a flat name."""
    columns: dict[str, np.ndarray] = {}
    for name in population.__dataclass_fields__:
        value = getattr(population, name)
        if hasattr(value, "codes"):
            columns[name] = value.codes
        elif hasattr(value, "offsets"):
            columns[f"{name}.offsets"] = value.offsets
            columns.update({f"{name}.{k}": v for k, v in value.columns.items()})
        else:
            columns[name] = value
    return columns


def _age(population: Population) -> np.ndarray:
    return (np.int32(20250101) - population.birth_date) // 10000


def _group(population: Population, group: str) -> np.ndarray:
    return (population.vulnerable_groups >> VULNERABLE_GROUPS.index(group)) & 1 == 1


def test_same_seed_gives_the_same_population():
    first, second = _columns(generate_population(3_000, seed=11)), _columns(generate_population(3_000, seed=11))
    assert first.keys() == second.keys()
    for name in first:
        assert np.array_equal(first[name], second[name]), name


def test_different_seeds_give_different_populations():
    first, second = generate_population(3_000, seed=11), generate_population(3_000, seed=12)
    assert not np.array_equal(first.birth_date, second.birth_date)
    assert not np.array_equal(first.sigungu.codes, second.sigungu.codes)


def test_shapes_and_small_dtypes(population: Population):
    assert len(population) == N
    assert population.id.dtype == np.int64
    assert population.person_id(0) == "P00000001"
    assert population.birth_date.dtype == np.int32
    assert population.employment_status.dtype == np.int8
    assert population.household_size.dtype == np.int16
    assert population.veteran_service_months.dtype == np.int16
    assert population.vulnerable_groups.dtype == np.uint16
    assert population.household_income_krw.dtype == np.int64
    assert population.household_assets_krw.dtype == np.int64
    for name in ("able_to_work", "household_head", "household_income_known",
                 "household_assets_known", "receives_livelihood_benefit",
                 "receives_livelihood_benefit_known"):
        assert getattr(population, name).dtype == bool, name
        assert getattr(population, name).shape == (N,), name
    for column in (population.sido, population.sigungu, population.nationality, population.visa):
        assert column.codes.dtype == np.int8
        assert column.codes.shape == (N,)
    for ragged in (population.benefit_periods, population.training_history):
        assert ragged.offsets.shape == (N + 1,)
        assert ragged.offsets[0] == 0 and np.all(np.diff(ragged.offsets) >= 0)
        assert all(len(column) == ragged.offsets[-1] for column in ragged.columns.values())
        assert np.all(ragged.columns["start"] <= ragged.columns["end"])
        assert ragged.columns["start"].dtype == np.int32


def test_empty_population():
    assert len(generate_population(0)) == 0


def test_districts_and_residence(population: Population):
    seoul = population.sido.isin(["서울특별시"])
    assert 0.9 < seoul.mean() < 0.995, "most live in Seoul, a few do not"
    districts = {row[1] for row in assumptions()["districts"]["residents"]}
    assert len(districts) == 25
    seen = {population.sigungu.values[c] for c in np.unique(population.sigungu.codes[seoul])}
    assert seen == districts
    songpa = population.sigungu.isin(["송파구"]).mean()
    jung = population.sigungu.isin(["중구"]).mean()
    assert songpa > 2 * jung, "districts follow their resident counts"


def test_ages_follow_a_pyramid(population: Population):
    age = _age(population)
    assert age.min() >= 0 and age.max() <= 100
    assert 38 < age.mean() < 50
    assert 0.1 < (age >= 65).mean() < 0.3
    assert 0.05 < (age < 15).mean() < 0.15


def test_foreigners_and_student_visas(population: Population):
    foreign = ~population.nationality.isin(["KR"])
    assert 0.01 < foreign.mean() < 0.06
    student_visa = population.visa.isin(["D-2"])
    assert student_visa.any()
    assert not (student_visa & ~foreign).any(), "only foreigners hold visas"
    assert np.all(population.visa.codes[~foreign] == population.visa.code_of(""))


def test_employment_by_age(population: Population):
    age = _age(population)
    status = population.employment_status
    student = EMPLOYMENT_STATUSES.index("student")
    unemployed = EMPLOYMENT_STATUSES.index("unemployed")
    assert np.all(status[age < 15] == student)
    prime = (age >= 30) & (age < 50)
    assert (status[prime] == EMPLOYMENT_STATUSES.index("employed")).mean() > 0.5
    assert (status[age >= 75] == unemployed).mean() > 0.6
    assert 0.1 < (status == unemployed).mean() < 0.5


def test_vulnerable_groups_and_ability_to_work(population: Population):
    assert 0.03 < _group(population, "basic_livelihood").mean() < 0.08
    assert 0.03 < _group(population, "disabled").mean() < 0.08
    for group in ("near_poor", "national_merit", "single_parent", "long_term_unemployed"):
        assert _group(population, group).any(), group
    long_term = _group(population, "long_term_unemployed")
    assert np.all(population.employment_status[long_term] == EMPLOYMENT_STATUSES.index("unemployed"))
    assert 0.8 < population.able_to_work.mean() < 0.97
    disabled = _group(population, "disabled")
    assert population.able_to_work[disabled].mean() < population.able_to_work[~disabled].mean()


def test_households(population: Population):
    age = _age(population)
    size = population.household_size
    assert size.min() >= 1 and 2 < size.mean() < 3.5
    assert not population.household_head[age < 18].any()
    assert np.all(size[age < 18] >= 2)
    assert np.all(population.household_head[(size == 1) & (age >= 19)])
    assert 0.3 < population.household_head.mean() < 0.6


def test_veteran_service(population: Population):
    months = population.veteran_service_months
    assert 0.2 < (months > 0).mean() < 0.45
    served = months[months > 0]
    assert 0.3 < ((served >= 18) & (served <= 21)).mean() < 0.9, "18-21 months is typical"
    assert np.all(months[~population.nationality.isin(["KR"])] == 0)


def test_unemployment_benefit_periods_straddle_the_first_2025_round(population: Population):
    periods = population.benefit_periods
    start, end = periods.columns["start"], periods.columns["end"]
    covers_start = periods.any_per_row((start <= 20250110) & (end >= 20250110))
    assert 0.005 < covers_start.mean() < 0.1
    ended_before = periods.any_per_row(end < 20250110) & ~covers_start
    assert ended_before.any()
    assert (periods.lengths >= 2).any(), "some persons have more than one period"


def test_training_histories_make_the_reparticipation_rules_bite(population: Population):
    history = population.training_history
    academy = history.columns["program"] == 0
    results = history.columns["result"][academy]
    assert {0, 1, 2} <= set(np.unique(results).tolist()), "completed, dropped and quit without notice"
    assert (academy & (history.columns["end"] >= 20240101)).any()
    assert np.all(history.columns["end"] < 20250101), "every record ended before `on`"
    assert (history.count_per_row(academy) >= 2).any()


def test_household_finances_are_partly_unknown(population: Population):
    for known in (population.household_income_known, population.household_assets_known,
                  population.receives_livelihood_benefit_known):
        assert 0.3 < known.mean() < 0.9
    assert np.all(population.household_income_krw[~population.household_income_known] == 0)
    assert np.all(population.household_income_krw >= 0)
    assert np.all(population.household_assets_krw >= 0)
    assert not (population.receives_livelihood_benefit & ~population.receives_livelihood_benefit_known).any()


def test_every_person_round_trips_through_the_person_format():
    population = generate_population(2_000, seed=3)
    for i in range(len(population)):
        person = population.person(i)
        again = parse_person(person.model_dump(mode="json"), row=i + 1)
        assert again == person


def test_generate_persons_gives_validated_persons():
    persons = generate_persons(50, seed=5)
    assert len(persons) == 50
    assert all(isinstance(p, Person) for p in persons)
    assert len({p.id for p in persons}) == 50
    again = Population.from_persons(persons)
    assert np.array_equal(again.birth_date, generate_population(50, seed=5).birth_date)


def test_the_engine_runs_on_it_and_every_program_has_eligible_and_ineligible_persons():
    population = generate_population(N, seed=9)
    result = Engine().evaluate_population(population, dt.date(2025, 1, 10), dt.date(2024, 11, 20))
    for code, counts in result.eligible_counts().items():
        assert 0 < counts < N, code
    companion = result.columns["companion_jobs"]
    assert np.count_nonzero(companion.unverified) > 0, "unknown income shows as to be verified"
    failures = companion.failure_counts()
    assert failures["no_unemployment_benefit"] > 0
    assert failures["seoul_resident"] > 0


def test_batch_and_single_person_evaluation_agree_on_a_sample():
    population = generate_population(300, seed=13)
    engine = Engine()
    on = dt.date(2025, 12, 1)
    batch = engine.evaluate_population(population, on)
    for i in range(len(population)):
        single = engine.evaluate_person(population.person(i), on)
        for result in single.results:
            assert result.failed == batch.columns[result.program].failed_ids(i)
