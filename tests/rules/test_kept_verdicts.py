"""A verdict the engine keeps and gives again to a person with the same facts is the one the
formulas give that person: a warm engine's answers equal a fresh engine's, explanation and all."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilja.rules.answer import eligibility_json
from ilja.rules.engine import Engine
from ilja.rules.formulas import PROGRAMS
from ilja.rules.model import Context, Program
from tests.rules.factories import person
from tests.rules.test_single_vs_batch import persons

WARM = Engine()  # keeps its verdicts from one example to the next


def _fresh_answer(one, on, announced, programs=None) -> bytes:
    return eligibility_json(Engine(WARM.tree).evaluate_person(one, on, announced, programs))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=8),
       st.sampled_from([dt.date(2024, 3, 4), dt.date(2025, 1, 10), dt.date(2026, 7, 1)]),
       st.sampled_from([0, 30, 120]),
       st.none() | st.lists(st.sampled_from(sorted(PROGRAMS)), min_size=1, max_size=3, unique=True),
       st.data())
def test_a_warm_engine_answers_as_a_fresh_one(people, on, days_before, programs, data):
    """Few dates, so verdicts are given again; each person also comes back with one fact changed
    (a kept verdict must not stand in for the changed one)."""
    announced = on - dt.timedelta(days=days_before)
    for one in people:
        field = data.draw(st.sampled_from(["birth_date", "household_income_krw", "sido", "visa",
                                           "vulnerable_groups", "household_assets_krw"]))
        other = data.draw(persons())
        for who in (one, one.model_copy(update={field: getattr(other, field)})):
            warm = WARM.evaluate_person(who, on, announced, programs)
            assert eligibility_json(warm) == _fresh_answer(who, on, announced, programs)


def test_a_fact_the_formula_reads_but_does_not_show_keys_its_verdict():
    """The engine learns which facts a formula reads: the visa here, which the condition does
    not show (it shows the age), still tells two persons of one age apart."""
    program = Program("probe", "시험", "Probe")

    @program.condition("visa_by_age", "나이", "Age", inputs=("age",))
    def _visa_by_age(x: Context):
        return (x.age >= 18) & x.category_in("visa", ["D-2"])

    engine = Engine(WARM.tree, {"probe": program})
    on = dt.date(2025, 3, 1)
    statuses = [engine.evaluate_person(person(visa=visa), on).results[0].conditions[0].status
                for visa in ("D-2", "E-9", "D-2")]
    assert statuses == ["held", "failed", "held"]


def test_a_formula_that_reads_the_person_object_is_never_kept():
    program = Program("probe", "시험", "Probe")

    @program.condition("named", "이름", "Named")
    def _named(x: Context):
        return x.person.id == "A"

    engine = Engine(WARM.tree, {"probe": program})
    on = dt.date(2025, 3, 1)
    statuses = [engine.evaluate_person(person(id=name), on).results[0].conditions[0].status
                for name in ("A", "B", "A")]
    assert statuses == ["held", "failed", "held"]
