"""The demo's synthetic population and what the rules make of it.

Until persons are registered in the database, the web app shows the programs against a synthetic
population kept as a ``.npz`` file in the data directory (``ilja demo`` writes it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ilja.config import get_settings
from ilja.rules.engine import default_engine
from ilja.rules.population import Population


def population_path() -> Path:
    return get_settings().data_dir / "population.npz"


def ensure_population(size: int, seed: int) -> tuple[Population, bool]:
    """The demo population of that size and seed: the saved one if there is one (and True),
    else generated and saved (and False)."""
    from ilja.people.synthetic import generate_population  # lazy: only the demo generates

    path = population_path()
    stamp = path.with_suffix(".txt")
    wanted = f"size={size} seed={seed}"
    if path.exists() and stamp.exists() and stamp.read_text() == wanted:
        return Population.load(path), True
    population = generate_population(size, seed=seed)
    population.save(path)
    stamp.write_text(wanted)
    load_population.cache_clear()
    eligibility_summary.cache_clear()
    return population, False


@lru_cache(maxsize=1)
def load_population() -> Population | None:
    path = population_path()
    return Population.load(path) if path.exists() else None


@dataclass(frozen=True)
class EligibilitySummary:
    on: dt.date
    persons: int
    eligible: dict[str, int]  # program → persons eligible
    by_district: dict[str, dict[str, int]]  # program → 시군구 → eligible (Seoul residents)
    failures: dict[str, dict[str, int]]  # program → condition → persons failing it
    parameter_version: str


@lru_cache(maxsize=8)
def eligibility_summary(on: dt.date) -> EligibilitySummary | None:
    """Every program over the demo population on ``on`` (cached per date)."""
    population = load_population()
    if population is None:
        return None
    result = default_engine().evaluate_population(population, on)
    districts = population.sigungu
    by_district = {}
    for code, columns in result.columns.items():
        counts = np.bincount(districts.codes[columns.eligible], minlength=len(districts.values))
        by_district[code] = {districts.values[i]: int(c) for i, c in enumerate(counts) if c}
    return EligibilitySummary(
        on=on,
        persons=len(population),
        eligible=result.eligible_counts(),
        by_district=by_district,
        failures={code: c.failure_counts() for code, c in result.columns.items()},
        parameter_version=result.parameter_version,
    )
