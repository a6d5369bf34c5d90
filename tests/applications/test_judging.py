"""An import's persons judged together (``applications.judging.judge_many``) get exactly the
snapshot the submission's path gives each of them alone (``service.evaluate`` with the person as
``registry.person_format`` reads them), explanation and all, on generated and synthetic persons
with and without a training history; and a stored person taken without validating again
(``population.validated_as_is``) is the person validation gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.rules.test_single_vs_batch import histories, persons

from ilja.applications import judging, service, snapshot
from ilja.people import registry
from ilja.people.synthetic import generate_persons
from ilja.rules.engine import Engine
from ilja.rules.formulas import PROGRAMS
from ilja.rules.population import Person, validated_as_is

DATES = st.sampled_from([(dt.date(2025, 7, 1), dt.date(2025, 5, 12)), (dt.date(2024, 3, 4), dt.date(2024, 3, 4)),
                         (dt.date(2026, 1, 5), dt.date(2025, 11, 20))])


CHANGED = ("visa", "groups", "size", "yes", "sigungu")  # values validation changes


def row_of(person: Person, person_id: int) -> SimpleNamespace:
    """The person as the registry stores it: its columns, lists as JSON."""
    values = person.model_dump(mode="json", exclude={"id"})
    values["birth_date"] = person.birth_date
    return SimpleNamespace(id=person_id, name="홍길동", phone=None, **values)


def mangled(row: SimpleNamespace, how: str) -> SimpleNamespace:
    """The row with one value validation would change (or refuse): it must be judged as
    validation reads it, not as it is."""
    values = dict(vars(row))
    if how == "visa":
        values["visa"] = " e-9 "
    elif how == "groups":
        values["vulnerable_groups"] = ["single_parent", "near_poor", "near_poor"]
    elif how == "size":
        values["household_size"] = "3"
    elif how == "sigungu":
        values["sigungu"] = " 마포구 "
    elif how == "period":  # a date as a date, not text: validation keeps it as it is
        values["unemployment_benefit_periods"] = [{"start": dt.date(2025, 1, 2), "end": "2025-03-01"}]
    elif how == "yes":
        values["able_to_work"] = "true"
    return SimpleNamespace(**values)


def expected(round_row: Any, row: Any, history: list[Any], engine: Engine) -> snapshot.Snapshot:
    return service.evaluate(round_row, registry.person_format(row, training_history=history), engine)


def explained(result: Any, snap: snapshot.Snapshot) -> None:
    """The stored snapshot read back says what the engine's result says of the person."""
    whole = json.loads(json.dumps(snapshot._plain(result.as_dict())))
    back = json.loads(snapshot.canonical(snapshot.explanation(snap.person, snap.context)))
    assert {k: back[k] for k in whole} == whole
    assert (back["on"], back["announced"]) == (snap.on.isoformat(), snap.announced.isoformat())
    used = {p["name"] for c in whole["conditions"] for p in c["parameters"]}
    assert set(snap.context["parameters"]) == used | {p["name"] for p in whole["output_parameters"]}
    assert list(snap.context["conditions"]) == [c["id"] for c in whole["conditions"]]


def check(round_row: Any, rows: list[Any], histories_by_id: dict[int, list[Any]]) -> None:
    judged = judging.judge_many(round_row, rows, histories_by_id)
    alone = Engine()  # the reference: its own verdicts, kept apart from the import's
    assert len(judged) == len(rows)
    for row, snap in zip(rows, judged, strict=True):
        history = histories_by_id[row.id]
        want = expected(round_row, row, history, alone)
        assert snap == want and vars(snap) == vars(want)
        assert list(vars(snap)) == [f.name for f in dataclasses.fields(snapshot.Snapshot)]
        assert json.dumps(snap.person, ensure_ascii=False) == json.dumps(want.person, ensure_ascii=False)
        assert json.dumps(snap.context, ensure_ascii=False) == json.dumps(want.context, ensure_ascii=False)
        fresh = Engine(alone.tree).evaluate_person(
            registry.person_format(row, training_history=history), round_row.starts_on,
            round_row.announced_on, [round_row.program_code]).result(round_row.program_code)
        explained(fresh, snap)


def ended(draw: Any) -> list[dict[str, Any]]:
    """Courses that ended here (``people.training_history``): JSON dicts, dates as text."""
    return [{**r, "start": r["start"].isoformat(), "end": r["end"].isoformat()}
            for r in draw(st.lists(histories(), max_size=2))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=10), DATES, st.sampled_from(sorted(PROGRAMS)), st.data())
def test_judged_together_each_is_judged_as_alone(people, dates, program, data):
    """Generated persons, some twice (a kept verdict given again), some with a value validation
    changes, with a registered history, courses ended here, both or none."""
    round_row = SimpleNamespace(starts_on=dates[0], announced_on=dates[1], program_code=program)
    rows, by_id = [], {}
    for i, person in enumerate(people + people[:2]):
        row = row_of(person, i + 1)
        how = data.draw(st.sampled_from(["", "", "", *CHANGED, "period"]))
        rows.append(mangled(row, how) if how else row)
        here = ended(data.draw) if data.draw(st.booleans()) else []
        by_id[row.id] = sorted([*row.training_history, *here], key=lambda r: (str(r["start"]), str(r["end"])))
    check(round_row, rows, by_id)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), DATES, st.sampled_from(["companion_jobs", "youth_academy", "attractive_jobs"]),
       st.booleans())
def test_synthetic_persons_judged_together_are_judged_as_alone(seed, dates, program, with_history):
    """Synthetic Seoul residents (``generate_persons``), with and without a training history."""
    round_row = SimpleNamespace(starts_on=dates[0], announced_on=dates[1], program_code=program)
    rows, by_id = [], {}
    for i, person in enumerate(generate_persons(80, seed=seed)):
        row = row_of(person if with_history else person.model_copy(update={"training_history": []}), i + 1)
        rows.append(row)
        by_id[row.id] = list(row.training_history)
    check(round_row, rows, by_id)


@settings(max_examples=200, deadline=None)
@given(persons(), st.sampled_from(["", *CHANGED, "period"]), st.data())
def test_a_stored_person_taken_as_it_is_is_the_validated_one(person, how, data):
    row = mangled(row_of(person, 7), how) if how else row_of(person, 7)
    history = ended(data.draw)
    values = {**vars(row), "id": "7", "training_history": history}
    quick = validated_as_is(vars(row), id="7", training_history=history)
    validated = Person.model_validate(values)
    assert (quick is None) == (how in CHANGED)
    if quick is not None:
        assert quick == validated
        assert quick.model_fields_set == validated.model_fields_set
        assert quick.model_dump() == validated.model_dump()
        assert [type(p) for p in quick.training_history] == [type(p) for p in validated.training_history]
