"""``--quick``, which every benchmark understands: its small sizes instead of the default ones."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None, **quick: Any) -> argparse.Namespace:
    """``argv`` parsed; with ``--quick`` the defaults become ``quick``, a run of seconds that keeps
    the benchmark's code path (peers and databases included) working. Options given still win."""
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, a smoke run of seconds (figures not saved)")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.quick:
        parser.set_defaults(**quick)
        args = parser.parse_args(argv)
    return args
