"""Instructor standards on both sides of Academy 2.0 (2025-11-11)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ilja.training.instructors import flag_columns, qualification, satisfaction
from ilja.training.oneday import ClassFull, check_cap, conversion

D = dt.date
BEFORE, AFTER = D(2025, 11, 10), D(2025, 11, 11)


def test_no_experience_standard_before_academy_2():
    assert qualification(ai_course=True, industry_months=6, on=BEFORE).qualified


@pytest.mark.parametrize("months,ok", [(23, False), (24, True), (60, True)])
def test_two_years_of_ai_sw_experience_after_academy_2(months, ok):
    result = qualification(ai_course=True, industry_months=months, on=AFTER)
    assert result.qualified is ok
    assert result.parameters[0].value == 2 and "24" in result.reason_ko


def test_non_ai_courses_need_no_industry_experience():
    assert qualification(ai_course=False, industry_months=0, on=AFTER).qualified


@pytest.mark.parametrize("start,flagged", [(BEFORE, False), (AFTER, True)])
def test_satisfaction_bar_rises_from_70_to_80(start, flagged):
    result = satisfaction([75] * 10, on=start)
    assert result.judged and result.flagged is flagged
    assert result.bar == (80 if flagged else 70)


def test_too_few_answers_are_not_judged():
    result = satisfaction([10, 20], on=AFTER)
    assert not result.judged and not result.flagged and "2" in result.reason("ko")


def test_exactly_the_bar_is_not_flagged():
    assert not satisfaction([80] * 5, on=AFTER).flagged
    assert satisfaction([80] * 4 + [79], on=AFTER).flagged


def test_flag_columns_agree():
    flags = flag_columns(np.array([750, 750, 100]), np.array([10, 10, 2]), np.array([70, 80, 80]), 5)
    assert flags.tolist() == [False, True, False]


def test_one_day_class_cap_and_conversion():
    check_cap(200, 199, 1)
    with pytest.raises(ClassFull):
        check_cap(200, 199, 2)
    result = conversion([1, 2, 3, 4], applied=[2, 3, 9], enrolled=[3, 9, 4])
    assert (result.participants, result.applied, result.enrolled) == (4, 2, 1)
    assert result.percent("applied") == 50.0 and result.percent("enrolled") == 25.0
    assert conversion([], [], []).percent("applied") is None
