"""Run the benchmarks: ``python -m bench`` runs every ``bench/<name>/run.py`` in turn;
``python -m bench rules [options]`` runs one and passes the options on (``--help`` lists them).

Each benchmark's ``run.py`` has ``main(argv: list[str]) -> int``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).parent


def benchmarks() -> list[str]:
    """Names of the benchmark folders (those with a ``run.py``), in alphabetical order."""
    return sorted(p.parent.name for p in HERE.glob("*/run.py"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = benchmarks()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(names))
        return 0
    if argv and not argv[0].startswith("-"):
        name, options = argv[0], argv[1:]
        if name not in names:
            print(f"unknown benchmark {name!r}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        selected = [name]
    else:
        selected, options = names, argv
    status = 0
    for name in selected:
        print(f"== bench/{name}", flush=True)
        status |= importlib.import_module(f"bench.{name}.run").main(options)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
