"""Korean public holidays come from the ``holidays`` package, substitute holidays included."""

import datetime as dt

from ilja.programs.holidays import holiday_calendar, is_public_holiday, public_holidays


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
