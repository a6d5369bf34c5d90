"""Judging many registered persons for one round at once: an import's eligibility snapshots.

Each snapshot is the one ``service.evaluate`` gives the same person alone (the submission's
path), so an imported application and a submitted one are judged and explained alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ilja.applications import service
from ilja.applications import snapshot as snapshots
from ilja.people import registry
from ilja.rules.engine import default_engine


def judge_many(round_row: Any, persons: Sequence[Any],
               histories: Mapping[int, list[Any]]) -> list[snapshots.Snapshot]:
    """The snapshots of registered ``persons`` (rows with the registry's columns), in order;
    ``histories`` gives each person's training history by id (``people.training_history``)."""
    engine = default_engine()
    return [service.evaluate(round_row, registry.person_format(person, training_history=histories[person.id]),
                             engine) for person in persons]
