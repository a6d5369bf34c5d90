"""Korean public holidays come from the ``holidays`` package, substitute holidays included."""

import datetime as dt

from ilja.programs.holidays import (
    holiday_calendar,
    is_paid_holiday,
    is_public_holiday,
    paid_holidays,
    public_holidays,
)


def test_2025_substitute_and_election_holidays():
    days = public_holidays(2025)
    assert days[dt.date(2025, 3, 1)] == "삼일절"
    assert "대체" in days[dt.date(2025, 3, 3)]
    assert "대체" in days[dt.date(2025, 10, 8)]
    assert dt.date(2025, 6, 3) in days  # presidential election
    assert list(days) == sorted(days)


def test_english_names_alongside_korean():
    calendar = {h.date: h for h in holiday_calendar(2025)}
    chuseok = calendar[dt.date(2025, 10, 6)]
    assert (chuseok.name_ko, chuseok.name_en) == ("추석", "Chuseok")
    assert is_public_holiday(dt.date(2025, 12, 25))
    assert not is_public_holiday(dt.date(2025, 12, 24))


def test_workers_day_is_a_statutory_paid_day_off_counted_once():
    may_first = dt.date(2025, 5, 1)
    assert not is_public_holiday(may_first)  # not a public holiday in 2025 …
    assert is_paid_holiday(may_first)  # … but paid by law (근로자의날 제정에 관한 법률)
    assert paid_holidays(2025)[may_first] == "근로자의날"
    assert set(public_holidays(2025)) < set(paid_holidays(2025))
    assert is_paid_holiday(dt.date(2026, 5, 1))  # a public holiday from 2026: the same day, once
    assert list(paid_holidays(2026)).count(dt.date(2026, 5, 1)) == 1
    assert not is_paid_holiday(dt.date(1993, 5, 1))  # before the dated rule
