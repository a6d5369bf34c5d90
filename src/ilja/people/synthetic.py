"""A reproducible synthetic population of Seoul residents, built column by column.

The demo, the tests and the benchmarks need persons who look like Seoul: the 25 districts in
proportion, an ageing pyramid, some non-residents and foreigners, job seekers, vulnerable
groups, benefit periods and training histories that make every rule bite. The figures live
in ``data/synthetic.yaml`` with their sources or assumptions; this module only turns them into
numpy columns. There is no Python loop per person, so all of Seoul (9.4 million persons) takes
seconds, and the same ``seed`` always gives the same population.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ilja.rules.parameters import default_tree
from ilja.rules.population import (
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Categories,
    Person,
    Population,
    Ragged,
)

DATA_FILE = Path(__file__).parent / "data" / "synthetic.yaml"
MEDIAN_INCOME = "common.median_income.monthly_by_household_size"
_EPOCH = np.datetime64("1970-01-01", "D")


@lru_cache(maxsize=1)
def assumptions() -> dict[str, Any]:
    """The distributions of ``data/synthetic.yaml`` (read once)."""
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def generate_population(n: int, seed: int = 2025, on: dt.date = dt.date(2025, 1, 1)) -> Population:
    """``n`` synthetic residents as of ``on``; the same ``seed`` gives the same population."""
    if n < 0:
        raise ValueError("n must be zero or more")
    return _Generator(n, seed, on).population()


def generate_persons(n: int, seed: int = 2025, on: dt.date = dt.date(2025, 1, 1)) -> list[Person]:
    """A small sample in the person format (validated through ``Population.person``)."""
    population = generate_population(n, seed, on)
    return [population.person(i) for i in range(n)]


def _weights(values: list[float]) -> np.ndarray:
    """Cumulative, normalised weights (a CDF) for ``_pick``."""
    cdf = np.cumsum(np.asarray(values, dtype=np.float64))
    return cdf / cdf[-1]


def _days(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 → int32 YYYYMMDD (the Population's date form)."""
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = months.astype(np.int32) // 12 + 1970
    month = months.astype(np.int32) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int32) + 1
    return (year * 10000 + month * 100 + day).astype(np.int32)


