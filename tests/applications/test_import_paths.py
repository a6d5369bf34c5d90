"""The import's faster paths give exactly what the one-person paths give, on synthetic persons
(hypothesis picks the seeds, programs and dates): the reasons of a not-eligible decision worded
once per distinct condition (``snapshot.reason_lines``) are the lines of the stored decision
read back whole (``stored_result`` and ``program_lines``), and a snapshot made from the engine's
shared outcomes says what the engine's result says."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilja.applications import snapshot
from ilja.people.synthetic import generate_persons
from ilja.rules.engine import default_engine
from ilja.rules.explain import program_lines

PROGRAMS = ("companion_jobs", "youth_academy", "attractive_jobs")


def stored(snap: snapshot.Snapshot) -> tuple[dict, dict]:
    """The snapshot as the database gives it back (JSON text parsed again)."""
    return json.loads(snapshot.canonical(snap.person)), json.loads(snapshot.canonical(snap.context))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), program=st.sampled_from(PROGRAMS),
       on=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_reasons_worded_once_per_condition_equal_the_whole_decision_read_back(seed, program, on):
    engine = default_engine()
    context = None
    for person in generate_persons(60, seed=seed):
        snap = snapshot.take(engine.evaluate_person(person, on, on, [program]), program)
        eligibility, read = stored(snap)
        context = read if context is None or context != read else context  # one dict, as a caller
        expected = {lang: program_lines(snapshot.stored_result(eligibility, context), lang)
                    for lang in ("ko", "en")}
        assert snapshot.reason_lines(eligibility, context, ("ko", "en")) == expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), program=st.sampled_from(PROGRAMS),
       on=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_a_snapshot_made_from_shared_outcomes_is_the_engine_result(seed, program, on):
    """``take`` makes each kept outcome's stored form once; every snapshot still says exactly
    what the engine's result says of that person."""
    engine = default_engine()
    for person in generate_persons(60, seed=seed):
        result = engine.evaluate_person(person, on, on, [program])
        snap = snapshot.take(result, program)
        whole = result.result(program).as_dict()
        expected = [{"id": c["id"], "status": c["status"], "inputs": c["inputs"],
                     "parameters": [p["name"] for p in c["parameters"]],
                     "exceptions": c["exceptions"]} for c in whole["conditions"]]
        assert snapshot.canonical(snap.person["conditions"]) == snapshot.canonical(
            snapshot._plain(expected))
        assert snap.person["pay_breakdown"] == snapshot._plain(whole["pay_breakdown"])
        assert snap.person["failed"] == whole["failed"] and snap.eligible == whole["eligible"]
