"""Where Ilja's rules spend their time: cProfile of the batch path and the one-person path.

``python -m bench.rules.profile [--size 1000000] [--persons 3000] [--programs a,b]`` prints
the top functions by own time, plus user/system CPU and minor page faults of one batch run
(system time is mostly first-touch page faults of fresh arrays: chunk size matters).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import resource
import time

from ilja.people.synthetic import generate_persons, generate_population
from ilja.rules.engine import Engine


def _top(profile: cProfile.Profile, lines: int) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rules.profile", description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--programs", default="", help="comma-separated program codes (default: all)")
    parser.add_argument("--chunk-size", type=int, default=500_000)
    parser.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2025, 1, 10))
    parser.add_argument("--announced", type=dt.date.fromisoformat, default=dt.date(2024, 11, 20))
    parser.add_argument("--lines", type=int, default=25)
    options = parser.parse_args(argv)
    programs = [p for p in options.programs.split(",") if p] or None
    engine = Engine()

    population = generate_population(options.size)
    engine.evaluate_population(population, options.on, options.announced, programs=programs, workers=1)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    engine.evaluate_population(population, options.on, options.announced, programs=programs,
                               workers=1, chunk_size=options.chunk_size)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(f"batch, {options.size:,} persons, 1 thread, chunk {options.chunk_size:,}: wall {wall:.3f} s, "
          f"user {after.ru_utime - before.ru_utime:.3f} s, system {after.ru_stime - before.ru_stime:.3f} s, "
          f"minor page faults {after.ru_minflt - before.ru_minflt:,}")
    profile = cProfile.Profile()
    profile.runcall(engine.evaluate_population, population, options.on, options.announced,
                    programs=programs, workers=1, chunk_size=options.chunk_size)
    print(_top(profile, options.lines))

    persons = generate_persons(options.persons)
    profile = cProfile.Profile()
    profile.enable()
    for person in persons:
        engine.evaluate_person(person, options.on, options.announced, programs=programs)
    profile.disable()
    print(f"one-person path, {len(persons):,} persons")
    print(_top(profile, options.lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
