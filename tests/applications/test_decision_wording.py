"""A not-eligible decision's reasons (``adverse.eligibility_wording``: only the conditions not held
read back, said once for the snapshots of a call that share them) are exactly the decision lines
of the whole snapshot (``snapshot.reason_lines(..., decision=True)``), for persons judged together
(an import's, sharing the engine's condition outcomes) and for snapshots read back from JSON."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.applications.test_judging import DATES, row_of
from tests.rules.test_single_vs_batch import persons

from ilja.applications import adverse, judging, snapshot
from ilja.applications.adverse import AdverseMove, InHand
from ilja.decisions.catalogue import DecisionKind
from ilja.people.synthetic import generate_persons
from ilja.rules.formulas import PROGRAMS

SQLITE = SimpleNamespace(get_bind=lambda: SimpleNamespace(dialect=SimpleNamespace(name="sqlite")))
"""A session as the wording asks it (its contexts are read through ``eligibility_context``)."""


def whole(snap: snapshot.Snapshot, person: dict) -> tuple[str, str]:
    lines = snapshot.reason_lines(person, snap.context, ("ko", "en"), decision=True)
    failed = ", ".join(person.get("failed") or [])
    return ("\n".join(lines["ko"] or [f"충족하지 못한 조건: {failed}"]),
            "\n".join(lines["en"] or [f"Conditions not met: {failed}"]))


def worded_as_whole(monkeypatch: pytest.MonkeyPatch, round_row: SimpleNamespace, rows: list) -> int:
    snaps = judging.judge_many(round_row, rows, {row.id: list(row.training_history) for row in rows})
    contexts = {n: snap.context for n, snap in enumerate({s.digest: s for s in snaps}.values())}
    ids = {json.dumps(c, sort_keys=True): n for n, c in contexts.items()}
    monkeypatch.setattr(adverse, "eligibility_context", lambda _, app: contexts[app.eligibility_context_id])
    moves, wanted = [], []
    for n, snap in enumerate(snaps):
        ctx = ids[json.dumps(snap.context, sort_keys=True)]
        for person in (snap.person, json.loads(json.dumps(snap.person))):  # shared, and as read back
            moves.append(AdverseMove(InHand(n, n, 1, snap.score, person, ctx), DecisionKind.NOT_ELIGIBLE,
                                     "screening.ineligible", None))
            wanted.append(whole(snap, person))
    assert adverse.eligibility_wording(SQLITE, moves) == wanted  # type: ignore[arg-type]
    return sum(not snap.eligible for snap in snaps)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(persons(), min_size=1, max_size=12), DATES, st.sampled_from(sorted(PROGRAMS)))
def test_generated_persons_reasons_are_the_whole_snapshots_decision_lines(monkeypatch, people, dates, program):
    round_row = SimpleNamespace(starts_on=dates[0], announced_on=dates[1], program_code=program)
    worded_as_whole(monkeypatch, round_row, [row_of(p, i + 1) for i, p in enumerate(people + people[:3])])


@pytest.mark.parametrize("program", ["companion_jobs", "youth_academy", "attractive_jobs"])
def test_synthetic_residents_reasons_are_the_whole_snapshots_decision_lines(monkeypatch, program):
    round_row = SimpleNamespace(starts_on=dt.date(2025, 7, 1), announced_on=dt.date(2025, 5, 12), program_code=program)
    rows = [row_of(p, i + 1) for i, p in enumerate(generate_persons(400, seed=7))]
    assert worded_as_whole(monkeypatch, round_row, rows) > 0
