"""A round's program is one the plan knows: an unknown one is refused, never taken for a public
job (issue 22)."""

import pytest

from ilja.applications.errors import InvalidRound
from ilja.applications.rounds import program_kind


def test_the_plan_gives_each_program_its_kind():
    assert program_kind("youth_academy") == "training"
    assert program_kind("companion_jobs") == "public_job"
    assert program_kind("attractive_jobs.foreign_students") == "pilot"


def test_an_unknown_program_is_an_error_not_a_public_job():
    with pytest.raises(InvalidRound) as refused:
        program_kind("no_such_program")
    assert refused.value.problems[0][0] == "program_code"
