"""The training benchmark runs end to end on a small population (no timing asserted)."""

from bench.training.run import main


def test_bench_runs_small(capsys):
    assert main(["--trainees", "60", "--cohort-size", "20", "--xlsx-rows", "200"]) == 0
    out = capsys.readouterr().out
    assert "rows/s" in out and "import XLSX slice" in out
