"""The selection benchmark still runs (on a small round) and its run verifies."""

from __future__ import annotations

import json

from bench.selection.run import main


def test_benchmark_runs_on_a_small_round(capsys):
    assert main(["--applicants", "3000", "--choices", "2", "--repeat", "1",
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["verified"] and result["units"] == 715 and result["seats"] == 12890
    assert result["fields"] == 5
