"""Run the benchmarks: ``python -m bench`` runs every ``bench/<name>/run.py`` in turn;
``python -m bench rules [options]`` runs one and passes the options on (``--help`` lists them).
``python -m bench --quick`` runs every one on small sizes, peers and databases included: a smoke
run of about a minute, so that no benchmark rots between real runs (the test suite runs it).

Each benchmark's ``run.py`` has ``main(argv: list[str]) -> int`` and understands ``--quick``. A
benchmark that fails does not stop the others, and one that leaves a thread or a child process
running fails.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
import traceback
from pathlib import Path

from bench.databases import migrated_template

HERE = Path(__file__).parent

# Left out of ``python -m bench --quick`` (``python -m bench reliability --quick`` still runs).
QUICK_SKIPPED = {
    "reliability": "a 15-minute harness (a uvicorn server under load, API fuzzing, Chromium, "
                   "pg_dump) with no small form; `make reliability` runs it, tests/reliability "
                   "its parts",
}


def benchmarks() -> list[str]:
    """Names of the benchmark folders (those with a ``run.py``), in alphabetical order."""
    return sorted(p.parent.name for p in HERE.glob("*/run.py"))


def left_behind(threads_before: set[int]) -> list[str]:
    """The threads and child processes still running that a benchmark started (given a second
    to finish): they would skew the next benchmark's figures and outlive the run."""
    import psutil

    threads = [t for t in threading.enumerate() if t.ident not in threads_before]
    for thread in threads:
        thread.join(timeout=1)
    return ([f"thread {t.name!r}" for t in threads if t.is_alive()]
            + [f"child process {p.pid}" for p in psutil.Process().children(recursive=True)])


def run(name: str, options: list[str]) -> int:
    """One benchmark under its header line; its exit status, 1 too if it raised or left
    something running."""
    print(f"== bench/{name}", flush=True)
    threads_before = {t.ident for t in threading.enumerate()}
    started = time.perf_counter()
    try:
        status = importlib.import_module(f"bench.{name}.run").main(options)
    except Exception:  # noqa: BLE001 - reported; the next benchmark still runs
        traceback.print_exc()
        status = 1
    leftovers = left_behind(threads_before)
    if leftovers:
        print(f"bench/{name} left running: {', '.join(leftovers)}")
        status = 1
    print(f"-- bench/{name}: {'ok' if status == 0 else 'FAILED'} in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = benchmarks()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(names))
        return 0
    if argv and not argv[0].startswith("-"):
        if argv[0] not in names:
            print(f"unknown benchmark {argv[0]!r}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        with migrated_template():
            return run(argv[0], argv[1:])
    status = 0
    with migrated_template():
        for name in names:
            if "--quick" in argv and name in QUICK_SKIPPED:
                print(f"== bench/{name}\nskipped in --quick: {QUICK_SKIPPED[name]}", flush=True)
            else:
                status |= run(name, argv)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