class _Generator:
    """One generation run: the random stream, the assumptions and the columns made so far."""

    def __init__(self, n: int, seed: int, on: dt.date):
        self.n = n
        self.on = on
        self.rng = np.random.default_rng(seed)
        self.a = assumptions()

    # random helpers ---------------------------------------------------------------------
    def uniform(self, size: int | None = None) -> np.ndarray:
        return self.rng.random(self.n if size is None else size, dtype=np.float32)

    def chance(self, share: float, size: int | None = None) -> np.ndarray:
        return self.uniform(size) < share

    def pick(self, cdf: np.ndarray, size: int | None = None) -> np.ndarray:
        """Indices drawn with the probabilities behind ``cdf``."""
        index = np.searchsorted(cdf, self.uniform(size), side="right")
        return np.minimum(index, len(cdf) - 1).astype(np.int16)

    def between(self, low: int, high: int, size: int) -> np.ndarray:
        """Integers in [low, high], as int32."""
        return self.rng.integers(low, high + 1, size, dtype=np.int32)

    def in_age(self, low: int, high: int) -> np.ndarray:
        return (self.age >= low) & (self.age <= high)

    # the population ---------------------------------------------------------------------
    def population(self) -> Population:
        sido, sigungu = self.residence()
        self.birth_date = self.birth_dates()
        nationality, visa = self.nationality()
        employment = self.employment()
        groups = self.vulnerable_groups(employment)
        able = self.able_to_work(groups)
        size, head = self.household()
        veteran = self.veteran_service(nationality)
        periods = self.benefit_periods(employment)
        history = self.training_history()
        income, income_known, assets, assets_known = self.finances(size, groups)
        livelihood, livelihood_known = self.livelihood(groups)
        return Population(
            id=np.arange(1, self.n + 1, dtype=np.int64),
            birth_date=self.birth_date,
            sido=sido,
            sigungu=sigungu,
            employment_status=employment,
            able_to_work=able,
            household_head=head,
            household_size=size,
            vulnerable_groups=groups,
            veteran_service_months=veteran,
            nationality=nationality,
            visa=visa,
            household_income_krw=income,
            household_income_known=income_known,
            household_assets_krw=assets,
            household_assets_known=assets_known,
            receives_livelihood_benefit=livelihood,
            receives_livelihood_benefit_known=livelihood_known,
            benefit_periods=periods,
            training_history=history,
        )

    def residence(self) -> tuple[Categories, Categories]:
        """A Seoul district in proportion to its residents, or (a few) a place outside Seoul."""
        districts = self.a["districts"]
        others = self.a["non_seoul"]
        seoul = districts["sido"]
        sido_values = [seoul, *dict.fromkeys(p[0] for p in others["places"])]
        sigungu_values = [d[1] for d in districts["residents"]] + [p[1] for p in others["places"]]
        place_sido = np.asarray([0] * len(districts["residents"])
                                + [sido_values.index(p[0]) for p in others["places"]], dtype=np.int8)
        district = self.pick(_weights([d[2] for d in districts["residents"]]))
        outside = self.chance(others["share"])
        elsewhere = self.pick(_weights([p[2] for p in others["places"]]))
        place = np.where(outside, len(districts["residents"]) + elsewhere, district).astype(np.int8)
        return Categories(place_sido[place], sido_values), Categories(place, sigungu_values)

    def birth_dates(self) -> np.ndarray:
        """Age from the pyramid, then a day of the year; exact age on ``on`` by construction."""
        bands = self.a["age_bands"]["bands"]
        band = self.pick(_weights([b[2] for b in bands]))
        low = np.asarray([b[0] for b in bands], dtype=np.int16)[band]
        width = np.asarray([b[1] - b[0] + 1 for b in bands], dtype=np.int16)[band]
        self.age = (low + (self.uniform() * width).astype(np.int16)).astype(np.int16)
        # a day of a non-leap year, as MMDD; born after ``on``'s MMDD means one more year back
        calendar = np.arange(_days(dt.date(2025, 1, 1)), _days(dt.date(2026, 1, 1)))
        mmdd = _yyyymmdd(calendar) % 10000
        day = mmdd[self.rng.integers(0, len(mmdd), self.n)]
        on_mmdd = self.on.month * 100 + self.on.day
        year = self.on.year - self.age.astype(np.int32) - (day > on_mmdd)
        return (year * 10000 + day).astype(np.int32)

    def nationality(self) -> tuple[Categories, Categories]:
        """Korean nationals, and foreign residents of working age with a status of stay."""
        f = self.a["foreigners"]
        self.foreign = self.chance(f["share"]) & self.in_age(f["min_age"], f["max_age"])
        nations = ["KR", *(row[0] for row in f["nationalities"])]
        visas = ["", *(row[0] for row in f["visas"])]
        nation = np.where(self.foreign, 1 + self.pick(_weights([r[1] for r in f["nationalities"]])), 0)
        visa = np.where(self.foreign, 1 + self.pick(_weights([r[1] for r in f["visas"]])), 0)
        student_codes = [visas.index(v) for v in f["student_visas"]]
        self.foreign_student = np.isin(visa, student_codes)
        return Categories(nation.astype(np.int8), nations), Categories(visa.astype(np.int8), visas)

    def employment(self) -> np.ndarray:
        """Status drawn from the row of the person's age (students on D-2/D-4 visas are students)."""
        e = self.a["employment"]
        order = [EMPLOYMENT_STATUSES.index(s) for s in e["statuses"]]
        rows = e["by_age"]
        row = np.searchsorted([r[0] for r in rows], self.age, side="right") - 1
        cdf = np.asarray([_weights(r[2]) for r in rows], dtype=np.float32)
        u = self.uniform()
        drawn = np.zeros(self.n, dtype=np.int8)
        for k in range(len(order) - 1):
            drawn += u > cdf[row, k]
        status = np.asarray(order, dtype=np.int8)[drawn]
        status[self.foreign_student] = EMPLOYMENT_STATUSES.index("student")
        return status

    def vulnerable_groups(self, employment: np.ndarray) -> np.ndarray:
        """Independent memberships by share and age; long-term unemployment only out of work."""
        v = self.a["vulnerable_groups"]
        bits = np.zeros(self.n, dtype=np.uint16)
        for group, share, low, high in v["groups"]:
            member = self.chance(share) & self.in_age(low, high)
            bits |= np.where(member, np.uint16(1 << VULNERABLE_GROUPS.index(group)), np.uint16(0))
        lt = v["long_term_unemployed"]
        member = (self.chance(lt["share"]) & self.in_age(lt["min_age"], lt["max_age"])
                  & (employment == EMPLOYMENT_STATUSES.index("unemployed")))
        bits |= np.where(member, np.uint16(1 << VULNERABLE_GROUPS.index("long_term_unemployed")),
                         np.uint16(0))
        return bits

    def able_to_work(self, groups: np.ndarray) -> np.ndarray:
        u = self.a["unable_to_work"]
        rows = u["by_age"]
        row = np.searchsorted([r[0] for r in rows], self.age, side="right") - 1
        share = np.asarray([r[2] for r in rows], dtype=np.float32)[row]
        unable = self.uniform() < share
        disabled = (groups & np.uint16(1 << VULNERABLE_GROUPS.index("disabled"))) != 0
        unable |= disabled & self.chance(u["disabled_extra"])
        return ~unable

    def household(self) -> tuple[np.ndarray, np.ndarray]:
        """Household size per person; minors never live alone nor head a household."""
        h = self.a["household"]
        sizes = np.asarray([s[0] for s in h["sizes"]], dtype=np.int16)
        size = sizes[self.pick(_weights([s[1] for s in h["sizes"]]))]
        adult = self.age >= h["head_min_age"]
        size = np.where(~adult & (size == 1), np.int16(2), size).astype(np.int16)
        rows = h["head_share_of_adults_by_size"]
        row = np.searchsorted([r[0] for r in rows], size, side="right") - 1
        head_share = np.asarray([r[1] for r in rows], dtype=np.float32)[row]
        head = adult & (self.uniform() < head_share)
        return size, head

    def veteran_service(self, nationality: Categories) -> np.ndarray:
        """Months served by Korean men, by birth cohort; a few were discharged early."""
        v = self.a["veterans"]
        male = self.chance(v["sex_male_share"])
        served = (male & (nationality.codes == 0) & (self.age >= v["min_age"])
                  & self.chance(v["served_share"]))
        months = np.zeros(self.n, dtype=np.int16)
        birth_year = self.birth_date // 10000
        cohorts: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for first, last, length, weight in v["months_by_birth_year"]:
            cohorts.setdefault((first, last), []).append((length, weight))
        for (first, last), options in cohorts.items():
            members = served & (birth_year >= first) & (birth_year <= last)
            count = int(np.count_nonzero(members))
            lengths = np.asarray([o[0] for o in options], dtype=np.int16)
            months[members] = lengths[self.pick(_weights([o[1] for o in options]), count)]
        early = served & self.chance(v["early_discharge_share"])
        months[early] = self.between(3, 11, int(np.count_nonzero(early)))
        return months

    def benefit_periods(self, employment: np.ndarray) -> Ragged:
        """Unemployment-benefit periods: current, recently ended, long ended, and older ones.

        "Current" periods cover the first 2025 round's work start (``on`` + the reference
        offset); "recent" ones end shortly before it, so they can cover an announcement date
        and not the work start — the 2025 change of the reference date bites on them.
        """
        b = self.a["unemployment_benefit"]
        reference = _days(self.on) + b["reference_offset_days"]
        working_age = self.in_age(b["min_age"], b["max_age"])
        out_of_work = working_age & (employment == EMPLOYMENT_STATUSES.index("unemployed"))
        in_work = working_age & np.isin(employment, [EMPLOYMENT_STATUSES.index("employed"),
                                                     EMPLOYMENT_STATUSES.index("self_employed")])
        cdf = np.cumsum([b["current_share_not_in_work"], b["recent_share_not_in_work"],
                         b["past_share_not_in_work"]])
        u = self.uniform()
        kind = np.full(self.n, -1, dtype=np.int8)  # 0 current, 1 recent, 2 past
        kind[out_of_work] = np.searchsorted(cdf, u[out_of_work], side="right").astype(np.int8)
        kind[kind == 3] = -1
        kind[in_work & (u < b["past_share_in_work"])] = 2

        owner = np.flatnonzero(kind >= 0).astype(np.int32)
        kinds = kind[owner]
        count = len(owner)
        durations = np.asarray(b["durations_days"], dtype=np.int32)
        length = durations[self.rng.integers(0, len(durations), count)]
        recent_low, recent_high = b["recent_end_window_days"]
        past_low, past_high = b["past_end_window_days"]
        elapsed = (self.uniform(count) * length).astype(np.int32)  # days drawn so far (current)
        recent = self.between(recent_low, recent_high, count)
        past = self.between(past_low, past_high, count)
        end = np.select([kinds == 0, kinds == 1],
                        [reference + length - 1 - elapsed, reference - recent], reference - past)
        start = end - length + 1

        older = self.chance(b["second_period_share"], count)
        older_owner = owner[older]
        older_length = durations[self.rng.integers(0, len(durations), len(older_owner))]
        older_end = start[older] - self.between(past_low, past_high, len(older_owner))
        older_start = older_end - older_length + 1

        # older periods first, then a stable sort by person keeps each person's periods in order
        all_owner = np.concatenate([older_owner, owner])
        order = np.argsort(all_owner, kind="stable")
        starts = np.concatenate([older_start, start])[order]
        ends = np.concatenate([older_end, end])[order]
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_owner, minlength=self.n), out=offsets[1:])
        return Ragged(offsets, {"start": _yyyymmdd(starts), "end": _yyyymmdd(ends)})

    def training_history(self) -> Ragged:
        """Past courses and public jobs, one after another, the latest ending before ``on``."""
        t = self.a["training_history"]
        owners, programs = [], []
        counts = _weights([r[1] for r in t["records_per_participant"]])
        per_person = np.asarray([r[0] for r in t["records_per_participant"]], dtype=np.int32)
        for program, share, low, high in t["participants"]:
            who = np.flatnonzero(self.chance(share) & self.in_age(low, high)).astype(np.int32)
            records = per_person[self.pick(counts, len(who))]
            owners.append(np.repeat(who, records))
            programs.append(np.full(int(records.sum()), HISTORY_PROGRAMS.index(program), dtype=np.int8))
        owner = np.concatenate(owners)
        program = np.concatenate(programs)
        order = np.lexsort((self.uniform(len(owner)), owner))  # by person, programs interleaved
        owner, program = owner[order], program[order]
        items = len(owner)

        duration = self.between(*t["duration_days"], items)
        gap = self.between(*t["gap_days"], items)
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=self.n), out=offsets[1:])
        # end of record j = latest end − Σ over the person's later records (duration − 1 + gap)
        step = (duration - 1 + gap).astype(np.int64)
        running = np.cumsum(step)
        first = offsets[:-1][owner]
        inclusive = running - (running[first] - step[first])
        total = np.bincount(owner, weights=step, minlength=self.n).astype(np.int64)[owner]
        latest = _days(self.on) - self.between(*t["latest_end_days_before"], self.n)[owner]
        end = latest - (total - inclusive)
        start = end - duration + 1
        result_cdf = _weights([r[1] for r in t["results"]])
        result_order = np.asarray([TRAINING_RESULTS.index(r[0]) for r in t["results"]], dtype=np.int8)
        return Ragged(offsets, {
            "program": program,
            "start": _yyyymmdd(start),
            "end": _yyyymmdd(end),
            "result": result_order[self.pick(result_cdf, items)],
        })

    def finances(self, size: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, ...]:
        """Monthly household income around the standard median for the size; assets; some unknown."""
        f = self.a["household_finances"]
        table = default_tree().value(MEDIAN_INCOME, self.on)
        sizes = sorted(int(k) for k in table)
        dense = np.asarray([0] + [int(table[s]) for s in sizes], dtype=np.int64)
        step = dense[-1] - dense[-2]
        top = len(dense) - 1
        median = dense[np.minimum(size, top)] + np.maximum(size - top, 0).astype(np.int64) * step
        low_income = (groups & np.uint16(sum(1 << VULNERABLE_GROUPS.index(g)
                                              for g in ("basic_livelihood", "near_poor")))) != 0
        centre = np.where(low_income, np.float32(f["low_income_ratio_median"]),
                          np.float32(f["income_ratio_median"]))
        ratio = centre * np.exp(np.float32(f["income_ratio_sigma"])
                                * self.rng.standard_normal(self.n, dtype=np.float32))
        ratio = ratio.astype(np.float64)  # money: float32 would lose whole won above 16.7 million
        income_known = self.chance(f["income_known_share"])
        income = np.where(income_known, np.round(median * ratio, -3), 0).astype(np.int64)
        assets_known = self.chance(f["assets_known_share"])
        assets = np.float64(f["assets_median_krw"]) * np.exp(
            np.float32(f["assets_sigma"]) * self.rng.standard_normal(self.n, dtype=np.float32),
            dtype=np.float64)
        assets = np.where(assets_known, np.round(assets, -5), 0).astype(np.int64)
        return income, income_known, assets, assets_known

    def livelihood(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """생계급여: a share of basic-livelihood recipients; unknown for part of everyone."""
        f = self.a["household_finances"]
        basic = (groups & np.uint16(1 << VULNERABLE_GROUPS.index("basic_livelihood"))) != 0
        known = self.chance(f["livelihood_known_share"])
        receives = known & basic & self.chance(f["livelihood_share_of_basic"])
        return receives, known


__all__ = ["DATA_FILE", "assumptions", "generate_persons", "generate_population"]
