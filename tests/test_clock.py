"""One clock (issue 22): the server's clock runs UTC in production, so between 00:00 and 09:00 in
Seoul ``date.today()`` is yesterday. Code asks ``ilja.clock``; this test refuses the rest."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ilja import clock

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ilja"
FORBIDDEN = re.compile(r"\b(?:date|datetime)\.today\(\)|\bdatetime\.now\(|\butcnow\(|\btime\.localtime\(")


def test_only_the_clock_module_reads_the_system_clock():
    offenders = [f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
                 for path in sorted(SOURCE.rglob("*.py")) if path != SOURCE / "clock.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if FORBIDDEN.search(line)]
    assert not offenders, "use ilja.clock.now() / clock.today():\n" + "\n".join(offenders)


def test_tests_and_benchmarks_ask_the_clock_for_today():
    """A test that builds 'today' from the server's date disagrees with the code under test for
    nine hours a day (a hire dated before its offer failed CI after 15:00 UTC)."""
    root = SOURCE.parents[1]
    today = re.compile(r"\b(?:date|datetime)\.today\(\)")
    offenders = [f"{path.relative_to(root)}:{number}: {line.strip()}"
                 for folder in ("tests", "bench") for path in sorted((root / folder).rglob("*.py"))
                 if path != Path(__file__).resolve()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if today.search(line)]
    assert not offenders, "use ilja.clock.today():\n" + "\n".join(offenders)


def test_today_is_seouls_date_while_utc_is_still_yesterday():
    late_utc = dt.datetime(2025, 3, 1, 16, 30, tzinfo=dt.UTC)  # 01:30 on 2 March in Seoul
    with clock.frozen(late_utc):
        assert clock.today() == dt.date(2025, 3, 2)
        assert clock.now() == late_utc and clock.now().tzinfo is dt.UTC
        assert clock.seoul_now().hour == 1


def test_frozen_reads_naive_times_and_dates_as_seoul_and_restores_the_clock():
    with clock.frozen(dt.datetime(2025, 7, 1, 0, 5)):
        assert clock.now() == dt.datetime(2025, 6, 30, 15, 5, tzinfo=dt.UTC)
    with clock.frozen(dt.date(2025, 7, 1)):
        assert clock.today() == dt.date(2025, 7, 1)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)  # the real clock, on purpose
