"""Judging many registered persons for one round at once: an import's eligibility snapshots.

Each snapshot is the one ``service.evaluate`` gives the same person alone (the submission's
path), so an imported application and a submitted one are judged and explained alike; a
property test holds them equal (``tests/applications/test_judging.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ilja.applications import snapshot as snapshots
from ilja.people import registry
from ilja.rules import population
from ilja.rules.engine import default_engine


def judge_many(round_row: Any, persons: Sequence[Any],
               histories: Mapping[int, list[Any]]) -> list[snapshots.Snapshot]:
    """The snapshots of registered ``persons`` (rows with the registry's columns), in order;
    ``histories`` gives each person's training history by id (``people.training_history``)."""
    engine = default_engine()
    program = round_row.program_code
    evaluations = engine.evaluate_persons([_person(row, histories[row.id]) for row in persons],
                                          round_row.starts_on, round_row.announced_on, [program])
    return [snapshots.take(evaluation, program) for evaluation in evaluations]


def _person(row: Any, history: list[Any]) -> population.Person:
    """``registry.person_format(row, training_history=history)``: a stored person's values (the
    row's attributes as it holds them; an ORM object's not loaded send it the long way) are taken
    as they are where validating them again is sure to leave them so."""
    return population.validated_as_is(vars(row), id=str(row.id), training_history=history) \
        or registry.person_format(row, training_history=history)
