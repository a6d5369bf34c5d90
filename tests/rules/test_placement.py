"""The rules at a placement (issue 22): working hours and the foreign-student pilot's own
conditions come from the rules, with the parameters they used and the versions."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.rules.parameters import default_tree
from ilja.rules.placement import age_on, foreign_student_pilot, work_hours
from ilja.rules.population import Person

START = dt.date(2025, 3, 3)


def test_companion_jobs_shorten_the_day_from_the_older_participant_age():
    tree = default_tree()
    older = int(tree.value("companion_jobs.work.older_participant_age", START))
    young = work_hours("companion_jobs", dt.date(1990, 1, 1), START)
    old = work_hours("companion_jobs", START.replace(year=START.year - older), START)
    assert young.daily_milli_hours == 1000 * tree.value("companion_jobs.work.daily_hours", START)
    assert old.daily_milli_hours == 1000 * tree.value("companion_jobs.work.older_daily_hours",
                                                      START)
    assert old.days_per_week == young.days_per_week == 5
    assert "companion_jobs.work.older_daily_hours" in {u.name for u in old.parameters}
    assert all("companion_jobs.work" in line or "근무" in line for line in old.explanation("ko"))


def test_a_track_works_its_programs_day():
    hours = work_hours("attractive_jobs.youth", dt.date(2000, 1, 1), START)
    assert hours.daily_milli_hours == 8000
    assert hours.code_version and [u.name for u in hours.parameters] == [
        "attractive_jobs.work.daily_hours", "attractive_jobs.work.days_per_week"]


@given(st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
       st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
def test_age_counts_whole_years_from_the_birthday(birth, on):
    age = age_on(birth, on)
    assert (birth.month, birth.day) == (2, 29) or birth.replace(year=birth.year + age) <= on
    assert age_on(birth, birth) == 0


def _person(nationality, visa):
    return Person.model_validate({"id": "1", "birth_date": "2000-01-01", "sido": "서울특별시",
                                  "nationality": nationality, "visa": visa})


def test_the_pilot_takes_a_foreign_student_and_says_why_it_refuses_others():
    on = dt.date(2025, 6, 2)
    assert foreign_student_pilot(_person("VN", "D-2"), on).allowed
    korean = foreign_student_pilot(_person("KR", "D-2"), on)
    assert not korean.allowed and [c.id for c in korean.failed] == ["foreign_national"]
    worker = foreign_student_pilot(_person("VN", "E-9"), on)
    assert [c.id for c in worker.failed] == ["student_visa"]
    assert any("E-9" in line for line in worker.explanation("en"))
    assert worker.parameter_version and worker.code_version
