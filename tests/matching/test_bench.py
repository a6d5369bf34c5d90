"""The matching benchmark still runs on small instances and agrees with its peer."""

from __future__ import annotations

import json

from bench.matching.run import main


def test_benchmark_runs_small(capsys):
    assert main(["--candidates", "300", "--postings", "40", "--applicants", "3000",
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    a, balanced, b = result["instances"]
    assert a["candidates"] == 300 and a["pairs"] == 300 * 20
    assert balanced["instance"] == "a balanced" and balanced["pairs"] == 300 * 10
    assert balanced["seats"] == 40 * 10 and len(balanced["ilja_runs"]) >= 3
    assert b["postings"] == 715 and b["seats"] == 12890
    assert all(row.get("equal_to_peer", True) for row in (a, balanced, b))
